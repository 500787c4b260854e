"""RateLimitingSampler: jaeger-client's ``ratelimiting`` sampler on our SDK."""

from __future__ import annotations

import threading

import pytest

from otelbridge.bridge.rate_limiting import RateLimitingSampler
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.sampling import Decision, ParentBased


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def decisions(sampler: RateLimitingSampler, count: int) -> list[bool]:
    return [
        sampler.should_sample(None, 1, "s").decision is Decision.RECORD_AND_SAMPLE
        for _ in range(count)
    ]


def test_burst_is_capped_and_credits_refill_with_time() -> None:
    clock = Clock()
    sampler = RateLimitingSampler(2, clock=clock)
    assert decisions(sampler, 5) == [True, True, False, False, False]
    clock.now += 0.5  # one credit back
    assert decisions(sampler, 2) == [True, False]
    clock.now += 60  # never more than the bucket holds
    assert sum(decisions(sampler, 10)) == 2
    assert sampler.get_description() == "RateLimitingSampler{2}"


def test_fractional_rates_sample_one_trace_every_so_often() -> None:
    clock = Clock()
    sampler = RateLimitingSampler(0.1, clock=clock)
    assert decisions(sampler, 3) == [True, False, False]
    clock.now += 9.9
    assert decisions(sampler, 1) == [False]
    clock.now += 0.2
    assert decisions(sampler, 1) == [True]


def test_threads_never_overspend() -> None:
    sampler = RateLimitingSampler(50, clock=Clock())
    results: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = decisions(sampler, 100)
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert sum(results) == 50


def test_children_follow_their_parent_without_spending_credits() -> None:
    provider = TracerProvider(
        sampler=ParentBased(RateLimitingSampler(1, clock=Clock())), shutdown_on_exit=False
    )
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("root") as root:
        assert root.is_recording()
        assert all(tracer.start_span("child").is_recording() for _ in range(5))
    assert not tracer.start_span("second root").is_recording()


def test_negative_rate_is_refused() -> None:
    with pytest.raises(ValueError):
        RateLimitingSampler(-1)
