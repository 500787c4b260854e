"""What the gRPC and HTTP ``OTLPMetricExporter`` classes share: preferences, encode, send."""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, Mapping, Optional

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceResponse,
)

from otelbridge.sdk.export.otlp._config import ExporterConfig
from otelbridge.sdk.export.otlp._exporter import CoreBackedExporter, ExporterCore, Transport
from otelbridge.sdk.export.otlp.proto.common.metrics_encoder import serialize_metrics
from otelbridge.sdk.metrics import Histogram
from otelbridge.sdk.metrics.export import (
    AggregationTemporality,
    MetricExporter,
    MetricExportResult,
    MetricsData,
    preferred_temporality_from_env,
)
from otelbridge.sdk.metrics.view import (
    Aggregation,
    ExplicitBucketHistogramAggregation,
    ExponentialBucketHistogramAggregation,
)

_logger = logging.getLogger(__name__)

OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION = (
    "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION"
)


def preferred_aggregation_from_env() -> Dict[type, Aggregation]:
    """``explicit_bucket_histogram`` (default) or ``base2_exponential_bucket_histogram``."""
    value = os.environ.get(OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION, "")
    value = value.strip().lower() or "explicit_bucket_histogram"
    if value == "base2_exponential_bucket_histogram":
        return {Histogram: ExponentialBucketHistogramAggregation()}
    if value != "explicit_bucket_histogram":
        _logger.warning(
            "%s=%r is not supported; using explicit_bucket_histogram",
            OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION,
            value,
        )
    return {Histogram: ExplicitBucketHistogramAggregation()}


def _data_points(metrics_data: Any) -> int:
    return sum(
        len(metric.data.data_points)
        for resource_metrics in metrics_data.resource_metrics
        for scope_metrics in resource_metrics.scope_metrics
        for metric in scope_metrics.metrics
    )


class OTLPMetricExporterBase(CoreBackedExporter, MetricExporter):
    """Encodes each collection into an ``ExportMetricsServiceRequest`` and sends it.

    Temporality and histogram aggregation preferences default to
    ``OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`` and
    ``OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION``.
    """

    def __init__(
        self,
        config: ExporterConfig,
        transport: Transport,
        preferred_temporality: Optional[Mapping[type, AggregationTemporality]] = None,
        preferred_aggregation: Optional[Mapping[type, Aggregation]] = None,
    ) -> None:
        super().__init__(
            preferred_temporality
            if preferred_temporality is not None
            else preferred_temporality_from_env(),
            preferred_aggregation
            if preferred_aggregation is not None
            else preferred_aggregation_from_env(),
        )
        self._core = ExporterCore(
            transport, config, "data points", ExportMetricsServiceResponse, "rejected_data_points"
        )

    def export(
        self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any
    ) -> MetricExportResult:
        count = _data_points(metrics_data)
        if not count:
            return MetricExportResult.SUCCESS
        if self._core.export(serialize_metrics(metrics_data), count, timeout_millis / 1000):
            return MetricExportResult.SUCCESS
        return MetricExportResult.FAILURE

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return True  # nothing is buffered here; the reader owns the schedule

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        self._core.shutdown(timeout_millis / 1000)
