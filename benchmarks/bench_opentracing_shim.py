"""Benchmark: our OpenTracing shim over otelbridge.sdk vs the published one over opentelemetry-sdk.

Both tracers record every span through their SDK's SimpleSpanProcessor into an exporter that
drops it, so span creation, attributes, context handling and the end-of-span path are all paid.
Rounds of the two run interleaved in one process; the table shows per-operation medians.

    python benchmarks/bench_opentracing_shim.py [--rounds 7] [--number 20000]
"""

from __future__ import annotations

import statistics
from importlib.metadata import version
from typing import Any, Callable, Dict, List, Tuple

from _harness import dropping_provider, measure, rounds_and_number


def ours() -> Any:
    from otelbridge.sdk import trace
    from otelbridge.sdk.trace import export
    from otelbridge.shims.opentracing import TracerShim

    return TracerShim(dropping_provider(trace, export))


def peer() -> Any:
    from opentelemetry.sdk import trace
    from opentelemetry.sdk.trace import export
    from opentelemetry.shim.opentracing_shim import create_tracer

    return create_tracer(dropping_provider(trace, export))


def active_span_with_tag(tracer: Any, number: int) -> None:
    for _ in range(number):
        with tracer.start_active_span("x") as scope:
            scope.span.set_tag("k", "v")


def start_and_finish(tracer: Any, number: int) -> None:
    for _ in range(number):
        tracer.start_span("x").finish()


def nested_child_with_tags(tracer: Any, number: int) -> None:
    tags = {"span.kind": "client", "peer.port": 8080}
    with tracer.start_active_span("parent"):
        for _ in range(number):
            with tracer.start_active_span("child", tags=tags) as scope:
                scope.span.log_kv({"event": "sent", "bytes": 12})


SCENARIOS: List[Tuple[str, Callable[[Any, int], None]]] = [
    ("with start_active_span('x') as s: s.span.set_tag('k','v')", active_span_with_tag),
    ("start_span('x').finish()", start_and_finish),
    ("child of active span, 2 tags + log_kv", nested_child_with_tags),
]


def main() -> None:
    args = rounds_and_number(__doc__)
    tracers = {"ours": ours(), "peer": peer()}
    for tracer in tracers.values():  # warm up
        for _, func in SCENARIOS:
            func(tracer, 1000)
    print(
        f"otelbridge shim + otelbridge.sdk vs opentelemetry-opentracing-shim "
        f"{version('opentelemetry-opentracing-shim')} + opentelemetry-sdk "
        f"{version('opentelemetry-sdk')}; median of {args.rounds} interleaved rounds of "
        f"{args.number}"
    )
    print(f"{'operation':60} {'ours µs':>9} {'peer µs':>9} {'ratio':>7}")
    for name, func in SCENARIOS:
        samples: Dict[str, List[float]] = {"ours": [], "peer": []}
        for _ in range(args.rounds):
            for label, tracer in tracers.items():
                samples[label].append(measure(func, tracer, args.number))
        mine, theirs = (statistics.median(samples[label]) for label in ("ours", "peer"))
        print(f"{name:60} {mine * 1e6:9.2f} {theirs * 1e6:9.2f} {mine / theirs:7.3f}")


if __name__ == "__main__":
    main()
