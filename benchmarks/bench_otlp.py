"""OTLP export: otelbridge vs opentelemetry-exporter-otlp-proto-grpc, same process, interleaved.

    python benchmarks/bench_otlp.py [--quick]

1. Encoding alone: ns per span to turn a 512-span batch into ExportTraceServiceRequest bytes
   (each SDK's own spans, 3 attributes each; ours also on the peer's spans).
2. End to end: 100,000 spans with 3 attributes through each SDK's BatchSpanProcessor (default
   queue 2048, batch 512, delay 5 s) and OTLP/gRPC exporter to a loopback receiver in a child
   process (our OTLPReceiver, counting spans). Time runs from the first span to force_flush()
   returning; "delivered/s" counts spans the receiver got. The producer yields the GIL every
   100 spans (``time.sleep(0)``), as a service doing any I/O does; a second, single round uses a
   tight loop that never yields, where the export thread only runs when CPython forces a switch.
3. Memory with the collector down: spans through the same pipeline to a closed port; peak
   traced memory (tracemalloc) is bounded by the queue: the same for 25,000 and 100,000 spans.
Prints medians over interleaved rounds and ours/peer ratios (< 1 is better for times).
"""

from __future__ import annotations

import functools
import gc
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any, Callable, Dict, List, Tuple

QUICK = "--quick" in sys.argv
SPANS = 20_000 if QUICK else 100_000
ROUNDS = 2 if QUICK else 3


def receiver_main() -> None:
    """Child process: an OTLP receiver that answers ``count`` on stdin with spans received."""
    import threading

    from otelbridge.devtools.receiver import OTLPReceiver

    lock = threading.Lock()
    received = [0]

    def count(request: Any) -> None:
        spans = sum(len(ss.spans) for rs in request.resource_spans for ss in rs.scope_spans)
        with lock:
            received[0] += spans

    with OTLPReceiver(count, grpc_port=0, http_port=None, workers=2) as receiver:
        print(receiver.grpc_port, flush=True)
        for line in sys.stdin:
            if line.strip() == "count":
                print(received[0], flush=True)


class Receiver:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--receiver"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.endpoint = f"http://127.0.0.1:{self.process.stdout.readline().strip()}"

    def count(self) -> int:
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(10)


ATTRIBUTES = ("http.method", "http.status_code", "iteration")


def _sdk(name: str) -> Tuple[Any, Any, Any, Any]:
    """(TracerProvider, BatchSpanProcessor, OTLP/gRPC OTLPSpanExporter, Resource) of one SDK."""
    if name == "ours":
        from otelbridge.sdk.export.otlp.proto.grpc import trace_exporter
        from otelbridge.sdk.resources import Resource
        from otelbridge.sdk.trace import TracerProvider
        from otelbridge.sdk.trace.export import BatchSpanProcessor
    else:
        from opentelemetry.exporter.otlp.proto.grpc import trace_exporter  # type: ignore[no-redef]
        from opentelemetry.sdk.resources import Resource  # type: ignore[assignment]
        from opentelemetry.sdk.trace import TracerProvider  # type: ignore[assignment]
        from opentelemetry.sdk.trace.export import BatchSpanProcessor  # type: ignore[assignment]
    return TracerProvider, BatchSpanProcessor, trace_exporter.OTLPSpanExporter, Resource


def pipeline(sdk: str, endpoint: str, timeout: float = 10) -> Tuple[Any, Any, Any]:
    """A provider exporting through the default BatchSpanProcessor and OTLP/gRPC to ``endpoint``."""
    provider_class, processor_class, exporter_class, resource_class = _sdk(sdk)
    provider = provider_class(
        resource=resource_class.create({"service.name": "bench"}), shutdown_on_exit=False
    )
    processor = processor_class(exporter_class(endpoint, insecure=True, timeout=timeout))
    provider.add_span_processor(processor)
    return provider, provider.get_tracer("bench"), processor


our_pipeline = functools.partial(pipeline, "ours")
peer_pipeline = functools.partial(pipeline, "peer")


def make_spans(tracer: Any, count: int, yield_every: int = 0) -> None:
    method, status, iteration = ATTRIBUTES
    for index in range(count):
        span = tracer.start_span(
            "GET /users/{id}", attributes={method: "GET", status: 200, iteration: index}
        )
        span.end()
        if yield_every and index % yield_every == 0:
            time.sleep(0)


def end_to_end(
    build: Callable[[str], Tuple[Any, Any, Any]], receiver: Receiver, yield_every: int
) -> Tuple[float, int]:
    before = receiver.count()
    provider, tracer, _ = build(receiver.endpoint)
    gc.collect()
    started = time.perf_counter()
    make_spans(tracer, SPANS, yield_every)
    provider.force_flush(60_000)
    elapsed = time.perf_counter() - started
    provider.shutdown()
    delivered = receiver.count() - before
    return delivered / elapsed, SPANS - delivered


def finished_spans(sdk: str, count: int) -> List[Any]:
    if sdk == "ours":
        from otelbridge.sdk.trace import TracerProvider
        from otelbridge.sdk.trace.export import SimpleSpanProcessor
        from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    else:
        from opentelemetry.sdk.trace import TracerProvider  # type: ignore[assignment]
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # type: ignore[assignment]
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import (  # type: ignore[assignment]
            InMemorySpanExporter,
        )
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    make_spans(provider.get_tracer("bench"), count)
    return list(memory.get_finished_spans())


def encoding() -> Dict[str, float]:
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

    from otelbridge.sdk.export.otlp.proto.common.trace_encoder import serialize_spans

    ours, peers = finished_spans("ours", 512), finished_spans("peer", 512)
    repeat = 10 if QUICK else 40
    cases: Dict[str, Callable[[], Any]] = {
        "peer": lambda: encode_spans(peers).SerializeToString(),
        "ours": lambda: serialize_spans(ours),
        "ours on peer spans": lambda: serialize_spans(peers),
    }
    samples: Dict[str, List[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS * 3):
        for name, case in cases.items():
            started = time.perf_counter()
            for _ in range(repeat):
                case()
            samples[name].append((time.perf_counter() - started) / repeat / 512 * 1e9)
    return {name: statistics.median(values) for name, values in samples.items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_collector_down(build: Callable[..., Tuple[Any, Any, Any]], count: int) -> float:
    """Peak traced MiB while ``count`` spans go to a port where nothing listens."""
    provider, tracer, _ = build(f"http://127.0.0.1:{free_port()}", timeout=1)
    gc.collect()
    tracemalloc.start()
    make_spans(tracer, count, yield_every=100)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    provider.shutdown()
    return peak / 2**20


def main() -> None:
    if "--receiver" in sys.argv:
        receiver_main()
        return
    import opentelemetry.exporter.otlp.proto.grpc.version as peer_version
    import opentelemetry.sdk.version as sdk_version

    print(
        f"Python {sys.version.split()[0]}, opentelemetry-sdk {sdk_version.__version__}, "
        f"opentelemetry-exporter-otlp-proto-grpc {peer_version.__version__}, {SPANS} spans, "
        f"{ROUNDS} rounds\n"
    )
    enc = encoding()
    print("| encoding, 512-span batch | ns/span | ratio ours/peer |")
    print("| --- | ---: | ---: |")
    for name, value in enc.items():
        print(f"| {name} | {value:,.0f} | {value / enc['peer']:.2f} |")

    receiver = Receiver()
    rows = []
    try:
        for label, yield_every, rounds in (
            ("yields every 100 spans", 100, ROUNDS),
            ("tight loop", 0, 1),
        ):
            rates: Dict[str, List[float]] = {"ours": [], "peer": []}
            lost: Dict[str, List[int]] = {"ours": [], "peer": []}
            for _ in range(rounds):
                for name, build in (("peer", peer_pipeline), ("ours", our_pipeline)):
                    rate, dropped = end_to_end(build, receiver, yield_every)
                    rates[name].append(rate)
                    lost[name].append(dropped)
            rows.append((label, {k: statistics.median(v) for k, v in rates.items()}, lost))
    finally:
        receiver.close()
    print(f"\n| end to end, {SPANS:,} spans, BSP defaults, loopback gRPC", end=" ")
    print("| peer spans/s | ours spans/s | ratio | spans lost peer / ours |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, rate, lost in rows:
        print(
            f"| producer {label} | {rate['peer']:,.0f} | {rate['ours']:,.0f} | "
            f"{rate['ours'] / rate['peer']:.2f}x | {lost['peer']} / {lost['ours']} |"
        )

    small, large = SPANS // 4, SPANS
    peer_mem = memory_collector_down(peer_pipeline, small)
    ours_small = memory_collector_down(our_pipeline, small)
    ours_large = memory_collector_down(our_pipeline, large)
    print("\n| collector down | peak traced MiB |")
    print("| --- | ---: |")
    print(f"| peer, {small:,} spans | {peer_mem:.1f} |")
    print(f"| ours, {small:,} spans | {ours_small:.1f} (ratio {ours_small / peer_mem:.2f}) |")
    print(f"| ours, {large:,} spans | {ours_large:.1f} |")


if __name__ == "__main__":
    import logging

    logging.disable(logging.WARNING)  # both pipelines log every drop and failed export
    main()
