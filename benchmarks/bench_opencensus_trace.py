"""Benchmark: OpenCensus' trace API through our shim on otelbridge.sdk vs opencensus itself.

Ours records every span through the SDK's SimpleSpanProcessor into an exporter that drops it;
opencensus' own Tracer exports every ended span synchronously to an exporter that drops it. Both
sample every request (AlwaysOnSampler). "bridged" is opencensus' own Tracer class with
``otelbridge.bridge.install()`` in place. Rounds run interleaved in one process; the table shows
per-operation medians and the ratio to opencensus.

    python benchmarks/bench_opencensus_trace.py [--rounds 7] [--number 20000]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from importlib.metadata import version
from typing import Any, Callable, Dict, List, Tuple


def provider() -> Any:
    from otelbridge.sdk.trace import TracerProvider
    from otelbridge.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

    class Drop(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    result = TracerProvider()
    result.add_span_processor(SimpleSpanProcessor(Drop()))
    return result


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


def span_with_attribute(tracer: Any, number: int) -> None:
    for _ in range(number):
        with tracer.span(name="x") as span:
            span.add_attribute("k", "v")


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


def measure(func: Callable[[Any, int], None], tracer: Any, number: int) -> float:
    """Seconds per operation for one round."""
    gc.collect()
    start = time.perf_counter()
    func(tracer, number)
    return (time.perf_counter() - start) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=20000)
    args = parser.parse_args()
    from otelbridge.bridge import install, uninstall

    shared = provider()
    # The bridge reroutes every opencensus Tracer, older ones too: it is installed only while
    # a "bridged" round runs, on a Tracer made for that round.
    makers: Dict[str, Callable[[], Any]] = {
        "ours": lambda: ours(shared),
        "bridged": opencensus,
        "opencensus": opencensus,
    }

    def run(label: str, func: Callable[[Any, int], None], number: int) -> float:
        if label != "bridged":
            return measure(func, makers[label](), number)
        install(tracer_provider=shared)
        try:
            return measure(func, makers[label](), number)
        finally:
            uninstall()

    for label in makers:  # warm up
        for _, func in SCENARIOS:
            run(label, func, 1000)
    print(
        f"otelbridge OpenCensus shim + otelbridge.sdk vs opencensus {version('opencensus')}; "
        f"median of {args.rounds} interleaved rounds of {args.number}"
    )
    print(f"{'operation':58} {'ours µs':>8} {'bridged':>8} {'oc µs':>8} {'ratio':>6} {'br.':>6}")
    for name, func in SCENARIOS:
        samples: Dict[str, List[float]] = {label: [] for label in makers}
        for _ in range(args.rounds):
            for label in makers:
                samples[label].append(run(label, func, args.number))
        mine, bridged, theirs = (
            statistics.median(samples[label]) for label in ("ours", "bridged", "opencensus")
        )
        print(
            f"{name:58} {mine * 1e6:8.2f} {bridged * 1e6:8.2f} {theirs * 1e6:8.2f} "
            f"{mine / theirs:6.3f} {bridged / theirs:6.3f}"
        )


if __name__ == "__main__":
    main()
