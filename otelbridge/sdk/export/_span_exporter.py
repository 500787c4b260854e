"""The span exporter over a :class:`~otelbridge.sdk.export._transport.Sender`: what the OTLP/gRPC,
OTLP/HTTP and Zipkin ``SpanExporter`` classes share; they differ only in how they are built."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional, Sequence

from otelbridge.sdk.export._transport import (
    ExportStats,
    ResponseType,
    Sender,
    Transport,
    TransportConfig,
)
from otelbridge.sdk.trace.export import SpanExporter, SpanExportResult
from otelbridge.sdk.util.delivery import DELIVERED, Delivery

if TYPE_CHECKING:
    from otelbridge.sdk.trace import ReadableSpan

SpanEncoder = Callable[[Sequence["ReadableSpan"]], bytes]


class TransportSpanExporter(SpanExporter):
    """Encodes each batch once with ``encode`` and hands the bytes to a :class:`Sender` over
    ``transport``; ``response_type`` and ``rejected_field`` read a partial success.

    :meth:`export` is the specification's interface: any failure is final and counted in
    :attr:`stats`. :meth:`try_export` is what our ``BatchSpanProcessor`` calls: on a transient
    failure it hands the batch back (``Delivery.retry_in``) so that the processor keeps it
    queued through an outage.
    """

    def __init__(
        self,
        config: TransportConfig,
        transport: Transport,
        encode: SpanEncoder,
        response_type: Optional[ResponseType] = None,
        rejected_field: str = "",
    ) -> None:
        self._sender = Sender(transport, config, "spans", response_type, rejected_field)
        self._encode = encode

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if not spans:
            return SpanExportResult.SUCCESS
        delivery = self._sender.deliver(self._encode(spans), len(spans))
        if delivery.ok:
            return SpanExportResult.SUCCESS
        self._sender.give_up(len(spans), delivery.error)
        return SpanExportResult.FAILURE

    def try_export(
        self, spans: Sequence[ReadableSpan], timeout: Optional[float] = None
    ) -> Delivery:
        """One attempt (the caller does the retrying); a transient failure is not counted: the
        caller keeps ``spans`` and tries again after ``retry_in`` seconds."""
        if not spans:
            return DELIVERED
        delivery = self._sender.deliver(self._encode(spans), len(spans), timeout, retry=False)
        if not delivery.ok and delivery.retry_in is None:
            self._sender.give_up(len(spans), delivery.error)
        return delivery

    def stop_retrying(self) -> None:
        """End a retry wait now and make single attempts from now on (the caller shuts down)."""
        self._sender.stop_retrying()

    def shutdown(self) -> None:
        self._sender.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True  # nothing is buffered here; the processor owns the queue

    @property
    def stats(self) -> ExportStats:
        """Spans exported, given up and rejected by this exporter so far."""
        return self._sender.stats

    @property
    def endpoint(self) -> str:
        return self._sender.config.endpoint

    def __repr__(self) -> str:
        return f"{type(self).__module__}.{type(self).__name__}(endpoint={self.endpoint!r})"
