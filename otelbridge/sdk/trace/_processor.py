"""Span processors: hooks called when spans start and end
(mirrors ``opentelemetry.sdk.trace.SpanProcessor``)."""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from typing import TYPE_CHECKING, Callable, List, NamedTuple, Optional, Tuple

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


def _guarded(processor: SpanProcessor, method: str, *args: object) -> object:
    """Call ``processor.method(*args)``; an exception is logged and returned as ``None``."""
    try:
        return getattr(processor, method)(*args)
    except Exception:
        _logger.exception("Span processor %r failed in %s", processor, method)
        return None


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

    def _call_all(self, method: str, *args: object) -> List[object]:
        return [_guarded(processor, method, *args) for processor in self._span_processors]

    def on_start(self, span: Span, parent_context: Optional[Context] = None) -> None:
        self._call_all("on_start", span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        self._call_all("on_end", span)

    def shutdown(self) -> None:
        self._call_all("shutdown")

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        deadline = time.monotonic() + timeout_millis / 1000
        flushed = True
        for processor in self._span_processors:
            remaining = int(max(0.0, deadline - time.monotonic()) * 1000)
            flushed = _guarded(processor, "force_flush", remaining) is True and flushed
        return flushed


class ConcurrentMultiSpanProcessor(SynchronousMultiSpanProcessor):
    """Calls its processors in parallel on a thread pool and waits for all of them; useful
    when several processors do slow work in ``on_end``."""

    def __init__(self, num_threads: int = 2) -> None:
        super().__init__()
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=num_threads)

    def _call_all(self, method: str, *args: object) -> List[object]:
        futures = [
            self._executor.submit(_guarded, processor, method, *args)
            for processor in self._span_processors
        ]
        return [future.result() for future in futures]

    def shutdown(self) -> None:
        super().shutdown()
        self._executor.shutdown(wait=True)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        futures = [
            self._executor.submit(_guarded, processor, "force_flush", timeout_millis)
            for processor in self._span_processors
        ]
        done, pending = concurrent.futures.wait(futures, timeout_millis / 1000)
        return not pending and all(future.result() is True for future in done)


class Hooks(NamedTuple):
    """The processors' bound hooks, in order, as the pipeline calls them for every span."""

    #: ``on_start`` of the processors that override it (the no-op base one is never called).
    on_start: Tuple[Callable[[Span, Optional[Context]], None], ...]
    on_end: Tuple[Callable[[ReadableSpan], None], ...]


def hooks_of(active: SpanProcessor) -> Hooks:
    """The hooks of the processors the provider's pipeline calls directly (see
    :func:`processors_of`); built again whenever a processor is added."""
    processors = processors_of(active)
    return Hooks(
        tuple(p.on_start for p in processors if type(p).on_start is not SpanProcessor.on_start),
        tuple(p.on_end for p in processors),
    )


def processors_of(active: SpanProcessor) -> List[SpanProcessor]:
    """The processors the provider's pipeline calls directly: the default synchronous
    multi-processor is flattened (one call less per span), anything else is called as is."""
    if type(active) is SynchronousMultiSpanProcessor:
        return list(active.span_processors)
    return [active]
