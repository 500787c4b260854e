"""OpenCensus stats: the shim vs plain opencensus, same process, interleaved rounds.

    python benchmarks/bench_opencensus_stats.py [--quick]

Workload: ``mmap.measure_int_put(m, 1); mmap.record(tag_map)`` into one Sum view with one tag
column, (1) when the view holds only that one tag value, (2) when it already holds 1,000.
Plain opencensus records into its own ``MeasureToViewMap`` (which copies every affected view
on every record); the shim is installed for its rounds only and uninstalled for opencensus'.
Prints the median time per operation and shim/opencensus ratios (< 1: the shim is faster).
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from importlib.metadata import version
from typing import Callable, Dict, List, Tuple

from opencensus.common.utils import to_iso_str
from opencensus.stats import aggregation, measure, stats, view
from opencensus.stats.measure_to_view_map import MeasureToViewMap
from opencensus.stats.measurement_map import MeasurementMap
from opencensus.tags import TagKey, TagMap, TagValue

from otelbridge.shims.opencensus import stats as shim

QUICK = "--quick" in sys.argv
ROUNDS = 3 if QUICK else 7
KEY = TagKey("route")
# (workload, tag values already in the view, operations per round for the shim / opencensus)
WORKLOADS = (("1 tag value", 1, 20_000, 2_000), ("1,000 tag values", 1000, 20_000, 20))
TARGETS = {"1 tag value": 0.1, "1,000 tag values": 0.001}


def _tags(value: str) -> TagMap:
    tags = TagMap()
    tags.insert(KEY, TagValue(value))
    return tags


def _fill(record_into: Callable[[TagMap], None], series: int) -> None:
    for i in range(series):
        record_into(_tags(f"/route/{i}"))


def build(side: str, series: int, ops: int) -> Callable[[], None]:
    """A callable recording ``ops`` times, with the view already holding ``series`` values."""
    m = measure.MeasureInt(f"{side}_{series}_requests", "requests", "1")
    v = view.View(f"{side}_{series}_total", "requests", [KEY], m, aggregation.SumAggregation())
    if side == "opencensus":
        plain_map = MeasureToViewMap()
        plain_map.register_view(v, to_iso_str())
        mmap = MeasurementMap(plain_map)
    else:
        shim.install()
        stats.stats.view_manager.register_view(v)
        mmap = stats.stats.stats_recorder.new_measurement_map()

    def record_into(tags: TagMap) -> None:
        mmap.measure_int_put(m, 1)
        mmap.record(tags)

    _fill(record_into, series)
    shim.uninstall()
    tags = _tags("/route/0")

    def run() -> None:
        for _ in range(ops):
            mmap.measure_int_put(m, 1)
            mmap.record(tags)

    return run


def timed(func: Callable[[], None], side: str) -> float:
    if side == "shim":
        shim.install()
    gc.collect()
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    shim.uninstall()
    return elapsed


def fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} µs" if seconds >= 1e-6 else f"{seconds * 1e9:.0f} ns"


def main() -> None:
    runs: Dict[Tuple[str, str], Tuple[Callable[[], None], int]] = {}
    for name, series, shim_ops, oc_ops in WORKLOADS:
        runs[(name, "shim")] = (build("shim", series, shim_ops), shim_ops)
        runs[(name, "opencensus")] = (build("opencensus", series, oc_ops), oc_ops)
    samples: Dict[Tuple[str, str], List[float]] = {}
    for _ in range(ROUNDS):
        for key, (run, ops) in runs.items():  # interleaved: contention hits both alike
            samples.setdefault(key, []).append(timed(run, key[1]) / ops)
    print(f"opencensus {version('opencensus')}, {ROUNDS} rounds, median per operation")
    print("| workload | shim | opencensus | ratio | target |\n| --- | ---: | ---: | ---: | ---: |")
    for name, *_ in WORKLOADS:
        ours = statistics.median(samples[(name, "shim")])
        theirs = statistics.median(samples[(name, "opencensus")])
        print(f"| {name} | {fmt(ours)} | {fmt(theirs)} | {ours / theirs:.4f} | ≤ {TARGETS[name]} |")


if __name__ == "__main__":
    main()
