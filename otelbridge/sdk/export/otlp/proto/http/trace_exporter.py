"""OTLP/HTTP span exporter (mirrors ``opentelemetry.exporter.otlp.proto.http.trace_exporter``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from otelbridge.sdk.export._span_exporter import TransportSpanExporter
from otelbridge.sdk.export._transport._http import HttpTransport
from otelbridge.sdk.export.otlp._config import HTTP_PROTOBUF, Headers, options_of, resolve
from otelbridge.sdk.export.otlp.proto.common.trace_encoder import encode_spans, serialize_spans
from otelbridge.sdk.export.otlp.proto.http._encoding import http_encoding

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider


class OTLPSpanExporter(TransportSpanExporter):
    """POSTs spans as binary protobuf (default ``http://localhost:4318/v1/traces``), or as
    OTLP/JSON when ``OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`` / ``OTEL_EXPORTER_OTLP_PROTOCOL`` is
    ``http/json``.

    Unset arguments come from ``OTEL_EXPORTER_OTLP_TRACES_*`` then ``OTEL_EXPORTER_OTLP_*``;
    ``timeout`` is in seconds, ``compression`` is ``"gzip"`` or ``"none"``; ``meter_provider``
    publishes :attr:`stats` as metrics (see :mod:`otelbridge.sdk.util.self_metrics`).
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
        *,
        meter_provider: Optional[MeterProvider] = None,
    ) -> None:
        config = resolve("traces", HTTP_PROTOBUF, **options_of(locals()))
        encoding = http_encoding(
            "traces", serialize_spans, encode_spans, trace_service_pb2.ExportTraceServiceResponse
        )
        super().__init__(
            config,
            HttpTransport(config, encoding.content_type),
            encoding.encode,
            encoding.response_type,
            "rejected_spans",
            "otlp_http_span_exporter",
            meter_provider,
        )
