"""Two source trees of otelbridge, A/B on this benchmark suite's own workloads, interleaved.

    python benchmarks/ab_trees.py BASE NEW [--rounds 30] [--only PREFIX ...]

BASE and NEW are directories holding an ``otelbridge`` package (``git archive <commit> | tar -x
-C DIR``). One worker process per tree (``PYTHONPATH=DIR``, so its ``otelbridge`` is that tree's)
builds the "ours" side of every workload (``--quick`` sizes) from the benchmark modules next to
this file (the same workload code for both trees: only the library differs). The driver then
asks the two workers for one batch of each workload in turn, alternating which tree goes first,
for every round, so load that comes and goes hits both trees alike. Each batch is timed in CPU
time of the worker's thread (descheduled time is not counted). Prints per workload the median ns
per operation of each tree, and the median and the quartiles of the rounds' NEW/BASE ratios
(> 1: NEW is slower). The peers of the benchmarks are not run: the two trees are each other's peer.

Not covered: ``bench_otlp``'s end-to-end rows and the memory rows (wall time and another thread's
work; run ``bench_otlp.py`` per tree), and the benchmarks BASE has no code for (a worker says
which workloads it could not build, and those are skipped).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, Dict, List, Tuple

#: workload name -> (a batch: runs the operation ``count`` times, operations per batch)
Workloads = Dict[str, Tuple[Callable[[], object], int]]


def _repeat(op: Callable[[], object], count: int) -> Callable[[], None]:
    def batch() -> None:
        for _ in range(count):
            op()

    return batch


def _trace(workloads: Workloads) -> None:
    import bench_trace

    for label, processor, workload, _ in bench_trace.CASES:
        _, tracer = bench_trace.make("ours", processor)
        workloads[f"trace: {label}"] = (_repeat(workload(tracer), 5000), 5000)


def _metrics(workloads: Workloads) -> None:
    import bench_metrics

    for label, batch in bench_metrics.build("ours").items():
        count = bench_metrics.OPERATIONS_PER_CALL.get(label, bench_metrics.COLLECTIONS)
        workloads[f"metrics: {label}"] = (batch, count)


def _opentracing_shim(workloads: Workloads) -> None:
    import bench_opentracing_shim as shim

    tracer = shim.ours()
    for label, scenario in shim.SCENARIOS:
        workloads[f"opentracing shim: {label}"] = (
            lambda scenario=scenario: scenario(tracer, 2000),  # type: ignore[misc]
            2000,
        )


def _opencensus_shim(workloads: Workloads) -> None:
    import bench_opencensus_trace as shim

    tracer = shim.ours(shim.provider())
    for label, scenario in shim.SCENARIOS:
        workloads[f"opencensus shim: {label}"] = (
            lambda scenario=scenario: scenario(tracer, 2000),  # type: ignore[misc]
            2000,
        )


def _propagation(workloads: Workloads) -> None:
    import bench_propagation

    for name, ours, _, _ in bench_propagation.cases():
        if name != bench_propagation.FLOOR:
            workloads[f"propagation: {name}"] = (_repeat(ours, 5000), 5000)


def _otlp_encoding(workloads: Workloads) -> None:
    import bench_otlp

    from otelbridge.sdk.export.otlp.proto.common.trace_encoder import serialize_spans

    spans = bench_otlp.finished_spans("ours", 512)
    workloads["otlp: encode a 512-span batch (per span)"] = (
        _repeat(lambda: serialize_spans(spans), 4),
        4 * 512,
    )


def _migrate(workloads: Workloads) -> None:
    import bench_migrate

    from otelbridge.migration_tool.runner import run

    root = tempfile.mkdtemp(prefix="ab-migrate-")
    paths, legacy, _ = bench_migrate.generate(root, 50)

    def batch() -> None:
        results = run(paths, "check", 1)
        assert sum(r.status == "changed" for r in results) == len(legacy)

    workloads["migrate --check --jobs 1, 50 files (per file)"] = (batch, len(paths))


BUILDERS = [
    _trace,
    _metrics,
    _opentracing_shim,
    _opencensus_shim,
    _propagation,
    _otlp_encoding,
    _migrate,
]


def worker() -> None:
    """Build the workloads, then answer ``name`` lines with the ns per operation of one batch."""
    workloads: Workloads = {}
    for build in BUILDERS:
        try:
            build(workloads)
        except Exception as error:  # this tree lacks what the benchmark drives
            print(f"! {build.__name__}: {type(error).__name__}: {error}", flush=True)
    for batch, _ in workloads.values():  # warm up
        batch()
    import otelbridge

    print(f"= {os.path.dirname(os.path.dirname(otelbridge.__file__))}", flush=True)
    for name in workloads:
        print(f"+ {name}", flush=True)
    print(".", flush=True)
    for line in sys.stdin:
        batch, count = workloads[line.rstrip("\n")]
        started = time.thread_time_ns()
        batch()
        print((time.thread_time_ns() - started) / count, flush=True)


class Worker:
    def __init__(self, tree: str) -> None:
        here = os.path.dirname(os.path.abspath(__file__))
        env = {**os.environ, "PYTHONPATH": os.path.abspath(tree), "PYTHONHASHSEED": "0"}
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(here, "ab_trees.py"), "--worker", "--quick"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=here,
        )
        self.workloads: List[str] = []
        self.notes: List[str] = []
        self.root = ""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            line = line.rstrip("\n")
            if line == ".":
                break
            if line.startswith("+ "):
                self.workloads.append(line[2:])
            elif line.startswith("= "):
                self.root = line[2:]
            else:
                self.notes.append(line)

    def time(self, name: str) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(name + "\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--only", nargs="*", default=[], help="workload name prefixes")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    base, new = Worker(args.base), Worker(args.new)
    for label, side in (("base", base), ("new", new)):
        assert os.path.samefile(side.root, getattr(args, label)), (label, side.root)
        for note in side.notes:
            print(f"{label}: {note}")
    names = [n for n in new.workloads if n in base.workloads]
    names = [n for n in names if not args.only or n.startswith(tuple(args.only))]
    times: Dict[str, Tuple[List[float], List[float]]] = {n: ([], []) for n in names}
    started = time.perf_counter()
    for round_ in range(args.rounds):
        for name in names:
            if round_ % 2 == 0:
                times[name][0].append(base.time(name))
                times[name][1].append(new.time(name))
            else:
                times[name][1].append(new.time(name))
                times[name][0].append(base.time(name))
    base.close()
    new.close()
    print(
        f"{args.rounds} rounds in {time.perf_counter() - started:.0f} s, load average before/after "
        f"{load_before:.1f}/{os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)"
    )
    print(f"{'workload':58} {'base ns':>9} {'new ns':>9} {'new/base':>8} {'quartiles':>11}")
    for name in names:
        base_ns, new_ns = times[name]
        ratios = sorted(n / b for b, n in zip(base_ns, new_ns))
        low, middle, high = statistics.quantiles(ratios, n=4)
        print(
            f"{name[:58]:58} {statistics.median(base_ns):9.0f} {statistics.median(new_ns):9.0f} "
            f"{middle:8.3f} {low:5.3f}-{high:5.3f}"
        )


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker()
    else:
        main()
