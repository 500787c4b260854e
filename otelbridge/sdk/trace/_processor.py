"""Span processors: hooks called when spans start and end
(mirrors ``opentelemetry.sdk.trace.SpanProcessor``)."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, List, Optional, Tuple

from opentelemetry.context import Context

if TYPE_CHECKING:
    from otelbridge.sdk.trace._span import ReadableSpan, Span

_logger = logging.getLogger(__name__)


class SpanProcessor:
    """Base class: every hook is a no-op. ``on_start`` runs in the thread that starts the span
    and ``on_end`` in the thread that ends it, so both must be quick."""

    def on_start(self, span: Span, parent_context: Optional[Context] = None) -> None:
        """Called when a recording span starts."""

    def on_end(self, span: ReadableSpan) -> None:
        """Called once when a recording span ends."""

    def shutdown(self) -> None:
        """Called when the provider shuts down."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Export everything pending; ``True`` when done within the timeout."""
        return True


class SynchronousMultiSpanProcessor(SpanProcessor):
    """Calls several processors in the order they were added; one failing does not stop the
    others."""

    def __init__(self) -> None:
        self._span_processors: Tuple[SpanProcessor, ...] = ()
        self._lock = threading.Lock()

    @property
    def span_processors(self) -> Tuple[SpanProcessor, ...]:
        return self._span_processors

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        with self._lock:
            self._span_processors = (*self._span_processors, span_processor)

    def on_start(self, span: Span, parent_context: Optional[Context] = None) -> None:
        for processor in self._span_processors:
            try:
                processor.on_start(span, parent_context)
            except Exception:
                _logger.exception("Span processor %r failed in on_start", processor)

    def on_end(self, span: ReadableSpan) -> None:
        for processor in self._span_processors:
            try:
                processor.on_end(span)
            except Exception:
                _logger.exception("Span processor %r failed in on_end", processor)

    def shutdown(self) -> None:
        for processor in self._span_processors:
            try:
                processor.shutdown()
            except Exception:
                _logger.exception("Span processor %r failed to shut down", processor)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        deadline = time.monotonic() + timeout_millis / 1000
        flushed = True
        for processor in self._span_processors:
            remaining = int(max(0.0, deadline - time.monotonic()) * 1000)
            try:
                flushed = processor.force_flush(remaining) and flushed
            except Exception:
                _logger.exception("Span processor %r failed to flush", processor)
                flushed = False
        return flushed


def processors_of(active: SpanProcessor) -> List[SpanProcessor]:
    """The processors behind the provider's active processor, flattened one level."""
    if isinstance(active, SynchronousMultiSpanProcessor):
        return list(active.span_processors)
    return [active]
