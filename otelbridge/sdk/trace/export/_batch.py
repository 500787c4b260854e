"""The processor that queues ended spans and exports them in batches from a worker thread."""

from __future__ import annotations

import collections
import logging
import os
import threading
import time
import weakref
from typing import Any, Deque, Optional

from otelbridge.sdk.environment_variables import (
    OTEL_BSP_EXPORT_TIMEOUT,
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    OTEL_BSP_MAX_QUEUE_SIZE,
    OTEL_BSP_SCHEDULE_DELAY,
)
from otelbridge.sdk.trace._processor import SpanProcessor
from otelbridge.sdk.trace.export._exporter import export_safely, needs_suppression
from otelbridge.sdk.util.env import check_at_least, env_int

_logger = logging.getLogger(__name__)


def _setting(value: Optional[int], env_var: str, default: int, allow_zero: bool = False) -> int:
    """An explicit value, else the variable, else ``default``; invalid values raise
    ``ValueError`` naming the variable."""
    if value is None:
        value = env_int(env_var)
    return check_at_least(default if value is None else value, 0 if allow_zero else 1, env_var)


class BatchSpanProcessor(SpanProcessor):
    """Queues sampled spans in ``on_end`` (a deque append: it never blocks) and exports them
    from a daemon thread every ``schedule_delay_millis`` or as soon as a full batch is waiting.

    When the queue is full new spans are dropped, counted in :attr:`dropped_spans` and logged
    (the first drop immediately, later ones summarised by the worker). :meth:`force_flush` and
    :meth:`shutdown` export everything queued. After ``os.fork`` the child starts with an empty
    queue and its own worker thread.
    """

    def __init__(
        self,
        span_exporter: Any,
        max_queue_size: Optional[int] = None,
        schedule_delay_millis: Optional[float] = None,
        max_export_batch_size: Optional[int] = None,
        export_timeout_millis: Optional[float] = None,
    ) -> None:
        self.span_exporter = span_exporter
        self._suppress = needs_suppression(span_exporter)
        self.max_queue_size = _setting(max_queue_size, OTEL_BSP_MAX_QUEUE_SIZE, 2048)
        self.schedule_delay_millis = _setting(
            None if schedule_delay_millis is None else int(schedule_delay_millis),
            OTEL_BSP_SCHEDULE_DELAY,
            5000,
            allow_zero=True,
        )
        self.max_export_batch_size = _setting(
            max_export_batch_size, OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512
        )
        self.export_timeout_millis = _setting(
            None if export_timeout_millis is None else int(export_timeout_millis),
            OTEL_BSP_EXPORT_TIMEOUT,
            30000,
            allow_zero=True,
        )
        if self.max_export_batch_size > self.max_queue_size:
            raise ValueError(
                f"max_export_batch_size ({self.max_export_batch_size}) must not exceed "
                f"max_queue_size ({self.max_queue_size})"
            )
        self._shutdown = False
        self._dropped = 0
        self._dropped_reported = 0
        self._start_worker()
        ref = weakref.ref(self)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=lambda: _restart_after_fork(ref))

    def _start_worker(self) -> None:
        self._queue: Deque[Any] = collections.deque()
        self._wake = threading.Event()
        self._flush_requests: Deque[threading.Event] = collections.deque()
        self._worker = threading.Thread(
            target=self._run, name="otelbridge.BatchSpanProcessor", daemon=True
        )
        self._worker.start()

    @property
    def dropped_spans(self) -> int:
        """Spans dropped so far because the queue was full."""
        return self._dropped

    def on_end(self, span: Any) -> None:
        if not span.context.trace_flags & 1 or self._shutdown:
            return
        queue = self._queue
        size = len(queue)
        if size >= self.max_queue_size:
            self._dropped += 1
            if self._dropped == 1:
                _logger.warning(
                    "BatchSpanProcessor queue is full (%d spans); dropping spans",
                    self.max_queue_size,
                )
            return
        queue.append(span)
        if size + 1 >= self.max_export_batch_size and not self._wake.is_set():
            self._wake.set()

    def _run(self) -> None:
        delay = self.schedule_delay_millis / 1000
        deadline = time.monotonic() + delay
        while True:
            self._wake.wait(max(0.0, deadline - time.monotonic()))
            self._wake.clear()
            stopping = self._shutdown
            # Requests that arrive after this count are served by the next round.
            flushes = len(self._flush_requests)
            timer_due = time.monotonic() >= deadline
            self._export(everything=stopping or flushes > 0 or timer_due)
            if timer_due:
                deadline = time.monotonic() + delay
            for _ in range(flushes):
                self._flush_requests.popleft().set()
            self._report_drops()
            if stopping:
                return

    def _export(self, everything: bool) -> None:
        """Export full batches; with ``everything`` also the last partial one."""
        queue = self._queue
        size = self.max_export_batch_size
        while len(queue) >= size or (everything and queue):
            batch = [queue.popleft() for _ in range(min(size, len(queue)))]
            export_safely(self.span_exporter, batch, self._suppress)

    def _report_drops(self) -> None:
        dropped = self._dropped
        if dropped > self._dropped_reported:
            _logger.warning(
                "BatchSpanProcessor dropped %d span(s) because its queue was full (%d in total)",
                dropped - self._dropped_reported,
                dropped,
            )
            self._dropped_reported = dropped

    def force_flush(self, timeout_millis: Optional[int] = None) -> bool:
        """Export everything queued now; ``True`` when finished within the timeout."""
        if self._shutdown:
            return True
        done = threading.Event()
        self._flush_requests.append(done)
        self._wake.set()
        timeout = self.export_timeout_millis if timeout_millis is None else timeout_millis
        return done.wait(timeout / 1000)

    def shutdown(self) -> None:
        """Export what is queued, stop the worker, then shut the exporter down."""
        if self._shutdown:
            return
        self._shutdown = True
        self._wake.set()
        self._worker.join(self.export_timeout_millis / 1000)
        self.span_exporter.shutdown()


def _restart_after_fork(ref: weakref.ReferenceType[BatchSpanProcessor]) -> None:
    processor = ref()
    if processor is not None and not processor._shutdown:
        processor._dropped = processor._dropped_reported = 0
        processor._start_worker()
