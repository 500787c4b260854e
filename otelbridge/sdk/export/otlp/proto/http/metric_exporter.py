"""OTLP/HTTP metric exporter.

Mirrors ``opentelemetry.exporter.otlp.proto.http.metric_exporter``.
"""

from __future__ import annotations

from typing import Mapping, Optional

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceResponse,
)

from otelbridge.sdk.export._transport._http import HttpTransport
from otelbridge.sdk.export.otlp._config import HTTP_PROTOBUF, Headers, options_of, resolve
from otelbridge.sdk.export.otlp._metric_exporter import TransportMetricExporter
from otelbridge.sdk.export.otlp.proto.common.metrics_encoder import (
    encode_metrics,
    serialize_metrics,
)
from otelbridge.sdk.export.otlp.proto.http._encoding import http_encoding
from otelbridge.sdk.metrics.export import AggregationTemporality
from otelbridge.sdk.metrics.view import Aggregation


class OTLPMetricExporter(TransportMetricExporter):
    """POSTs metrics as binary protobuf (default ``http://localhost:4318/v1/metrics``), or as
    OTLP/JSON when ``OTEL_EXPORTER_OTLP_METRICS_PROTOCOL`` / ``OTEL_EXPORTER_OTLP_PROTOCOL`` is
    ``http/json``.

    Unset arguments come from ``OTEL_EXPORTER_OTLP_METRICS_*`` then ``OTEL_EXPORTER_OTLP_*``.
    """

    def __init__(
        self,
        endpoint: Optional[str] = None,
        certificate_file: Optional[str] = None,
        client_key_file: Optional[str] = None,
        client_certificate_file: Optional[str] = None,
        headers: Headers = None,
        timeout: Optional[float] = None,
        compression: Optional[str] = None,
        preferred_temporality: Optional[Mapping[type, AggregationTemporality]] = None,
        preferred_aggregation: Optional[Mapping[type, Aggregation]] = None,
    ) -> None:
        config = resolve("metrics", HTTP_PROTOBUF, **options_of(locals()))
        encoding = http_encoding(
            "metrics", serialize_metrics, encode_metrics, ExportMetricsServiceResponse
        )
        super().__init__(
            config,
            HttpTransport(config, encoding.content_type),
            preferred_temporality,
            preferred_aggregation,
            encoding.encode,
            encoding.response_type,
        )
