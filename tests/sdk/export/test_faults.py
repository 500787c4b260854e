"""Export under faults: receiver outage and restart, shutdown with a dead or silent receiver,
fork mid-export. Real receivers on loopback, real processors and exporters."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from otelbridge.devtools.receiver import OTLPReceiver
from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter
from otelbridge.sdk.export.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import BatchSpanProcessor, SpanExportResult

from .conftest import Collected, make_spans
from .test_otlp_exporters import free_port

ROOT = Path(__file__).resolve().parents[3]


def exporter_for(protocol: str, port: int, **kwargs) -> GrpcExporter | HttpExporter:
    if protocol == "grpc":
        return GrpcExporter(endpoint=f"http://127.0.0.1:{port}", **kwargs)
    return HttpExporter(endpoint=f"http://127.0.0.1:{port}/v1/traces", **kwargs)


def receiver_on(protocol: str, port: int, collected: Collected) -> OTLPReceiver:
    if protocol == "grpc":
        return OTLPReceiver(collected, grpc_port=port, http_port=None)
    return OTLPReceiver(collected, grpc_port=None, http_port=port)


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def tracer_for(processor: BatchSpanProcessor):
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(processor)
    return provider, provider.get_tracer("faults")


@pytest.mark.parametrize("protocol", ["grpc", "http"])
def test_spans_made_during_an_outage_are_delivered_after_the_restart(protocol, collected):
    port = free_port()
    exporter = exporter_for(protocol, port, timeout=0.5)
    processor = BatchSpanProcessor(
        exporter, max_queue_size=1000, max_export_batch_size=100, schedule_delay_millis=50
    )
    provider, tracer = tracer_for(processor)
    receiver = receiver_on(protocol, port, collected).start()
    for index in range(100):
        tracer.start_span("before", attributes={"index": index}).end()
    collected.wait_for(100)
    wait_until(lambda: exporter.stats.exported == 100)  # the answer reached the client too
    receiver.stop(grace=0)
    for index in range(800):  # the outage: more than one batch, less than the queue
        tracer.start_span("during", attributes={"index": index}).end()
    time.sleep(0.6)  # the first batch fails, the processor starts probing
    assert exporter.stats.exported == 100
    receiver = receiver_on(protocol, port, collected).start()
    try:
        spans = collected.wait_for(900, timeout=8)
    finally:
        provider.shutdown()
        receiver.stop()
    during = sorted(span.attributes[0].value.int_value for span in spans if span.name == "during")
    assert during == list(range(800))  # every one, none twice
    assert processor.dropped_spans == 0 and exporter.stats.failed == 0


@pytest.mark.parametrize("protocol", ["grpc", "http"])
def test_shutdown_with_the_receiver_refusing_is_fast_and_counts_everything(protocol):
    exporter = exporter_for(protocol, free_port(), timeout=10)
    processor = BatchSpanProcessor(exporter, max_export_batch_size=100, schedule_delay_millis=10)
    provider, tracer = tracer_for(processor)
    for _ in range(1000):
        tracer.start_span("lost").end()
    time.sleep(0.3)  # the worker is inside the exporter's retry wait
    started = time.monotonic()
    provider.shutdown()
    assert time.monotonic() - started < 0.5
    assert processor.dropped_spans + exporter.stats.failed == 1000
    tracer.start_span("after shutdown").end()
    assert processor.dropped_spans + exporter.stats.failed == 1001


def test_shutdown_with_a_silent_receiver_ends_within_the_export_timeout():
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        exporter = GrpcExporter(endpoint=f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=1)
        processor = BatchSpanProcessor(exporter, schedule_delay_millis=60_000)
        provider, tracer = tracer_for(processor)
        for _ in range(10):
            tracer.start_span("unanswered").end()
        started = time.monotonic()
        provider.shutdown()
        elapsed = time.monotonic() - started
    assert elapsed < 1.5
    assert processor.dropped_spans + exporter.stats.failed == 10


def test_an_export_after_shutdown_is_counted():
    exporter = GrpcExporter(endpoint=f"http://127.0.0.1:{free_port()}", timeout=1)
    exporter.shutdown()
    assert exporter.export(make_spans(3)) is SpanExportResult.FAILURE
    assert exporter.stats.failed == 3


def test_force_flush_during_an_outage_is_bounded_and_says_false():
    exporter = GrpcExporter(endpoint=f"http://127.0.0.1:{free_port()}", timeout=0.3)
    processor = BatchSpanProcessor(exporter, schedule_delay_millis=60_000)
    provider, tracer = tracer_for(processor)
    tracer.start_span("kept").end()
    started = time.monotonic()
    assert processor.force_flush(2_000) is False  # one attempt, the span is kept
    assert processor.force_flush(2_000) is False
    assert time.monotonic() - started < 1.5
    provider.shutdown()
    assert processor.dropped_spans == 1


FORK_SCRIPT = """
import os, sys, time
from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import BatchSpanProcessor

exporter = OTLPSpanExporter(endpoint=sys.argv[1], timeout=5)
processor = BatchSpanProcessor(exporter, schedule_delay_millis=50)
provider = TracerProvider(shutdown_on_exit=False)
provider.add_span_processor(processor)
tracer = provider.get_tracer("fork")
children = []
for number in range(4):
    if number % 2:  # half of the forks while the parent's export is in flight
        for index in range(300):
            tracer.start_span("parent", attributes={"index": index}).end()
        time.sleep(0.1)  # the worker has sent the batch, the receiver takes 0.2 s to answer
    pid = os.fork()
    if pid == 0:
        for index in range(50):
            tracer.start_span(f"child-{number}", attributes={"index": index}).end()
        provider.shutdown()
        os._exit(0 if exporter.stats.exported == 50 else 3)
    children.append(pid)
codes = [os.waitpid(pid, 0)[1] for pid in children]
provider.shutdown()
print(codes, exporter.stats.exported)
"""


def test_children_forked_idle_and_mid_export_deliver_their_spans(collected):
    def slow(request):
        time.sleep(0.2)  # keeps the parent's exports in flight while it forks
        collected(request)

    with OTLPReceiver(slow, grpc_port=0, http_port=None, workers=8) as receiver:
        result = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(FORK_SCRIPT), receiver.grpc_endpoint],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=ROOT,
            check=False,
        )
        spans = collected.wait_for(800)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("]")[0] == "[0, 0, 0, 0"  # every child exited, all delivered
    names = [span.name for span in spans]
    assert names.count("parent") == 600
    assert result.stdout.split()[-1] == "600"  # the parent's own exports are unaffected
    for number in range(4):
        assert names.count(f"child-{number}") == 50
