"""Benchmark: OpenCensus' trace API through our shim on otelbridge.sdk vs opencensus itself.

Ours records every span through the SDK's SimpleSpanProcessor into an exporter that drops it;
opencensus' own Tracer exports every ended span synchronously to an exporter that drops it. Both
sample every request (AlwaysOnSampler). "bridged" is opencensus' own Tracer class, given one of
opencensus' exporters (PrintExporter, which the bridge replaces), with
``otelbridge.bridge.install()`` in place. Rounds run interleaved in one process; the table shows
per-operation medians of the benchmark thread's CPU time (``time.thread_time``, so time the shared
machine gives other processes is left out for all alike) and the ratio to opencensus.

    python benchmarks/bench_opencensus_trace.py [--rounds 7] [--number 20000]
"""

from __future__ import annotations

import statistics
import time
from importlib.metadata import version
from typing import Any, Callable, Dict, List, Tuple

from _harness import dropping_provider, measure, rounds_and_number


def provider() -> Any:
    from otelbridge.sdk import trace
    from otelbridge.sdk.trace import export

    return dropping_provider(trace, export)


class NullExporter:
    """An opencensus exporter that drops what it is given."""

    def export(self, span_datas: Any) -> None:
        pass

    def emit(self, span_datas: Any) -> None:
        pass


def ours(tracer_provider: Any) -> Any:
    from opencensus.trace.samplers import AlwaysOnSampler

    from otelbridge.shims.opencensus import Tracer

    return Tracer(sampler=AlwaysOnSampler(), tracer_provider=tracer_provider)


def opencensus() -> Any:
    from opencensus.trace.samplers import AlwaysOnSampler
    from opencensus.trace.tracer import Tracer

    return Tracer(sampler=AlwaysOnSampler(), exporter=NullExporter())


def opencensus_bridged() -> Any:
    """OpenCensus' Tracer as an application sets it up: the bridge replaces its exporter (an
    exporter class of the application's own would be fed converted spans instead)."""
    from opencensus.trace.print_exporter import PrintExporter
    from opencensus.trace.samplers import AlwaysOnSampler
    from opencensus.trace.tracer import Tracer

    return Tracer(sampler=AlwaysOnSampler(), exporter=PrintExporter())


def span_with_attribute(tracer: Any, number: int) -> None:
    for _ in range(number):
        with tracer.span(name="x") as span:
            span.add_attribute("k", "v")


def native_span_with_attribute(tracer: Any, number: int) -> None:
    """The same work on our SDK without OpenCensus: what the shim cannot go below."""
    for _ in range(number):
        with tracer.start_as_current_span("x") as span:
            span.set_attribute("k", "v")


def start_and_end(tracer: Any, number: int) -> None:
    for _ in range(number):
        tracer.start_span("x")
        tracer.end_span()


def nested_child_kind_and_annotation(tracer: Any, number: int) -> None:
    with tracer.span("parent"):
        for _ in range(number):
            with tracer.span("child") as span:
                span.span_kind = 2
                span.add_annotation("sent", bytes=12)


SCENARIOS: List[Tuple[str, Callable[[Any, int], None]]] = [
    ("with tracer.span(name='x') as s: s.add_attribute('k','v')", span_with_attribute),
    ("start_span('x'); end_span()", start_and_end),
    ("child of current span, span_kind + add_annotation", nested_child_kind_and_annotation),
]


def main() -> None:
    args = rounds_and_number(__doc__)
    from otelbridge.bridge import install, uninstall

    shared = provider()
    # The bridge reroutes every opencensus Tracer, older ones too: it is installed only while
    # a "bridged" round runs, on a Tracer made for that round.
    makers: Dict[str, Callable[[], Any]] = {
        "ours": lambda: ours(shared),
        "bridged": opencensus_bridged,
        "opencensus": opencensus,
        "native": lambda: shared.get_tracer("native"),
    }

    def run(label: str, func: Callable[[Any, int], None], number: int) -> float:
        if label != "bridged":
            return measure(func, makers[label](), number, time.thread_time)
        install(tracer_provider=shared)
        try:
            return measure(func, makers[label](), number, time.thread_time)
        finally:
            uninstall()

    for label in ("ours", "bridged", "opencensus"):  # warm up
        for _, func in SCENARIOS:
            run(label, func, 1000)
    print(
        f"otelbridge OpenCensus shim + otelbridge.sdk vs opencensus {version('opencensus')}; "
        f"median of {args.rounds} interleaved rounds of {args.number}"
    )
    print(f"{'operation':58} {'ours µs':>8} {'bridged':>8} {'oc µs':>8} {'ratio':>6} {'br.':>6}")
    for name, func in SCENARIOS:
        # The first scenario also runs natively on our SDK, interleaved: the floor of the shim.
        labels = ["ours", "bridged", "opencensus"] + (
            ["native"] if func is span_with_attribute else []
        )
        samples: Dict[str, List[float]] = {label: [] for label in labels}
        for _ in range(args.rounds):
            for label in labels:
                work = native_span_with_attribute if label == "native" else func
                samples[label].append(run(label, work, args.number))
        mine, rerouted, theirs = (
            statistics.median(samples[label]) for label in ("ours", "bridged", "opencensus")
        )
        print(
            f"{name:58} {mine * 1e6:8.2f} {rerouted * 1e6:8.2f} {theirs * 1e6:8.2f} "
            f"{mine / theirs:6.3f} {rerouted / theirs:6.3f}"
        )
        if "native" in samples:
            floor = statistics.median(samples["native"])
            print(
                f"{'  (floor: native start_as_current_span + set_attribute)':58} "
                f"{floor * 1e6:8.2f} {'':8} {theirs * 1e6:8.2f} {floor / theirs:6.3f}"
            )


if __name__ == "__main__":
    main()
