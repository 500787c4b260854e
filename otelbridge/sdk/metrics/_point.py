"""The exported data model. Class and field names match ``opentelemetry.sdk.metrics.export``
exactly, so exporters written against either SDK read both."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Optional, Sequence, Union

from opentelemetry.util.types import Attributes

from otelbridge.sdk.metrics._temporality import AggregationTemporality
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.util.instrumentation import InstrumentationScope


def _dumps(value: Any, indent: Optional[int]) -> str:
    return json.dumps(value, indent=indent)


@dataclass(frozen=True)
class NumberDataPoint:
    """One value of a sum or gauge time series."""

    attributes: Attributes
    start_time_unix_nano: int
    time_unix_nano: int
    value: Union[int, float]
    exemplars: Sequence[Any] = field(default_factory=list)

    def to_json(self, indent: Optional[int] = 4) -> str:
        return _dumps(asdict(self), indent)


@dataclass(frozen=True)
class HistogramDataPoint:
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
    exemplars: Sequence[Any] = field(default_factory=list)

    def to_json(self, indent: Optional[int] = 4) -> str:
        return _dumps(asdict(self), indent)


@dataclass(frozen=True)
class Buckets:
    """Contiguous exponential buckets: ``bucket_counts[i]`` counts bucket ``offset + i``."""

    offset: int
    bucket_counts: Sequence[int]


@dataclass(frozen=True)
class ExponentialHistogramDataPoint:
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
    exemplars: Sequence[Any] = field(default_factory=list)

    def to_json(self, indent: Optional[int] = 4) -> str:
        return _dumps(asdict(self), indent)


@dataclass(frozen=True)
class QuantileValue:
    """The value at one quantile (0 is the minimum, 1 the maximum) of a summary."""

    quantile: float
    value: float


@dataclass(frozen=True)
class SummaryDataPoint:
    """Count, sum and quantiles computed by the source (OpenTelemetry's SDKs produce none;
    bridged sources such as OpenCensus do)."""

    attributes: Attributes
    start_time_unix_nano: int
    time_unix_nano: int
    count: int
    sum: Union[int, float]
    quantile_values: Sequence[QuantileValue] = field(default_factory=list)

    def to_json(self, indent: Optional[int] = 4) -> str:
        return _dumps(asdict(self), indent)


def _points_json(points: Sequence[Any], indent: Optional[int]) -> Any:
    return [json.loads(point.to_json(indent=indent)) for point in points]


@dataclass(frozen=True)
class Sum:
    """Sums of measurements over a time window (monotonic for counters)."""

    data_points: Sequence[NumberDataPoint]
    aggregation_temporality: AggregationTemporality
    is_monotonic: bool

    def to_json(self, indent: Optional[int] = 4) -> str:
        body = {
            "data_points": _points_json(self.data_points, indent),
            "aggregation_temporality": self.aggregation_temporality,
            "is_monotonic": self.is_monotonic,
        }
        return _dumps(body, indent)


@dataclass(frozen=True)
class Gauge:
    """The last value of each series."""

    data_points: Sequence[NumberDataPoint]

    def to_json(self, indent: Optional[int] = 4) -> str:
        return _dumps({"data_points": _points_json(self.data_points, indent)}, indent)


@dataclass(frozen=True)
class Histogram:
    """Explicit-bucket histograms."""

    data_points: Sequence[HistogramDataPoint]
    aggregation_temporality: AggregationTemporality

    def to_json(self, indent: Optional[int] = 4) -> str:
        body = {
            "data_points": _points_json(self.data_points, indent),
            "aggregation_temporality": self.aggregation_temporality,
        }
        return _dumps(body, indent)


@dataclass(frozen=True)
class ExponentialHistogram:
    """Base-2 exponential histograms."""

    data_points: Sequence[ExponentialHistogramDataPoint]
    aggregation_temporality: AggregationTemporality

    def to_json(self, indent: Optional[int] = 4) -> str:
        body = {
            "data_points": _points_json(self.data_points, indent),
            "aggregation_temporality": self.aggregation_temporality,
        }
        return _dumps(body, indent)


@dataclass(frozen=True)
class Summary:
    """Pre-computed quantile summaries (OTLP's legacy Summary point)."""

    data_points: Sequence[SummaryDataPoint]

    def to_json(self, indent: Optional[int] = 4) -> str:
        return _dumps({"data_points": _points_json(self.data_points, indent)}, indent)


DataT = Union[Sum, Gauge, Histogram, ExponentialHistogram, Summary]
DataPointT = Union[
    NumberDataPoint, HistogramDataPoint, ExponentialHistogramDataPoint, SummaryDataPoint
]


@dataclass(frozen=True)
class Metric:
    """One metric stream: identity plus its data."""

    name: str
    description: Optional[str]
    unit: Optional[str]
    data: DataT

    def to_json(self, indent: Optional[int] = 4) -> str:
        body: Dict[str, Any] = {
            "name": self.name,
            "description": self.description or "",
            "unit": self.unit or "",
            "data": json.loads(self.data.to_json(indent=indent)),
        }
        return _dumps(body, indent)


@dataclass(frozen=True)
class ScopeMetrics:
    """The metrics one instrumentation scope (meter) produced."""

    scope: InstrumentationScope
    metrics: Sequence[Metric]
    schema_url: str

    def to_json(self, indent: Optional[int] = 4) -> str:
        body = {
            "scope": json.loads(self.scope.to_json(indent=indent)),
            "metrics": _points_json(self.metrics, indent),
            "schema_url": self.schema_url,
        }
        return _dumps(body, indent)


@dataclass(frozen=True)
class ResourceMetrics:
    """Every scope's metrics for one resource."""

    resource: Resource
    scope_metrics: Sequence[ScopeMetrics]
    schema_url: str

    def to_json(self, indent: Optional[int] = 4) -> str:
        body = {
            "resource": json.loads(self.resource.to_json(indent=indent)),
            "scope_metrics": _points_json(self.scope_metrics, indent),
            "schema_url": self.schema_url,
        }
        return _dumps(body, indent)


@dataclass(frozen=True)
class MetricsData:
    """What one collection produced: a list of :class:`ResourceMetrics`."""

    resource_metrics: Sequence[ResourceMetrics]

    def to_json(self, indent: Optional[int] = 4) -> str:
        return _dumps({"resource_metrics": _points_json(self.resource_metrics, indent)}, indent)
