"""The span exporter over a :class:`~otelbridge.sdk.export._transport.Sender`: what the OTLP/gRPC,
OTLP/HTTP and Zipkin ``SpanExporter`` classes share; they differ only in how they are built."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional, Sequence

from otelbridge.sdk.export._transport import (
    ResponseType,
    Sender,
    SenderOwner,
    Transport,
    TransportConfig,
)
from otelbridge.sdk.trace.export import SpanExporter, SpanExportResult
from otelbridge.sdk.util.delivery import DELIVERED, Delivery
from otelbridge.sdk.util.self_metrics import Counts, meter_provider_for, observe

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider

    from otelbridge.sdk.trace import ReadableSpan

SpanEncoder = Callable[[Sequence["ReadableSpan"]], bytes]


class TransportSpanExporter(SenderOwner, SpanExporter):
    """Encodes each batch once with ``encode`` and hands the bytes to a :class:`Sender` over
    ``transport``; ``response_type`` and ``rejected_field`` read a partial success. With a
    ``meter_provider`` (or ``OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED=true``) :attr:`stats` is
    also published as ``otel.sdk.exporter.span.exported``, as a ``component_type``.

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
        component_type: str = "",
        meter_provider: Optional[MeterProvider] = None,
    ) -> None:
        self._sender = Sender(transport, config, "spans", response_type, rejected_field)
        self._encode = encode
        meters = meter_provider_for(meter_provider)
        if meters is not None:
            observe(
                meters,
                component_type,
                self,
                {"otel.sdk.exporter.span.exported": TransportSpanExporter._exported_counts},
                {},
            )

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

    def shutdown(self) -> None:
        self._sender.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True  # nothing is buffered here; the processor owns the queue

    def _exported_counts(self) -> Counts:
        """For ``otel.sdk.exporter.span.exported``: accepted, rejected by the receiver, failed."""
        stats = self._sender.stats
        return (
            (stats.exported - stats.rejected, None),
            (stats.rejected, "rejected"),
            (stats.failed, "failed"),
        )
