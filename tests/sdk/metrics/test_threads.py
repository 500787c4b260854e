"""Concurrent recording stays exact."""

from __future__ import annotations

import threading

from otelbridge.sdk.metrics import Counter
from otelbridge.sdk.metrics.export import AggregationTemporality


def _hammer(target, threads: int = 8) -> None:
    start = threading.Barrier(threads)

    def work() -> None:
        start.wait()
        target()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def test_eight_threads_fifty_thousand_adds_each_sum_exactly(
    make_provider, collect, frequent_thread_switches
) -> None:
    provider, reader = make_provider()
    counter = provider.get_meter("m").create_counter("c")
    attributes = {"k": "v"}
    _hammer(lambda: [counter.add(1, attributes) for _ in range(50_000)])
    assert collect(reader)["c"].data.data_points[0].value == 400_000


def test_delta_collections_racing_with_adds_lose_nothing(make_provider, collect) -> None:
    provider, reader = make_provider(preferred_temporality={Counter: AggregationTemporality.DELTA})
    counter = provider.get_meter("m").create_counter("c")
    done = threading.Event()
    collected = []

    def collector() -> None:
        while not done.is_set():
            collected.extend(p.value for m in collect(reader).values() for p in m.data.data_points)

    thread = threading.Thread(target=collector)
    thread.start()
    _hammer(lambda: [counter.add(1, {"i": n % 3}) for n in range(20_000)], threads=4)
    done.set()
    thread.join()
    collected.extend(p.value for m in collect(reader).values() for p in m.data.data_points)
    assert sum(collected) == 80_000
