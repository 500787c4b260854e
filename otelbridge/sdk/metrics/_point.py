"""The exported data model. Class and field names match ``opentelemetry.sdk.metrics.export``
exactly, so exporters written against either SDK read both."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Union

from opentelemetry.util.types import Attributes

from otelbridge.sdk.metrics._temporality import AggregationTemporality
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.util.instrumentation import InstrumentationScope

if TYPE_CHECKING:
    from otelbridge.sdk.metrics._exemplar import Exemplar


def _dumps(value: Any, indent: Optional[int]) -> str:
    return json.dumps(value, indent=indent)


class _PointJson:
    """``to_json`` of a data point: every field, nested dataclasses included (``asdict``)."""

    def to_json(self, indent: Optional[int] = 4) -> str:
        return _dumps(asdict(self), indent)  # type: ignore[call-overload]  # dataclasses only


def _json_value(value: Any, indent: Optional[int]) -> Any:
    """A container's field as the reference writes it: model objects, and lists of them,
    through their own ``to_json``; any other value as it is."""
    if hasattr(value, "to_json"):
        return json.loads(value.to_json(indent=indent))
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "to_json"):
        return [json.loads(item.to_json(indent=indent)) for item in value]
    return value


class _ContainerJson:
    """``to_json`` of the containers (metric data up to :class:`MetricsData`): their fields in
    declaration order, each through :func:`_json_value`."""

    def _json_fields(self, indent: Optional[int]) -> Dict[str, Any]:
        return {
            item.name: _json_value(getattr(self, item.name), indent)
            for item in fields(self)  # type: ignore[arg-type]  # dataclasses only
        }

    def to_json(self, indent: Optional[int] = 4) -> str:
        return _dumps(self._json_fields(indent), indent)


# A collection builds one point per series. A frozen dataclass's generated ``__init__`` looks
# ``object.__setattr__`` up anew for every field; the sum and histogram points (the streams with
# thousands of series) call it bound once instead (half the cost), keeping the dataclass's
# fields, repr, equality and immutability. (Writing ``__dict__`` whole is cheaper still, but it
# gives every point a dict of its own for the cyclic GC to track, and a collection then pays
# more in GC than it saved.)
_set = object.__setattr__


@dataclass(frozen=True, init=False)
class NumberDataPoint(_PointJson):
    """One value of a sum or gauge time series."""

    attributes: Attributes
    start_time_unix_nano: int
    time_unix_nano: int
    value: Union[int, float]
    exemplars: Sequence[Exemplar] = field(default_factory=list)

    def __init__(
        self,
        attributes: Attributes,
        start_time_unix_nano: int,
        time_unix_nano: int,
        value: Union[int, float],
        exemplars: Optional[Sequence[Exemplar]] = None,
    ) -> None:
        _set(self, "attributes", attributes)
        _set(self, "start_time_unix_nano", start_time_unix_nano)
        _set(self, "time_unix_nano", time_unix_nano)
        _set(self, "value", value)
        _set(self, "exemplars", [] if exemplars is None else exemplars)


@dataclass(frozen=True, init=False)
class HistogramDataPoint(_PointJson):
    """One explicit-bucket histogram: ``bucket_counts`` has ``len(explicit_bounds) + 1`` entries."""

    attributes: Attributes
    start_time_unix_nano: int
    time_unix_nano: int
    count: int
    sum: Union[int, float]
    bucket_counts: Sequence[int]
    explicit_bounds: Sequence[float]
    min: float
    max: float
    exemplars: Sequence[Exemplar] = field(default_factory=list)

    def __init__(
        self,
        attributes: Attributes,
        start_time_unix_nano: int,
        time_unix_nano: int,
        count: int,
        sum: Union[int, float],
        bucket_counts: Sequence[int],
        explicit_bounds: Sequence[float],
        min: float,
        max: float,
        exemplars: Optional[Sequence[Exemplar]] = None,
    ) -> None:
        _set(self, "attributes", attributes)
        _set(self, "start_time_unix_nano", start_time_unix_nano)
        _set(self, "time_unix_nano", time_unix_nano)
        _set(self, "count", count)
        _set(self, "sum", sum)
        _set(self, "bucket_counts", bucket_counts)
        _set(self, "explicit_bounds", explicit_bounds)
        _set(self, "min", min)
        _set(self, "max", max)
        _set(self, "exemplars", [] if exemplars is None else exemplars)


@dataclass(frozen=True)
class Buckets:
    """Contiguous exponential buckets: ``bucket_counts[i]`` counts bucket ``offset + i``."""

    offset: int
    bucket_counts: Sequence[int]


@dataclass(frozen=True)
class ExponentialHistogramDataPoint(_PointJson):
    """One base-2 exponential histogram; bucket ``i`` holds ``(base**i, base**(i+1)]`` with
    ``base = 2 ** 2 ** -scale``."""

    attributes: Attributes
    start_time_unix_nano: int
    time_unix_nano: int
    count: int
    sum: Union[int, float]
    scale: int
    zero_count: int
    positive: Buckets
    negative: Buckets
    flags: int
    min: float
    max: float
    exemplars: Sequence[Exemplar] = field(default_factory=list)


@dataclass(frozen=True)
class QuantileValue:
    """The value at one quantile (0 is the minimum, 1 the maximum) of a summary."""

    quantile: float
    value: float


@dataclass(frozen=True)
class SummaryDataPoint(_PointJson):
    """Count, sum and quantiles computed by the source (OpenTelemetry's SDKs produce none;
    bridged sources such as OpenCensus do)."""

    attributes: Attributes
    start_time_unix_nano: int
    time_unix_nano: int
    count: int
    sum: Union[int, float]
    quantile_values: Sequence[QuantileValue] = field(default_factory=list)


@dataclass(frozen=True)
class Sum(_ContainerJson):
    """Sums of measurements over a time window (monotonic for counters)."""

    data_points: Sequence[NumberDataPoint]
    aggregation_temporality: AggregationTemporality
    is_monotonic: bool


@dataclass(frozen=True)
class Gauge(_ContainerJson):
    """The last value of each series."""

    data_points: Sequence[NumberDataPoint]


@dataclass(frozen=True)
class Histogram(_ContainerJson):
    """Explicit-bucket histograms."""

    data_points: Sequence[HistogramDataPoint]
    aggregation_temporality: AggregationTemporality


@dataclass(frozen=True)
class ExponentialHistogram(_ContainerJson):
    """Base-2 exponential histograms."""

    data_points: Sequence[ExponentialHistogramDataPoint]
    aggregation_temporality: AggregationTemporality


@dataclass(frozen=True)
class Summary(_ContainerJson):
    """Pre-computed quantile summaries (OTLP's legacy Summary point)."""

    data_points: Sequence[SummaryDataPoint]


DataT = Union[Sum, Gauge, Histogram, ExponentialHistogram, Summary]
DataPointT = Union[
    NumberDataPoint, HistogramDataPoint, ExponentialHistogramDataPoint, SummaryDataPoint
]


@dataclass(frozen=True)
class Metric(_ContainerJson):
    """One metric stream: identity plus its data."""

    name: str
    description: Optional[str]
    unit: Optional[str]
    data: DataT

    def to_json(self, indent: Optional[int] = 4) -> str:
        body = self._json_fields(indent)
        body.update(description=self.description or "", unit=self.unit or "")
        return _dumps(body, indent)


@dataclass(frozen=True)
class ScopeMetrics(_ContainerJson):
    """The metrics one instrumentation scope (meter) produced."""

    scope: InstrumentationScope
    metrics: Sequence[Metric]
    schema_url: str


@dataclass(frozen=True)
class ResourceMetrics(_ContainerJson):
    """Every scope's metrics for one resource."""

    resource: Resource
    scope_metrics: Sequence[ScopeMetrics]
    schema_url: str


@dataclass(frozen=True)
class MetricsData(_ContainerJson):
    """What one collection produced: a list of :class:`ResourceMetrics`."""

    resource_metrics: Sequence[ResourceMetrics]
