"""The processor that queues ended spans and exports them in batches from a worker thread."""

from __future__ import annotations

import collections
import logging
import threading
import time
from typing import TYPE_CHECKING, Deque, List, Optional

from otelbridge.sdk.environment_variables import (
    OTEL_BSP_EXPORT_TIMEOUT,
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    OTEL_BSP_MAX_QUEUE_SIZE,
    OTEL_BSP_SCHEDULE_DELAY,
)
from otelbridge.sdk.trace._processor import SpanProcessor
from otelbridge.sdk.trace.export._exporter import (
    ExportsSpans,
    deliver_safely,
    needs_suppression,
    retrying,
)
from otelbridge.sdk.util.env import check_at_least, env_int
from otelbridge.sdk.util.fork import register_at_fork
from otelbridge.sdk.util.self_metrics import Counts, meter_provider_for, observe

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider

    from otelbridge.sdk.trace import ReadableSpan

_logger = logging.getLogger(__name__)


def _setting(value: Optional[int], env_var: str, default: int, allow_zero: bool = False) -> int:
    """An explicit value, else the variable, else ``default``; invalid values raise
    ``ValueError`` naming the variable."""
    if value is None:
        value = env_int(env_var)
    return check_at_least(default if value is None else value, 0 if allow_zero else 1, env_var)


class _Flush:
    """One ``force_flush`` call waiting for the worker."""

    __slots__ = ("done", "ok")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = True


class BatchSpanProcessor(SpanProcessor):
    """Queues sampled spans in ``on_end`` (a deque append: it never blocks) and exports them
    from a daemon thread every ``schedule_delay_millis`` or as soon as a full batch is waiting.

    When the queue is full new spans are dropped (the queued, older ones are kept), counted in
    :attr:`dropped_spans` and logged (the first drop immediately, later ones summarised by the
    worker). While the receiver is down (our exporters report it through ``try_export``) the
    queue is kept: the oldest batch is held back and offered again, one attempt at a time, on
    the exporter's backoff; once it is accepted the backlog follows at full speed.
    :meth:`force_flush` and :meth:`shutdown` export everything queued, within
    ``export_timeout_millis``; at shutdown an unreachable receiver is tried once, and what is
    left is counted and logged in one line. After ``os.fork`` the child starts with an empty
    queue and its own worker thread. With a ``meter_provider`` (or
    ``OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED=true``) the counters are also published as the
    ``otel.sdk.processor.span.*`` metrics.
    """

    def __init__(
        self,
        span_exporter: ExportsSpans,
        max_queue_size: Optional[int] = None,
        schedule_delay_millis: Optional[float] = None,
        max_export_batch_size: Optional[int] = None,
        export_timeout_millis: Optional[float] = None,
        *,
        meter_provider: Optional[MeterProvider] = None,
    ) -> None:
        self.span_exporter = span_exporter
        self._suppress = needs_suppression(span_exporter)
        self._keeper = retrying(span_exporter)
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
        self._final_deadline = 0.0
        self._start_worker()
        meters = meter_provider_for(meter_provider)
        if meters is not None:
            observe(
                meters,
                "batching_span_processor",
                self,
                {"otel.sdk.processor.span.processed": BatchSpanProcessor._processed_counts},
                {
                    "otel.sdk.processor.span.queue.size": BatchSpanProcessor._queue_size,
                    "otel.sdk.processor.span.queue.capacity": BatchSpanProcessor._capacity,
                },
            )
        register_at_fork(self, after_in_child=_restart_after_fork)

    def _start_worker(self) -> None:
        """Fresh queue, events, counters and worker (at construction and in a forked child)."""
        self._dropped = 0  # queue full
        self._dropped_reported = 0
        self._dropped_late = 0  # ended after shutdown
        # Drops only happen off the fast path (queue full, or after shutdown), so they are
        # counted under a lock: `+=` on an attribute is not atomic across threads.
        self._drop_lock = threading.Lock()
        self._given_up = 0  # still queued when shutdown gave up on the receiver
        self._processed = 0  # handed to the exporter for good (delivered or failed there)
        self._queue: Deque[ReadableSpan] = collections.deque()
        #: The oldest batch, handed back by the exporter during an outage.
        self._held: Optional[List[ReadableSpan]] = None
        self._retry_at: Optional[float] = None
        self._wake = threading.Event()  # a full batch, a flush or shutdown
        self._urgent = threading.Event()  # a flush or shutdown: ends an outage wait
        self._flush_requests: Deque[_Flush] = collections.deque()
        self._worker = threading.Thread(
            target=self._run, name="otelbridge.BatchSpanProcessor", daemon=True
        )
        self._worker.start()

    @property
    def dropped_spans(self) -> int:
        """Spans this processor gave up without the exporter giving them up: dropped because
        the queue was full, ended after shutdown, or still queued when shutdown gave up on an
        unreachable receiver. (Spans the exporter gave up are in its ``stats.failed``.)"""
        return self._dropped + self._dropped_late + self._given_up

    @property
    def queue_full_spans(self) -> int:
        """The part of :attr:`dropped_spans` dropped because the queue was full."""
        return self._dropped

    @property
    def undelivered_spans(self) -> int:
        """The part of :attr:`dropped_spans` that never reached the receiver: still queued when
        shutdown gave up on it, or ended after shutdown."""
        return self._dropped_late + self._given_up

    def on_end(self, span: ReadableSpan) -> None:
        if not span.context.trace_flags & 1:  # type: ignore[union-attr]  # ended spans have one
            return
        if self._shutdown:
            with self._drop_lock:
                self._dropped_late += 1
            return
        queue = self._queue
        size = len(queue)
        if size >= self.max_queue_size:
            with self._drop_lock:
                self._dropped += 1
                first = self._dropped == 1
            if first:
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
            if self._retry_at is None:
                self._wake.wait(max(0.0, deadline - time.monotonic()))
            else:  # receiver down: full batches wait for the next probe
                self._urgent.wait(max(0.0, self._retry_at - time.monotonic()))
            self._wake.clear()
            self._urgent.clear()
            stopping = self._shutdown
            # Requests that arrive after this count are served by the next round.
            flushes = len(self._flush_requests)
            now = time.monotonic()
            timer_due = now >= deadline
            ok = True
            if stopping or flushes or self._retry_at is None or now >= self._retry_at:
                ok = self._export(everything=stopping or flushes > 0 or timer_due, final=stopping)
            if timer_due:
                deadline = now + delay
            # Drops are reported before flushes complete: a caller of force_flush() finds them
            # logged when it returns.
            self._report_drops()
            for _ in range(flushes):
                request = self._flush_requests.popleft()
                request.ok = ok
                request.done.set()
            if stopping:
                return

    def _export(self, everything: bool, final: bool) -> bool:
        """Export full batches; with ``everything`` also the last partial one. ``False`` when
        the receiver is down and spans are still queued (or, when ``final``, were given up)."""
        queue = self._queue
        size = self.max_export_batch_size
        while True:
            batch = self._held
            if batch is None:
                if not (len(queue) >= size or (everything and queue)):
                    return True
                batch = [queue.popleft() for _ in range(min(size, len(queue)))]
            self._held = None
            timeout = None
            if final:
                timeout = self._final_deadline - time.monotonic()
                if timeout <= 0:
                    self._give_up(batch, "shutdown took longer than export_timeout_millis")
                    return False
            delivery = deliver_safely(
                self.span_exporter, batch, self._suppress, self._keeper, timeout
            )
            if delivery.ok or delivery.retry_in is None:
                self._retry_at = None  # delivered, or given up (and counted) by the exporter
                self._processed += len(batch)
                continue
            if final:
                self._give_up(batch, delivery.error)
                return False
            self._held = batch
            self._retry_at = time.monotonic() + delivery.retry_in
            return False

    def _give_up(self, batch: List[ReadableSpan], reason: str) -> None:
        """At shutdown: count ``batch`` and everything still queued as lost, in one log line."""
        count = len(batch) + len(self._queue)
        self._queue.clear()
        self._given_up += count
        _logger.warning(
            "BatchSpanProcessor gave up %d span(s) at shutdown: %s (%d given up in total)",
            count,
            reason,
            self.dropped_spans,
        )

    def _processed_counts(self) -> Counts:
        """For ``otel.sdk.processor.span.processed``: handed over, then each kind of drop."""
        return (
            (self._processed, None),
            (self._dropped, "queue_full"),
            (self._dropped_late, "already_shutdown"),
            (self._given_up, "unreachable_at_shutdown"),
        )

    def _queue_size(self) -> int:
        return len(self._queue)

    def _capacity(self) -> int:
        return self.max_queue_size

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
        """Export everything queued now (during an outage: one attempt, at once); ``True``
        when everything was handed over within the timeout."""
        if self._shutdown:
            return True
        request = _Flush()
        self._flush_requests.append(request)
        self._wake.set()
        self._urgent.set()
        timeout = self.export_timeout_millis if timeout_millis is None else timeout_millis
        return request.done.wait(timeout / 1000) and request.ok

    def shutdown(self) -> None:
        """Export what is queued within ``export_timeout_millis`` (no retries: the exporter is
        told to stop retrying, which also ends a retry wait at once), stop the worker, then
        shut the exporter down."""
        if self._shutdown:
            return
        budget = self.export_timeout_millis / 1000
        self._final_deadline = time.monotonic() + budget
        self._shutdown = True
        if self._keeper is not None:
            self._keeper.stop_retrying()
        self._wake.set()
        self._urgent.set()
        self._worker.join(budget)
        self.span_exporter.shutdown()


def _restart_after_fork(processor: BatchSpanProcessor) -> None:
    """The child gets an empty queue (the parent exports what it had queued), fresh locks and
    its own worker; a batch the parent had in flight stays the parent's."""
    if not processor._shutdown:
        processor._start_worker()
