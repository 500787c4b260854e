"""A sampler for jaeger-client's ``ratelimiting`` setting: at most N new traces a second."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Mapping, Optional, Sequence

from opentelemetry.context import Context
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.span import TraceState

from otelbridge.sdk.trace.sampling import Decision, Sampler, SamplingResult
from otelbridge.sdk.util.fork import renew_locks_after_fork


class RateLimitingSampler(Sampler):
    """Samples at most ``traces_per_second`` spans a second, like Jaeger's rate-limiting sampler.

    A token bucket holding up to ``max(traces_per_second, 1)`` credits, full at the start and
    refilled continuously; each sampled span spends one. Meant as the root sampler of a
    ``ParentBased`` sampler, so that only new traces spend credits.
    """

    def __init__(
        self, traces_per_second: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if traces_per_second < 0:
            raise ValueError("traces_per_second must not be negative")
        self._rate = float(traces_per_second)
        self._capacity = max(self._rate, 1.0)
        self._balance = self._capacity
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()
        renew_locks_after_fork(self, "_lock")  # sampling a span must not wait for ever in a child

    def should_sample(
        self,
        parent_context: Optional[Context],
        trace_id: int,
        name: str,
        kind: Optional[SpanKind] = None,
        attributes: Optional[Mapping[str, Any]] = None,
        links: Optional[Sequence[Link]] = None,
        trace_state: Optional[TraceState] = None,
    ) -> SamplingResult:
        with self._lock:
            now = self._clock()
            self._balance = min(self._capacity, self._balance + (now - self._last) * self._rate)
            self._last = now
            sampled = self._balance >= 1.0
            if sampled:
                self._balance -= 1.0
        if sampled:
            return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes)
        return SamplingResult(Decision.DROP)

    def get_description(self) -> str:
        return f"RateLimitingSampler{{{self._rate:g}}}"
