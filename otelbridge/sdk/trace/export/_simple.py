"""The processor that exports each sampled span as soon as it ends, in the ending thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from otelbridge.sdk.trace._processor import SpanProcessor
from otelbridge.sdk.trace._span_context import SAMPLED, TRACE_FLAGS
from otelbridge.sdk.trace.export._exporter import ExportsSpans, deliver_safely, needs_suppression

if TYPE_CHECKING:
    from otelbridge.sdk.trace import ReadableSpan


class SimpleSpanProcessor(SpanProcessor):
    """Exports every sampled span synchronously in ``on_end``. Good for tests and debugging;
    use :class:`BatchSpanProcessor` for network exporters."""

    def __init__(self, span_exporter: ExportsSpans) -> None:
        self.span_exporter = span_exporter
        self._suppress = needs_suppression(span_exporter)

    def on_end(self, span: ReadableSpan) -> None:
        # The slot, not the ``context`` property: one call less per span (both SDKs' spans
        # keep their span context in ``_context``).
        if span._context[TRACE_FLAGS] & SAMPLED:  # type: ignore[index]  # ended spans have one
            deliver_safely(self.span_exporter, (span,), self._suppress)

    def shutdown(self) -> None:
        self.span_exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
