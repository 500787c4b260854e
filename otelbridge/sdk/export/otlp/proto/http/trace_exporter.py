"""OTLP/HTTP span exporter (mirrors ``opentelemetry.exporter.otlp.proto.http.trace_exporter``)."""

from __future__ import annotations

from typing import Optional

from otelbridge.sdk.export.otlp._config import HTTP_PROTOBUF, Headers, resolve
from otelbridge.sdk.export.otlp._span_exporter import OTLPSpanExporterBase
from otelbridge.sdk.export.otlp.proto.http.exporter import HttpTransport


class OTLPSpanExporter(OTLPSpanExporterBase):
    """POSTs spans as binary protobuf (default ``http://localhost:4318/v1/traces``).

    Unset arguments come from ``OTEL_EXPORTER_OTLP_TRACES_*`` then ``OTEL_EXPORTER_OTLP_*``;
    ``timeout`` is in seconds, ``compression`` is ``"gzip"`` or ``"none"``.
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
    ) -> None:
        config = resolve(
            "traces",
            HTTP_PROTOBUF,
            endpoint=endpoint,
            timeout=timeout,
            compression=compression,
            headers=headers,
            certificate_file=certificate_file,
            client_key_file=client_key_file,
            client_certificate_file=client_certificate_file,
        )
        super().__init__(config, HttpTransport(config))
