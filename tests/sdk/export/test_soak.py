"""The soak targets of docs/exporters.md (slow): collector killed and restarted under load, and
many threads into one exporter. ``benchmarks/soak_outage.py`` is the full-length run."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from otelbridge.devtools.receiver import OTLPReceiver
from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import BatchSpanProcessor

ROOT = Path(__file__).resolve().parents[3]
PHASES = ["--before", "1", "--outage", "4", "--after", "3"]  # seconds


@pytest.mark.slow
@pytest.mark.parametrize("protocol", ["grpc", "http"])
def test_collector_killed_and_restarted_under_load(protocol):
    result = subprocess.run(
        [sys.executable, "benchmarks/soak_outage.py", "--protocol", protocol, *PHASES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    soak = json.loads(result.stdout)
    assert soak["lost_silently"] == 0, soak
    assert soak["received"] == soak["received_unique"], soak  # nothing delivered twice
    assert soak["outage_spans_delivered"] >= 2048, soak  # a queue's worth of the outage
    assert soak["failed"] == 0, soak  # no export given up
    # The app-thread latency targets (p99 added < 50 us, no block > 5 ms) are timings: the script
    # prints them and docs/performance.md records them from a quiet machine, not this shared run.
    assert soak["rss_growth_mb"] < 50, soak
    assert soak["shutdown_refused_s"] < 0.5, soak


class Counter:
    def __init__(self) -> None:
        self.spans = 0
        self._lock = threading.Lock()

    def __call__(self, request) -> None:
        count = sum(
            len(scope_spans.spans)
            for resource_spans in request.resource_spans
            for scope_spans in resource_spans.scope_spans
        )
        with self._lock:
            self.spans += count


@pytest.mark.slow
def test_eight_threads_into_one_exporter_deliver_exactly_every_span():
    counter = Counter()
    with OTLPReceiver(counter, grpc_port=0, http_port=None, workers=4) as receiver:
        exporter = OTLPSpanExporter(endpoint=receiver.grpc_endpoint)
        processor = BatchSpanProcessor(exporter, max_queue_size=400_000)
        provider = TracerProvider(shutdown_on_exit=False)
        provider.add_span_processor(processor)
        tracer = provider.get_tracer("threads")

        def make_spans() -> None:
            for _ in range(50_000):
                tracer.start_span("request").end()

        threads = [threading.Thread(target=make_spans) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        provider.shutdown()
    assert counter.spans == 400_000
    assert exporter.stats.exported == 400_000 and processor.dropped_spans == 0
