"""OTLP exporters behind our BatchSpanProcessor and configure(): the application's view."""

from __future__ import annotations

import threading
import time

import pytest

from otelbridge.devtools.receiver import OTLPReceiver
from otelbridge.sdk import configure
from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter
from otelbridge.sdk.export.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import BatchSpanProcessor

from .test_otlp_exporters import free_port


def test_receiver_absent_app_threads_unaffected_and_drops_counted():
    # 2 s: the first export backs off about a second between its two attempts
    exporter = GrpcExporter(endpoint=f"http://127.0.0.1:{free_port()}", timeout=2.0)
    processor = BatchSpanProcessor(exporter, max_queue_size=100, max_export_batch_size=50)
    provider = TracerProvider()
    provider.add_span_processor(processor)
    tracer = provider.get_tracer("app")
    durations = []

    def app_thread() -> None:
        for _ in range(500):
            started = time.perf_counter()
            with tracer.start_as_current_span("request", attributes={"n": 1}):
                pass
            durations.append(time.perf_counter() - started)

    threads = [threading.Thread(target=app_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    provider.shutdown()
    assert len(durations) == 1000
    assert max(durations) < 0.5  # the exporter's back-off never reaches the application
    # every span is accounted for: dropped at the queue or failed at the exporter
    assert processor.dropped_spans > 0
    assert processor.dropped_spans + exporter.stats.failed == 1000
    assert exporter.stats.exported == 0


@pytest.mark.parametrize("protocol", ["grpc", "http"])
def test_shutdown_flushes_what_is_queued(collected, protocol):
    with OTLPReceiver(collected, grpc_port=0, http_port=0) as receiver:
        if protocol == "grpc":
            exporter = GrpcExporter(endpoint=receiver.grpc_endpoint)
        else:
            exporter = HttpExporter(endpoint=receiver.http_endpoint + "/v1/traces")
        # A long delay: nothing leaves before shutdown unless shutdown flushes.
        processor = BatchSpanProcessor(exporter, schedule_delay_millis=60_000)
        provider = TracerProvider()
        provider.add_span_processor(processor)
        tracer = provider.get_tracer("app")
        for index in range(300):
            tracer.start_span("queued", attributes={"index": index}).end()
        provider.shutdown()
        spans = collected.wait_for(300)
    assert sorted(span.attributes[0].value.int_value for span in spans) == list(range(300))
    assert processor.dropped_spans == 0


@pytest.mark.parametrize(
    ("protocol", "expected"),
    [
        ("grpc", GrpcExporter),
        ("http/protobuf", HttpExporter),
        ("http/json", HttpExporter),
        (None, HttpExporter),
    ],
)
def test_configure_picks_the_otlp_transport_from_the_protocol(monkeypatch, protocol, expected):
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
    if protocol:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", protocol)
    else:
        monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", raising=False)
        monkeypatch.delenv("OTEL_EXPORTER_OTLP_PROTOCOL", raising=False)
    providers = configure(set_global=False, span_processor="simple")
    try:
        (processor,) = providers.tracer_provider._active_span_processor._span_processors
        assert type(processor.span_exporter) is expected
    finally:
        providers.shutdown()


def test_configure_sends_to_the_configured_endpoint(monkeypatch, collected):
    with OTLPReceiver(collected, grpc_port=0, http_port=None) as receiver:
        monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.grpc_endpoint)
        monkeypatch.setenv("OTEL_SERVICE_NAME", "configured")
        providers = configure(set_global=False)
        providers.tracer_provider.get_tracer("t").start_span("hello").end()
        providers.shutdown()
        (span,) = collected.wait_for(1)
    assert span.name == "hello"
    resource = collected.requests[0].resource_spans[0].resource
    assert {kv.key: kv.value.string_value for kv in resource.attributes}[
        "service.name"
    ] == "configured"


def test_memory_with_the_collector_down_is_bounded_by_the_queue():
    import gc
    import tracemalloc

    def peak_for(count: int) -> int:
        exporter = GrpcExporter(endpoint=f"http://127.0.0.1:{free_port()}", timeout=0.2)
        processor = BatchSpanProcessor(exporter, max_queue_size=512, max_export_batch_size=128)
        provider = TracerProvider()
        provider.add_span_processor(processor)
        tracer = provider.get_tracer("app")
        gc.collect()
        tracemalloc.start()
        for index in range(count):
            tracer.start_span("request", attributes={"index": index, "route": "/x"}).end()
            if index % 100 == 0:
                time.sleep(0)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        provider.shutdown()
        assert processor.dropped_spans + exporter.stats.failed == count
        return peak

    small, large = peak_for(2_000), peak_for(20_000)
    assert large < small * 1.5 + 256 * 1024  # ten times the spans, not ten times the memory
