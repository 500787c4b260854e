"""OTLP/gRPC metric exporter.

Mirrors ``opentelemetry.exporter.otlp.proto.grpc.metric_exporter``.
"""

from __future__ import annotations

from typing import Mapping, Optional

import grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2

from otelbridge.sdk.export._transport._grpc import GrpcTransport, method_path
from otelbridge.sdk.export.otlp._config import GRPC, Headers, options_of, resolve
from otelbridge.sdk.export.otlp._metric_exporter import TransportMetricExporter
from otelbridge.sdk.metrics.export import AggregationTemporality
from otelbridge.sdk.metrics.view import Aggregation

_METHOD = method_path(metrics_service_pb2.DESCRIPTOR.services_by_name["MetricsService"])


class OTLPMetricExporter(TransportMetricExporter):
    """Sends metrics to an OTLP/gRPC receiver (default ``http://localhost:4317``).

    Unset arguments come from ``OTEL_EXPORTER_OTLP_METRICS_*`` then ``OTEL_EXPORTER_OTLP_*``.
    """

    def __init__(
        self,
        endpoint: Optional[str] = None,
        insecure: Optional[bool] = None,
        credentials: Optional[grpc.ChannelCredentials] = None,
        headers: Headers = None,
        timeout: Optional[float] = None,
        compression: Optional[str] = None,
        preferred_temporality: Optional[Mapping[type, AggregationTemporality]] = None,
        preferred_aggregation: Optional[Mapping[type, Aggregation]] = None,
        *,
        certificate_file: Optional[str] = None,
        client_key_file: Optional[str] = None,
        client_certificate_file: Optional[str] = None,
    ) -> None:
        config = resolve("metrics", GRPC, **options_of(locals()))
        super().__init__(
            config,
            GrpcTransport(config, _METHOD, credentials),
            preferred_temporality,
            preferred_aggregation,
        )
