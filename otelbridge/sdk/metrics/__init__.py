"""otelbridge's metrics SDK (mirrors ``opentelemetry.sdk.metrics``)."""

from otelbridge.sdk.metrics import export, view
from otelbridge.sdk.metrics._exemplar import (
    AlignedHistogramBucketExemplarReservoir,
    AlwaysOffExemplarFilter,
    AlwaysOnExemplarFilter,
    Exemplar,
    ExemplarFilter,
    ExemplarReservoir,
    SimpleFixedSizeExemplarReservoir,
    TraceBasedExemplarFilter,
)
from otelbridge.sdk.metrics._instrument import (
    Counter,
    Gauge,
    Histogram,
    ObservableCounter,
    ObservableGauge,
    ObservableUpDownCounter,
    UpDownCounter,
)
from otelbridge.sdk.metrics._instrument import Gauge as _Gauge
from otelbridge.sdk.metrics._meter import Meter
from otelbridge.sdk.metrics._provider import MeterProvider, MetricsTimeoutError

__all__ = [
    "AlignedHistogramBucketExemplarReservoir",
    "AlwaysOffExemplarFilter",
    "AlwaysOnExemplarFilter",
    "Counter",
    "Exemplar",
    "ExemplarFilter",
    "ExemplarReservoir",
    "Gauge",
    "Histogram",
    "Meter",
    "MeterProvider",
    "MetricsTimeoutError",
    "ObservableCounter",
    "ObservableGauge",
    "ObservableUpDownCounter",
    "SimpleFixedSizeExemplarReservoir",
    "TraceBasedExemplarFilter",
    "UpDownCounter",
    "_Gauge",
    "export",
    "view",
]
