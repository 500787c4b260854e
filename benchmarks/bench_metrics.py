"""Metrics SDK: otelbridge vs opentelemetry-sdk, same process, interleaved rounds.

    python benchmarks/bench_metrics.py [--quick]

1. ``counter.add(1, {"k": "v"})``
2. ``histogram.record(5, {"k": "v"})`` (explicit buckets, default boundaries)
3. exponential histogram ``record`` (max_size 160, values cycling over six magnitudes)
4. one collection (``InMemoryMetricReader.get_metrics_data()``) of a counter with 2000 series
   (1999 attribute sets plus nothing overflowing; cumulative, so every series is reported)

Each SDK gets its own MeterProvider with one in-memory reader. Prints the median thread CPU time per
operation over interleaved rounds and ours/peer ratios (< 1 means otelbridge is faster).
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from typing import Callable, Dict, List, Tuple

QUICK = "--quick" in sys.argv
OPS = 20_000 if QUICK else 100_000
COLLECTIONS = 10 if QUICK else 30
ROUNDS = 3 if QUICK else 7
SERIES = 1999
ATTRIBUTES = {"k": "v"}
VALUES = (0.003, 0.5, 7.0, 42.0, 1234.5, 98765.0)


def build(sdk: str) -> Dict[str, Callable[[], None]]:
    """Per-operation callables for one SDK (imports kept apart so both load side by side)."""
    if sdk == "ours":
        from otelbridge.sdk.metrics import MeterProvider
        from otelbridge.sdk.metrics.export import InMemoryMetricReader
        from otelbridge.sdk.metrics.view import ExponentialBucketHistogramAggregation, View
    else:
        from opentelemetry.sdk.metrics import MeterProvider  # type: ignore[no-redef]
        from opentelemetry.sdk.metrics.export import (  # type: ignore[no-redef]
            InMemoryMetricReader,
        )
        from opentelemetry.sdk.metrics.view import (  # type: ignore[no-redef]
            ExponentialBucketHistogramAggregation,
            View,
        )
    reader = InMemoryMetricReader()
    provider = MeterProvider(
        metric_readers=[reader],
        views=[View(instrument_name="exp", aggregation=ExponentialBucketHistogramAggregation())],
    )
    meter = provider.get_meter("bench")
    counter = meter.create_counter("c")
    histogram = meter.create_histogram("h")
    exponential = meter.create_histogram("exp")

    collect_reader = InMemoryMetricReader()
    collect_provider = MeterProvider(metric_readers=[collect_reader])
    wide = collect_provider.get_meter("bench").create_counter("wide")
    for i in range(SERIES):
        wide.add(1, {"series": i, "k": "v"})

    def add() -> None:
        for _ in range(OPS):
            counter.add(1, ATTRIBUTES)

    def record() -> None:
        for _ in range(OPS):
            histogram.record(5, ATTRIBUTES)

    def record_exponential() -> None:
        values = VALUES * (OPS // len(VALUES))
        for value in values:
            exponential.record(value, ATTRIBUTES)

    def collect() -> None:
        for _ in range(COLLECTIONS):
            data = collect_reader.get_metrics_data()
            assert len(data.resource_metrics[0].scope_metrics[0].metrics[0].data.data_points) == (
                SERIES
            )

    return {
        'counter.add(1, {"k": "v"})': add,
        'histogram.record(5, {"k": "v"})': record,
        "exponential histogram record": record_exponential,
        f"collect {SERIES + 1}-series counter": collect,
    }


OPERATIONS_PER_CALL = {
    'counter.add(1, {"k": "v"})': OPS,
    'histogram.record(5, {"k": "v"})': OPS,
    "exponential histogram record": OPS // len(VALUES) * len(VALUES),
}
TARGETS = {
    'counter.add(1, {"k": "v"})': 0.10,
    'histogram.record(5, {"k": "v"})': 0.12,
    "exponential histogram record": 0.30,
}


def timed(func: Callable[[], None]) -> float:
    """CPU seconds of this thread: on a shared machine, time other processes take is left out
    for both SDKs alike."""
    gc.collect()
    start = time.thread_time()
    func()
    return time.thread_time() - start


def fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} µs" if seconds >= 1e-6 else f"{seconds * 1e9:.0f} ns"


def main() -> None:
    import opentelemetry.sdk.version as peer_version

    suites = {"ours": build("ours"), "peer": build("peer")}
    samples: Dict[Tuple[str, str], List[float]] = {}
    for _ in range(ROUNDS):
        for name in suites["ours"]:
            for sdk in ("ours", "peer"):  # interleaved: contention hits both alike
                per_call = OPERATIONS_PER_CALL.get(name, COLLECTIONS)
                samples.setdefault((name, sdk), []).append(timed(suites[sdk][name]) / per_call)
    print(f"opentelemetry-sdk {peer_version.__version__}, {ROUNDS} rounds, median thread CPU time")
    print("| workload | ours | peer | ratio | target |\n| --- | ---: | ---: | ---: | ---: |")
    for name in suites["ours"]:
        ours = statistics.median(samples[(name, "ours")])
        peer = statistics.median(samples[(name, "peer")])
        target = TARGETS.get(name, 0.5)
        print(f"| {name} | {fmt(ours)} | {fmt(peer)} | {ours / peer:.3f} | ≤ {target} |")


if __name__ == "__main__":
    main()
