"""An exporter that keeps spans in a list, for tests
(mirrors ``opentelemetry.sdk.trace.export.in_memory_span_exporter``)."""

from __future__ import annotations

import threading
from collections import deque
from typing import TYPE_CHECKING, Deque, Optional, Sequence, Tuple

from otelbridge.sdk.trace.export._exporter import SpanExporter, SpanExportResult

if TYPE_CHECKING:
    from otelbridge.sdk.trace import ReadableSpan


class InMemorySpanExporter(SpanExporter):
    """Stores exported spans in memory (the newest ``max_spans`` when given: a long-running
    process keeps bounded memory); after :meth:`shutdown` exports fail."""

    suppress_instrumentation = False

    def __init__(self, max_spans: Optional[int] = None) -> None:
        self._finished_spans: Deque[ReadableSpan] = deque(maxlen=max_spans)
        self._stopped = False
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._finished_spans.clear()

    def get_finished_spans(self) -> Tuple[ReadableSpan, ...]:
        with self._lock:
            return tuple(self._finished_spans)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if self._stopped:
            return SpanExportResult.FAILURE
        with self._lock:
            self._finished_spans.extend(spans)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        self._stopped = True

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
