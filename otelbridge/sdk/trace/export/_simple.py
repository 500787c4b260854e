"""The processor that exports each sampled span as soon as it ends, in the ending thread."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from otelbridge.sdk.trace import _context
from otelbridge.sdk.trace._context import GET_CONTEXT, RESET_CONTEXT, SET_CONTEXT
from otelbridge.sdk.trace._processor import SpanProcessor
from otelbridge.sdk.trace._span_context import SAMPLED, TRACE_FLAGS
from otelbridge.sdk.trace.export._exporter import ExportsSpans, deliver_safely, needs_suppression

if TYPE_CHECKING:
    from otelbridge.sdk.trace import ReadableSpan

_logger = logging.getLogger(__name__)


class SimpleSpanProcessor(SpanProcessor):
    """Exports every sampled span synchronously in ``on_end``. Good for tests and debugging;
    use :class:`BatchSpanProcessor` for network exporters."""

    def __init__(self, span_exporter: ExportsSpans) -> None:
        self.span_exporter = span_exporter
        self._suppress = needs_suppression(span_exporter)

    def on_end(self, span: ReadableSpan) -> None:
        # The slot, not the ``context`` property: one call less per span (both SDKs' spans
        # keep their span context in ``_context``).
        if not span._context[TRACE_FLAGS] & SAMPLED:  # type: ignore[index]  # ended spans have one
            return
        if GET_CONTEXT is None or not self._suppress:
            deliver_safely(self.span_exporter, (span,), self._suppress)
            return
        # deliver_safely() with attach_suppressed() and detach() inlined: this runs for every
        # span, and the result is not needed (nothing to retry here). The reset cannot fail:
        # the token was made just above, in this context.
        current = GET_CONTEXT()
        parent, derived = _context._last_suppressed
        if parent is not current or derived is None:
            derived = _context.suppressed(current)
        token = SET_CONTEXT(derived)  # type: ignore[misc]  # set with GET_CONTEXT
        try:
            self.span_exporter.export((span,))
        except Exception:
            _logger.exception("Exporter %r failed to export 1 span(s)", self.span_exporter)
        finally:
            RESET_CONTEXT(token)  # type: ignore[misc]  # set with GET_CONTEXT

    def shutdown(self) -> None:
        self.span_exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
