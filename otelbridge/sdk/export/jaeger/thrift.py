"""Jaeger agent exporter: ``emitBatch`` in thrift compact over UDP (default ``localhost:6831``).

Mirrors ``opentelemetry.exporter.jaeger.thrift.JaegerExporter``. Batches are split so that each
UDP datagram stays under ``max_packet_size`` (65000 bytes by default, the agent's limit).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import TYPE_CHECKING, Optional, Sequence

from otelbridge.sdk.export._transport import ExportStats
from otelbridge.sdk.export.jaeger._encoder import packets
from otelbridge.sdk.trace.export import SpanExporter, SpanExportResult

if TYPE_CHECKING:
    from otelbridge.sdk.export._types import FinishedSpan

_logger = logging.getLogger(__name__)

OTEL_EXPORTER_JAEGER_AGENT_HOST = "OTEL_EXPORTER_JAEGER_AGENT_HOST"
OTEL_EXPORTER_JAEGER_AGENT_PORT = "OTEL_EXPORTER_JAEGER_AGENT_PORT"
DEFAULT_MAX_PACKET_SIZE = 65000


class JaegerExporter(SpanExporter):
    """Sends spans to a jaeger-agent over UDP; UDP gives no acknowledgement, so a successful
    export means every datagram was handed to the network."""

    def __init__(
        self,
        agent_host_name: Optional[str] = None,
        agent_port: Optional[int] = None,
        max_packet_size: int = DEFAULT_MAX_PACKET_SIZE,
    ) -> None:
        host = agent_host_name or os.environ.get(OTEL_EXPORTER_JAEGER_AGENT_HOST) or "localhost"
        port = agent_port or int(os.environ.get(OTEL_EXPORTER_JAEGER_AGENT_PORT) or 6831)
        self._address = (host, port)
        self._max_packet_size = max_packet_size
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._seqid = 0
        self._lock = threading.Lock()
        self.stats = ExportStats()

    def export(self, spans: Sequence[FinishedSpan]) -> SpanExportResult:
        ok = True
        with self._lock:
            for packet, count, too_big in packets(spans, self._max_packet_size, self._seqid):
                self._seqid += 1
                if too_big:
                    ok = False
                    self.stats.failed += too_big
                    _logger.warning("Dropped %d span(s) larger than a UDP packet", too_big)
                if not count:
                    continue
                try:
                    self._socket.sendto(packet, self._address)
                except OSError as error:
                    ok = False
                    self.stats.failed += count
                    _logger.warning("Failed to send %d span(s) to jaeger-agent: %s", count, error)
                else:
                    self.stats.exported += count
        return SpanExportResult.SUCCESS if ok else SpanExportResult.FAILURE

    def shutdown(self) -> None:
        self._socket.close()
