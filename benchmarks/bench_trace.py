"""otelbridge.sdk.trace vs opentelemetry-sdk, same process, interleaved rounds.

    python benchmarks/bench_trace.py [--quick]

Prints the median time per operation over several rounds for each SDK and the ratio
ours/peer (< 1 means otelbridge is faster), then the memory a finished span retains.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from typing import Any, Callable, Dict, List, Tuple

from opentelemetry.sdk import trace as peer_trace
from opentelemetry.sdk.resources import Resource as PeerResource
from opentelemetry.sdk.trace import export as peer_export

from otelbridge.sdk import trace as our_trace
from otelbridge.sdk.resources import Resource as OurResource
from otelbridge.sdk.trace import export as our_export

ATTRS = {
    "http.method": "GET",
    "http.route": "/users/{id}",
    "http.status_code": 200,
    "net.peer.port": 443,
    "cache.hit": True,
}


class OurNull(our_export.SpanExporter):
    """Keeps the default ``suppress_instrumentation``: like the peer's SimpleSpanProcessor, ours
    then attaches a "do not instrument" context around every export, so every row pays for the
    same work on both sides."""

    def export(self, spans: Any) -> Any:
        return our_export.SpanExportResult.SUCCESS


class PeerNull(peer_export.SpanExporter):
    def export(self, spans: Any) -> Any:
        return peer_export.SpanExportResult.SUCCESS


class OurKeep(OurNull):
    def __init__(self) -> None:
        self.spans: List[Any] = []

    def export(self, spans: Any) -> Any:
        self.spans.extend(spans)
        return our_export.SpanExportResult.SUCCESS


class PeerKeep(PeerNull):
    def __init__(self) -> None:
        self.spans: List[Any] = []

    def export(self, spans: Any) -> Any:
        self.spans.extend(spans)
        return peer_export.SpanExportResult.SUCCESS


def make(sdk: str, processor: str, exporter: Any = None) -> Tuple[Any, Any]:
    """A provider + tracer of ``sdk`` ("ours"/"peer") with a simple or batch processor."""
    trace_mod, export_mod, resource = (
        (our_trace, our_export, OurResource)
        if sdk == "ours"
        else (peer_trace, peer_export, PeerResource)
    )
    if exporter is None:
        exporter = OurNull() if sdk == "ours" else PeerNull()
    provider = trace_mod.TracerProvider(
        resource=resource.create({"service.name": "bench"}), shutdown_on_exit=False
    )
    if processor == "simple":
        provider.add_span_processor(export_mod.SimpleSpanProcessor(exporter))
    else:
        provider.add_span_processor(
            export_mod.BatchSpanProcessor(
                exporter, max_queue_size=1 << 20, schedule_delay_millis=50
            )
        )
    return provider, provider.get_tracer("bench", "1.0")


def start_end(tracer: Any) -> Callable[[], None]:
    def op() -> None:
        tracer.start_span("op").end()

    return op


def start_end_attrs(tracer: Any) -> Callable[[], None]:
    def op() -> None:
        tracer.start_span("op", attributes=ATTRS).end()

    return op


def set_5_attrs(tracer: Any) -> Callable[[], None]:
    def op() -> None:
        span = tracer.start_span("op")
        span.set_attribute("http.method", "GET")
        span.set_attribute("http.route", "/users/{id}")
        span.set_attribute("http.status_code", 200)
        span.set_attribute("net.peer.port", 443)
        span.set_attribute("cache.hit", True)
        span.end()

    return op


def nested_current(tracer: Any) -> Callable[[], None]:
    def op() -> None:
        with tracer.start_as_current_span("outer"), tracer.start_as_current_span("inner"):
            pass

    return op


CASES: List[Tuple[str, str, Callable[[Any], Callable[[], None]], int]] = [
    ("start+end span (Simple, null exporter)", "simple", start_end, 1),
    ("start+end, 5 attributes at start", "simple", start_end_attrs, 1),
    ("start+end, 5 set_attribute calls", "simple", set_5_attrs, 1),
    ("2-deep start_as_current_span", "simple", nested_current, 1),
    ("start+end, BatchSpanProcessor (app thread)", "batch", start_end, 1),
]


def time_per_op(op: Callable[[], None], n: int) -> float:
    gc.collect()
    start = time.perf_counter_ns()
    for _ in range(n):
        op()
    return (time.perf_counter_ns() - start) / n


def bench(rounds: int, n: int) -> List[Tuple[str, float, float]]:
    rows = []
    for label, processor, workload, _ in CASES:
        ours_p, ours_t = make("ours", processor)
        peer_p, peer_t = make("peer", processor)
        ours_op, peer_op = workload(ours_t), workload(peer_t)
        time_per_op(ours_op, n // 10)  # warm up
        time_per_op(peer_op, n // 10)
        ours, peer = [], []
        for _ in range(rounds):
            ours.append(time_per_op(ours_op, n))
            peer.append(time_per_op(peer_op, n))
        ours_p.shutdown()
        peer_p.shutdown()
        rows.append((label, statistics.median(ours), statistics.median(peer)))
    return rows


def retained_bytes(sdk: str, count: int) -> float:
    """Bytes retained per finished span with 5 attributes, kept by an exporter."""
    exporter = OurKeep() if sdk == "ours" else PeerKeep()
    provider, tracer = make(sdk, "simple", exporter)
    start_end_attrs(tracer)()  # warm caches outside the measurement
    exporter.spans = []  # its growth (~8 bytes per span) is measured for both SDKs alike
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    op = start_end_attrs(tracer)
    for _ in range(count):
        op()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(exporter.spans) == count
    provider.shutdown()
    return (after - before) / count


def main() -> None:
    quick = "--quick" in sys.argv
    rounds, n = (3, 2000) if quick else (7, 20000)
    versions: Dict[str, str] = {}
    from importlib.metadata import version

    for dist in ("otelbridge", "opentelemetry-sdk", "opentelemetry-api"):
        versions[dist] = version(dist)
    print(f"Python {sys.version.split()[0]}; " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"{rounds} interleaved rounds x {n} ops, median per op\n")
    print(f"| {'workload':44} | {'ours µs':>8} | {'peer µs':>8} | {'ratio':>6} |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 10}|{'-' * 8}|")
    for label, ours, peer in bench(rounds, n):
        print(f"| {label:44} | {ours / 1000:8.2f} | {peer / 1000:8.2f} | {ours / peer:6.2f} |")
    ours_mem = statistics.median(retained_bytes("ours", 2000) for _ in range(3))
    peer_mem = statistics.median(retained_bytes("peer", 2000) for _ in range(3))
    label = "retained bytes per finished span, 5 attrs"
    print(f"| {label:44} | {ours_mem:8.0f} | {peer_mem:8.0f} | {ours_mem / peer_mem:6.2f} |")


if __name__ == "__main__":
    main()
