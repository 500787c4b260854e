"""Soak run: a collector killed mid-run and brought back on the same port, under steady load.

The application thread makes ``--rate`` spans a second through the default BatchSpanProcessor
and our OTLP exporter (gRPC or HTTP) while a loopback collector (a child process running
``otelbridge.devtools.receiver``) is up, then killed (SIGKILL) for ``--outage`` seconds, then
restarted on the same port. Prints one JSON object: app-thread latency (p99 added, longest
block outside garbage-collector pauses), RSS growth, what was made, received, dropped and
failed (nothing may be lost silently), how many spans made during the outage arrived after the
restart, what was given up after the restart, and how long shutdown takes once the collector
refuses connections.

    .venv/bin/python benchmarks/soak_outage.py [--protocol grpc|http] [--outage 10]

``tests/sdk/export/test_soak.py`` runs it with shorter phases and checks the targets of
docs/exporters.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any, Dict, List

COLLECTOR = """
import signal, sys, threading
from otelbridge.devtools.receiver import OTLPReceiver

out = open(sys.argv[3], "a", buffering=1)
lock = threading.Lock()

def consume(request):
    lines = []
    for resource_spans in request.resource_spans:
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                lines.append(str(span.attributes[0].value.int_value))
    with lock:
        out.write("\\n".join(lines) + "\\n")

grpc_port = int(sys.argv[2]) if sys.argv[1] == "grpc" else None
http_port = int(sys.argv[2]) if sys.argv[1] == "http" else None
receiver = OTLPReceiver(consume, grpc_port=grpc_port, http_port=http_port, workers=4).start()
print("ready", flush=True)
signal.sigwait({signal.SIGTERM})
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_collector(protocol: str, port: int, received: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(COLLECTOR), protocol, str(port), str(received)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def received_indices(path: Path) -> List[int]:
    return [int(line) for line in path.read_text().split()]


def soak(protocol: str, rate: int, before: float, outage: float, after: float) -> Dict[str, Any]:
    from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as Grpc
    from otelbridge.sdk.export.otlp.proto.http.trace_exporter import OTLPSpanExporter as Http
    from otelbridge.sdk.trace import TracerProvider
    from otelbridge.sdk.trace.export import BatchSpanProcessor

    port = free_port()
    received = Path(tempfile.mkstemp(prefix="otelbridge-soak-", suffix=".txt")[1])
    collector = start_collector(protocol, port, received)
    if protocol == "grpc":
        exporter: Any = Grpc(endpoint=f"http://127.0.0.1:{port}")
    else:
        exporter = Http(endpoint=f"http://127.0.0.1:{port}/v1/traces")
    processor = BatchSpanProcessor(exporter)
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(processor)
    tracer = provider.get_tracer("soak")

    gc_pauses: List[List[float]] = []

    def on_gc(phase: str, info: Dict[str, int]) -> None:
        if phase == "start":
            gc_pauses.append([time.perf_counter(), float("inf")])
        elif gc_pauses:
            gc_pauses[-1][1] = time.perf_counter()

    gc.callbacks.append(on_gc)
    durations: Dict[str, List[float]] = {"before": [], "outage": [], "after": []}
    longest_block, longest_block_at = 0.0, ""
    index = 0
    first_of_outage = last_of_outage = 0
    rss_start = rss_bytes()
    marks: Dict[str, float] = {}
    phases = [("before", before), ("outage", outage), ("after", after)]
    interval = 1.0 / rate
    for phase, seconds in phases:
        if phase == "outage":
            collector.send_signal(signal.SIGKILL)
            collector.wait()
            first_of_outage = index
        elif phase == "after":
            last_of_outage = index
            collector = start_collector(protocol, port, received)
            marks["restart"] = time.monotonic()
            marks["dropped_at_restart"] = processor.dropped_spans
            marks["failed_at_restart"] = exporter.stats.failed
        end = time.perf_counter() + seconds
        next_span = time.perf_counter()
        while next_span < end:
            started = time.perf_counter()
            tracer.start_span("request", attributes={"i": index}).end()
            finished = time.perf_counter()
            index += 1
            took = finished - started
            durations[phase].append(took)
            if took > longest_block and not any(
                start <= finished and stop >= started for start, stop in gc_pauses[-3:]
            ):
                longest_block = took
                longest_block_at = f"{phase} +{seconds - (end - finished):.2f} s"
            next_span += interval
            pause = next_span - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
    gc.callbacks.remove(on_gc)
    rss_growth = rss_bytes() - rss_start
    processor.force_flush(30_000)
    time.sleep(0.5)  # the collector writes what it answered for
    collector.send_signal(signal.SIGKILL)
    collector.wait()
    started = time.monotonic()
    tracer.start_span("request", attributes={"i": index}).end()
    index += 1
    provider.shutdown()
    shutdown_seconds = time.monotonic() - started

    got = received_indices(received)
    received.unlink()
    unique = set(got)
    outage_delivered = sum(1 for i in unique if first_of_outage <= i < last_of_outage)

    def p99(values: List[float]) -> float:
        ordered = sorted(values)
        return ordered[int(len(ordered) * 0.99)] if ordered else 0.0

    made = index
    dropped, failed = processor.dropped_spans, exporter.stats.failed
    return {
        "protocol": protocol,
        "rate": rate,
        "phases_s": [before, outage, after],
        "made": made,
        "received": len(got),
        "received_unique": len(unique),
        "dropped": dropped,
        "failed": failed,
        "lost_silently": made - len(unique) - dropped - failed,
        "made_during_outage": last_of_outage - first_of_outage,
        "outage_spans_delivered": outage_delivered,
        "given_up_after_restart": dropped
        - marks["dropped_at_restart"]
        + failed
        - marks["failed_at_restart"]
        - 1,  # the span made after the final kill
        "p99_us": {phase: round(p99(values) * 1e6, 1) for phase, values in durations.items()},
        "p99_added_us": round((p99(durations["outage"]) - p99(durations["before"])) * 1e6, 1),
        "longest_block_ms": round(longest_block * 1e3, 2),
        "longest_block_at": longest_block_at,
        "rss_growth_mb": round(rss_growth / 2**20, 1),
        "shutdown_refused_s": round(shutdown_seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--protocol", choices=["grpc", "http"], default="grpc")
    parser.add_argument("--rate", type=int, default=2000, help="spans per second")
    parser.add_argument("--before", type=float, default=5.0, help="seconds before the outage")
    parser.add_argument("--outage", type=float, default=10.0, help="seconds without collector")
    parser.add_argument("--after", type=float, default=15.0, help="seconds after the restart")
    args = parser.parse_args()
    os.environ.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    result = soak(args.protocol, args.rate, args.before, args.outage, args.after)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
