"""Readers, exporters and the exported data model (mirrors ``opentelemetry.sdk.metrics.export``)."""

from otelbridge.sdk.metrics._point import (
    Buckets,
    DataPointT,
    DataT,
    ExponentialHistogram,
    ExponentialHistogramDataPoint,
    Gauge,
    Histogram,
    HistogramDataPoint,
    Metric,
    MetricsData,
    NumberDataPoint,
    QuantileValue,
    ResourceMetrics,
    ScopeMetrics,
    Sum,
    Summary,
    SummaryDataPoint,
)
from otelbridge.sdk.metrics._temporality import AggregationTemporality
from otelbridge.sdk.metrics.export._exporter import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricExportResult,
)
from otelbridge.sdk.metrics.export._periodic import PeriodicExportingMetricReader
from otelbridge.sdk.metrics.export._producer import MetricProducer
from otelbridge.sdk.metrics.export._reader import (
    CardinalityLimits,
    InMemoryMetricReader,
    InstrumentCardinalityKey,
    MetricReader,
)
from otelbridge.sdk.metrics.export._temporality_env import preferred_temporality_from_env

__all__ = [
    "AggregationTemporality",
    "Buckets",
    "CardinalityLimits",
    "ConsoleMetricExporter",
    "DataPointT",
    "DataT",
    "ExponentialHistogram",
    "ExponentialHistogramDataPoint",
    "Gauge",
    "Histogram",
    "HistogramDataPoint",
    "InMemoryMetricReader",
    "InstrumentCardinalityKey",
    "Metric",
    "MetricExportResult",
    "MetricExporter",
    "MetricProducer",
    "MetricReader",
    "MetricsData",
    "NumberDataPoint",
    "PeriodicExportingMetricReader",
    "QuantileValue",
    "ResourceMetrics",
    "ScopeMetrics",
    "Sum",
    "Summary",
    "SummaryDataPoint",
    "preferred_temporality_from_env",
]
