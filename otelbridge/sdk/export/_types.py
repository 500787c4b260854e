"""What the encoders read, as Protocols: the properties of opentelemetry-sdk's ``ReadableSpan``,
``Event``, ``Resource``, ``InstrumentationScope`` and ``MetricsData``, so that an encoder takes the
reference SDK's objects as well as ours (checked below, for the type checker only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Protocol, Sequence, Union

from opentelemetry.trace import Link, SpanContext, SpanKind, Status
from opentelemetry.util.types import Attributes


class ResourceData(Protocol):
    @property
    def attributes(self) -> Attributes: ...

    @property
    def schema_url(self) -> str: ...


class ScopeData(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def version(self) -> Optional[str]: ...

    @property
    def schema_url(self) -> Optional[str]: ...

    @property
    def attributes(self) -> Attributes: ...


class EventData(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def timestamp(self) -> int: ...

    @property
    def attributes(self) -> Attributes: ...

    @property
    def dropped_attributes(self) -> int: ...


class FinishedSpan(Protocol):
    """An ended span as exporters see it."""

    @property
    def name(self) -> str: ...

    @property
    def context(self) -> Optional[SpanContext]: ...

    @property
    def parent(self) -> Optional[SpanContext]: ...

    @property
    def kind(self) -> SpanKind: ...

    @property
    def start_time(self) -> Optional[int]: ...

    @property
    def end_time(self) -> Optional[int]: ...

    @property
    def attributes(self) -> Attributes: ...

    @property
    def events(self) -> Sequence[EventData]: ...

    @property
    def links(self) -> Sequence[Link]: ...

    @property
    def status(self) -> Status: ...

    @property
    def dropped_attributes(self) -> int: ...

    @property
    def dropped_events(self) -> int: ...

    @property
    def dropped_links(self) -> int: ...

    @property
    def resource(self) -> ResourceData: ...

    @property
    def instrumentation_scope(self) -> Optional[ScopeData]: ...


if TYPE_CHECKING:
    from opentelemetry.sdk import trace as reference

    from otelbridge.sdk import trace

    def _both_conform(ours: trace.ReadableSpan, theirs: reference.ReadableSpan) -> None:
        spans: Sequence[FinishedSpan] = (ours, theirs)
        del spans


# What the OTLP metrics encoder reads: opentelemetry-sdk's ``MetricsData`` and its parts.


class ExemplarData(Protocol):
    @property
    def filtered_attributes(self) -> Attributes: ...

    @property
    def value(self) -> Union[int, float]: ...

    @property
    def time_unix_nano(self) -> int: ...

    @property
    def span_id(self) -> Optional[int]: ...

    @property
    def trace_id(self) -> Optional[int]: ...


class PointData(Protocol):
    """What every data point has; the other fields are read by name."""

    @property
    def attributes(self) -> Attributes: ...


class NumberPointData(PointData, Protocol):
    @property
    def value(self) -> Union[int, float]: ...


class QuantileData(Protocol):
    @property
    def quantile(self) -> float: ...

    @property
    def value(self) -> float: ...


class SummaryPointData(PointData, Protocol):
    @property
    def quantile_values(self) -> Sequence[QuantileData]: ...


class MetricData(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def description(self) -> Optional[str]: ...

    @property
    def unit(self) -> Optional[str]: ...

    @property
    def data(self) -> object:
        """Told apart by class name (``Sum``, ``Gauge``, ...), so of no one type."""


class ScopeMetricsData(Protocol):
    @property
    def scope(self) -> ScopeData: ...

    @property
    def metrics(self) -> Sequence[MetricData]: ...

    @property
    def schema_url(self) -> str: ...


class ResourceMetricsData(Protocol):
    @property
    def resource(self) -> ResourceData: ...

    @property
    def scope_metrics(self) -> Sequence[ScopeMetricsData]: ...

    @property
    def schema_url(self) -> str: ...


class MetricsDataLike(Protocol):
    @property
    def resource_metrics(self) -> Sequence[ResourceMetricsData]: ...


if TYPE_CHECKING:
    from opentelemetry.sdk.metrics import export as reference_metrics

    from otelbridge.sdk.metrics import export as metrics

    def _both_metrics_conform(
        ours: metrics.MetricsData, theirs: reference_metrics.MetricsData
    ) -> None:
        data: Sequence[MetricsDataLike] = (ours, theirs)
        del data
