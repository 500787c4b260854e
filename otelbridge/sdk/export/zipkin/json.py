"""Zipkin v2 JSON over HTTP (mirrors ``opentelemetry.exporter.zipkin.json``)."""

from __future__ import annotations

import os
from typing import Optional

from otelbridge.sdk.environment_variables import (
    OTEL_EXPORTER_ZIPKIN_ENDPOINT,
    OTEL_EXPORTER_ZIPKIN_TIMEOUT,
)
from otelbridge.sdk.export._span_exporter import TransportSpanExporter
from otelbridge.sdk.export._transport import TransportConfig, parse_timeout
from otelbridge.sdk.export._transport._http import HttpTransport
from otelbridge.sdk.export.zipkin._encoder import encode_spans

DEFAULT_ENDPOINT = "http://localhost:9411/api/v2/spans"


class ZipkinExporter(TransportSpanExporter):
    """POSTs spans as Zipkin v2 JSON to ``endpoint`` (``OTEL_EXPORTER_ZIPKIN_ENDPOINT``).

    ``timeout`` is in seconds (``OTEL_EXPORTER_ZIPKIN_TIMEOUT`` is in milliseconds). Transient
    failures (connection errors, 429/502/503/504) are retried like OTLP/HTTP ones.
    """

    def __init__(self, endpoint: Optional[str] = None, timeout: Optional[float] = None) -> None:
        config = TransportConfig(
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
        super().__init__(config, HttpTransport(config, "application/json"), encode_spans)
