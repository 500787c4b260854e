"""OTLP span exporters against the real receiver on loopback: delivery, retries, deadlines."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from otelbridge.devtools.receiver import OTLPReceiver, Rejected, Throttled
from otelbridge.sdk.export.otlp.proto.common.trace_encoder import encode_spans
from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter
from otelbridge.sdk.export.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter
from otelbridge.sdk.trace.export import SpanExportResult

from .conftest import make_spans


def grpc_exporter(receiver: OTLPReceiver, **kwargs) -> GrpcExporter:
    return GrpcExporter(endpoint=receiver.grpc_endpoint, **kwargs)


def http_exporter(receiver: OTLPReceiver, **kwargs) -> HttpExporter:
    return HttpExporter(endpoint=receiver.http_endpoint + "/v1/traces", **kwargs)


EXPORTERS = [grpc_exporter, http_exporter]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("make_exporter", EXPORTERS)
@pytest.mark.parametrize("compression", ["none", "gzip"])
def test_receiver_decodes_exactly_what_we_encoded(receiver, collected, make_exporter, compression):
    spans = make_spans(25, **{"http.method": "GET", "ok": True})
    exporter = make_exporter(receiver, compression=compression, headers={"x-tenant": "t1"})
    try:
        assert exporter.export(spans) is SpanExportResult.SUCCESS
    finally:
        exporter.shutdown()
    (request,) = collected.requests
    assert request == encode_spans(spans)
    assert exporter.stats.exported == 25 and exporter.stats.failed == 0


@pytest.mark.parametrize("make_exporter", EXPORTERS)
def test_throttled_twice_then_accepted_loses_nothing(collected, make_exporter):
    calls = []

    def busy_twice(request):
        calls.append(time.monotonic())
        if len(calls) <= 2:
            raise Throttled(0.2)
        collected(request)

    spans = make_spans(10)
    with OTLPReceiver(busy_twice, grpc_port=0, http_port=0) as receiver:
        exporter = make_exporter(receiver, timeout=10)
        assert exporter.export(spans) is SpanExportResult.SUCCESS
        exporter.shutdown()
    assert len(calls) == 3
    assert len(collected.spans()) == 10
    # gRPC honours RetryInfo (0.2 s); HTTP honours Retry-After, whole seconds (1 s)
    minimum = 0.2 if make_exporter is grpc_exporter else 1.0
    assert calls[1] - calls[0] >= minimum * 0.95 and calls[2] - calls[1] >= minimum * 0.95


@pytest.mark.parametrize("make_exporter", EXPORTERS)
def test_receiver_slower_than_timeout_deadline_is_honoured(make_exporter):
    release = threading.Event()

    def slow(request):
        release.wait(5)

    with OTLPReceiver(slow, grpc_port=0, http_port=0, workers=8) as receiver:
        exporter = make_exporter(receiver, timeout=0.5)
        started = time.monotonic()
        try:
            result = exporter.export(make_spans(3))
            elapsed = time.monotonic() - started
        finally:
            release.set()
            exporter.shutdown()
    assert result is SpanExportResult.FAILURE
    assert 0.4 <= elapsed < 1.5
    assert exporter.stats.failed == 3


@pytest.mark.parametrize("exporter_class", [GrpcExporter, HttpExporter])
def test_receiver_absent_fails_within_the_timeout_then_fast(exporter_class, caplog):
    port = free_port()
    path = "/v1/traces" if exporter_class is HttpExporter else ""
    exporter = exporter_class(
        endpoint=f"http://127.0.0.1:{port}{path}",
        timeout=1.0,
        headers={"authorization": "secret-token"},
    )
    spans = make_spans(4)
    with caplog.at_level(logging.DEBUG):
        started = time.monotonic()
        assert exporter.export(spans) is SpanExportResult.FAILURE
        first = time.monotonic() - started
        started = time.monotonic()
        assert exporter.export(spans) is SpanExportResult.FAILURE
        second = time.monotonic() - started
    exporter.shutdown()
    assert first < 1.5  # retried within the export timeout, no longer
    assert second < 0.5  # receiver known down: one attempt only
    assert exporter.stats.failed == 8
    assert "Failed to export 4 spans" in caplog.text
    assert "secret-token" not in caplog.text and "secret-token" not in repr(exporter)


def test_shutdown_interrupts_a_retry_wait():
    def always_busy(request):
        raise Throttled(30)

    with OTLPReceiver(always_busy, grpc_port=0, http_port=None) as receiver:
        exporter = grpc_exporter(receiver, timeout=60)
        outcome = []
        worker = threading.Thread(target=lambda: outcome.append(exporter.export(make_spans(1))))
        worker.start()
        time.sleep(0.3)
        started = time.monotonic()
        exporter.shutdown()
        worker.join(5)
    assert time.monotonic() - started < 2
    assert outcome == [SpanExportResult.FAILURE]
    assert exporter.export(make_spans(1)) is SpanExportResult.FAILURE  # after shutdown


@pytest.mark.parametrize("make_exporter", EXPORTERS)
def test_partial_success_is_logged_with_the_rejected_count(make_exporter, caplog):
    with OTLPReceiver(lambda request: Rejected(2, "too old"), grpc_port=0, http_port=0) as receiver:
        exporter = make_exporter(receiver)
        assert exporter.export(make_spans(5)) is SpanExportResult.SUCCESS
        exporter.shutdown()
    assert exporter.stats.rejected == 2 and exporter.stats.exported == 5
    assert "rejected 2 spans: too old" in caplog.text
