"""Zipkin v2 JSON over HTTP (mirrors ``opentelemetry.exporter.zipkin.json``)."""

from __future__ import annotations

import os
from typing import Any, Optional, Sequence

from otelbridge.sdk.export.otlp._config import ExporterConfig, parse_timeout
from otelbridge.sdk.export.otlp._exporter import ExporterCore, ExportStats
from otelbridge.sdk.export.otlp.proto.http.exporter import HttpTransport
from otelbridge.sdk.export.zipkin._encoder import encode_spans
from otelbridge.sdk.trace.export import SpanExporter, SpanExportResult

OTEL_EXPORTER_ZIPKIN_ENDPOINT = "OTEL_EXPORTER_ZIPKIN_ENDPOINT"
OTEL_EXPORTER_ZIPKIN_TIMEOUT = "OTEL_EXPORTER_ZIPKIN_TIMEOUT"
DEFAULT_ENDPOINT = "http://localhost:9411/api/v2/spans"


class ZipkinExporter(SpanExporter):
    """POSTs spans as Zipkin v2 JSON to ``endpoint`` (``OTEL_EXPORTER_ZIPKIN_ENDPOINT``).

    ``timeout`` is in seconds (``OTEL_EXPORTER_ZIPKIN_TIMEOUT`` is in milliseconds). Transient
    failures (connection errors, 429/502/503/504) are retried like OTLP/HTTP ones.
    """

    def __init__(self, endpoint: Optional[str] = None, timeout: Optional[float] = None) -> None:
        config = ExporterConfig(
            endpoint=endpoint or os.environ.get(OTEL_EXPORTER_ZIPKIN_ENDPOINT) or DEFAULT_ENDPOINT,
            insecure=False,
            timeout=parse_timeout(
                os.environ.get(OTEL_EXPORTER_ZIPKIN_TIMEOUT), OTEL_EXPORTER_ZIPKIN_TIMEOUT
            )
            if timeout is None
            else timeout,
            compression=None,
            headers={},
        )
        self._core = ExporterCore(
            HttpTransport(config, "application/json"), config, "spans", None, ""
        )

    @property
    def stats(self) -> ExportStats:
        return self._core.stats

    @property
    def endpoint(self) -> str:
        return self._core.config.endpoint

    def export(self, spans: Sequence[Any]) -> SpanExportResult:
        if not spans:
            return SpanExportResult.SUCCESS
        if self._core.export(encode_spans(spans), len(spans)):
            return SpanExportResult.SUCCESS
        return SpanExportResult.FAILURE

    def shutdown(self) -> None:
        self._core.shutdown()
