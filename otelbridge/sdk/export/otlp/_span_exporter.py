"""What the gRPC and HTTP ``OTLPSpanExporter`` classes share: encode, send, report."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from otelbridge.sdk.export.otlp._config import ExporterConfig
from otelbridge.sdk.export.otlp._exporter import CoreBackedExporter, ExporterCore, Transport
from otelbridge.sdk.export.otlp.proto.common.trace_encoder import serialize_spans
from otelbridge.sdk.trace.export import SpanExporter, SpanExportResult


class EncodingSpanExporter(CoreBackedExporter, SpanExporter):
    """Encodes each batch once with ``encode`` and sends it through an :class:`ExporterCore`."""

    def __init__(
        self,
        config: ExporterConfig,
        transport: Transport,
        encode: Callable[[Sequence[Any]], bytes],
        response_type: Any = None,
        rejected_field: str = "",
    ) -> None:
        self._encode = encode
        self._core = ExporterCore(transport, config, "spans", response_type, rejected_field)

    def export(self, spans: Sequence[Any]) -> SpanExportResult:
        if not spans:
            return SpanExportResult.SUCCESS
        if self._core.export(self._encode(spans), len(spans)):
            return SpanExportResult.SUCCESS
        return SpanExportResult.FAILURE

    def shutdown(self) -> None:
        self._core.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True  # nothing is buffered here; the processor owns the queue


class OTLPSpanExporterBase(EncodingSpanExporter):
    """Sends each batch as one ``ExportTraceServiceRequest``."""

    def __init__(self, config: ExporterConfig, transport: Transport) -> None:
        super().__init__(
            config, transport, serialize_spans, ExportTraceServiceResponse, "rejected_spans"
        )
