"""What the span encoders read, as Protocols: the properties of opentelemetry-sdk's
``ReadableSpan``, ``Event``, ``Resource`` and ``InstrumentationScope``, so that an encoder takes the
reference SDK's objects as well as ours (checked below, for the type checker only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Protocol, Sequence

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
