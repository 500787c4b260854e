"""OTLP/gRPC span exporter (mirrors ``opentelemetry.exporter.otlp.proto.grpc.trace_exporter``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from otelbridge.sdk.export._span_exporter import TransportSpanExporter
from otelbridge.sdk.export._transport._grpc import GrpcTransport, method_path
from otelbridge.sdk.export.otlp._config import GRPC, Headers, options_of, resolve
from otelbridge.sdk.export.otlp.proto.common.trace_encoder import serialize_spans

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider

_METHOD = method_path(trace_service_pb2.DESCRIPTOR.services_by_name["TraceService"])


class OTLPSpanExporter(TransportSpanExporter):
    """Sends spans to an OTLP/gRPC receiver (default ``http://localhost:4317``).

    Unset arguments come from ``OTEL_EXPORTER_OTLP_TRACES_*`` then ``OTEL_EXPORTER_OTLP_*``;
    ``timeout`` is in seconds, ``compression`` is ``"gzip"`` or ``"none"``; ``meter_provider``
    publishes :attr:`stats` as metrics (see :mod:`otelbridge.sdk.util.self_metrics`).
    """

    def __init__(
        self,
        endpoint: Optional[str] = None,
        insecure: Optional[bool] = None,
        credentials: Optional[grpc.ChannelCredentials] = None,
        headers: Headers = None,
        timeout: Optional[float] = None,
        compression: Optional[str] = None,
        *,
        certificate_file: Optional[str] = None,
        client_key_file: Optional[str] = None,
        client_certificate_file: Optional[str] = None,
        meter_provider: Optional[MeterProvider] = None,
    ) -> None:
        config = resolve("traces", GRPC, **options_of(locals()))
        super().__init__(
            config,
            GrpcTransport(config, _METHOD, credentials),
            serialize_spans,
            trace_service_pb2.ExportTraceServiceResponse,
            "rejected_spans",
            "otlp_grpc_span_exporter",
            meter_provider,
        )
