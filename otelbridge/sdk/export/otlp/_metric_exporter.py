"""The OTLP metric exporter over a sender, shared by the gRPC and HTTP ``OTLPMetricExporter``."""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, Dict, Mapping, Optional

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceResponse,
)

from otelbridge.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION,
)
from otelbridge.sdk.export._transport import (
    ResponseType,
    Sender,
    SenderOwner,
    Transport,
    TransportConfig,
)
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


def _data_points(metrics_data: MetricsData) -> int:
    return sum(
        len(metric.data.data_points)
        for resource_metrics in metrics_data.resource_metrics
        for scope_metrics in resource_metrics.scope_metrics
        for metric in scope_metrics.metrics
    )


class TransportMetricExporter(SenderOwner, MetricExporter):
    """Encodes each collection into an ``ExportMetricsServiceRequest`` with ``encode`` (binary
    protobuf unless given another) and sends it.

    Temporality and histogram aggregation preferences default to
    ``OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`` and
    ``OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION``. A collection that cannot be
    sent is given up (and counted): the next one carries cumulative values anyway.
    """

    def __init__(
        self,
        config: TransportConfig,
        transport: Transport,
        preferred_temporality: Optional[Mapping[type, AggregationTemporality]] = None,
        preferred_aggregation: Optional[Mapping[type, Aggregation]] = None,
        encode: Callable[[MetricsData], bytes] = serialize_metrics,
        response_type: ResponseType = ExportMetricsServiceResponse,
    ) -> None:
        self._encode = encode
        super().__init__(
            preferred_temporality
            if preferred_temporality is not None
            else preferred_temporality_from_env(),
            preferred_aggregation
            if preferred_aggregation is not None
            else preferred_aggregation_from_env(),
        )
        self._sender = Sender(
            transport, config, "data points", response_type, "rejected_data_points"
        )

    def export(
        self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any
    ) -> MetricExportResult:
        count = _data_points(metrics_data)
        if not count:
            return MetricExportResult.SUCCESS
        delivery = self._sender.deliver(self._encode(metrics_data), count, timeout_millis / 1000)
        if delivery.ok:
            return MetricExportResult.SUCCESS
        self._sender.give_up(count, delivery.error)
        return MetricExportResult.FAILURE

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return True  # nothing is buffered here; the reader owns the schedule

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        self._sender.shutdown(timeout_millis / 1000)
