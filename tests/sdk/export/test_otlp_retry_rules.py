"""Which failures are retried, checked against real servers that answer with each status."""

from __future__ import annotations

import email.utils
import threading
import time
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, List, Optional

import grpc
import pytest

from otelbridge.sdk.export._transport._http import parse_retry_after
from otelbridge.sdk.export._transport._rpc_status import STATUS_DETAILS_KEY, encode_status
from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter
from otelbridge.sdk.export.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter
from otelbridge.sdk.trace.export import SpanExportResult

from .conftest import make_spans


class GrpcFailures:
    """A TraceService that fails each call with the next scripted (code, retry_after), then OKs."""

    def __init__(self, script: List[tuple[grpc.StatusCode, Optional[float]]]) -> None:
        self.script, self.calls = list(script), 0
        handler = grpc.unary_unary_rpc_method_handler(self.export)
        self.server = grpc.server(futures.ThreadPoolExecutor(2))
        self.server.add_generic_rpc_handlers(
            (
                grpc.method_handlers_generic_handler(
                    "opentelemetry.proto.collector.trace.v1.TraceService", {"Export": handler}
                ),
            )
        )
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()

    def export(self, request: bytes, context: Any) -> bytes:
        self.calls += 1
        if self.script:
            code, retry_after = self.script.pop(0)
            if retry_after is not None:
                details = encode_status(code.value[0], "busy", retry_after)
                context.set_trailing_metadata(((STATUS_DETAILS_KEY, details),))
            context.abort(code, "scripted failure")
        return b""


@pytest.mark.parametrize(
    ("script", "result", "calls"),
    [
        ([(grpc.StatusCode.RESOURCE_EXHAUSTED, None)], SpanExportResult.FAILURE, 1),
        ([(grpc.StatusCode.RESOURCE_EXHAUSTED, 0.05)], SpanExportResult.SUCCESS, 2),
        ([(grpc.StatusCode.INVALID_ARGUMENT, None)], SpanExportResult.FAILURE, 1),
        (
            [(grpc.StatusCode.ABORTED, 0.01), (grpc.StatusCode.DATA_LOSS, 0.01)],
            SpanExportResult.SUCCESS,
            3,
        ),
    ],
)
def test_grpc_status_codes(script, result, calls):
    server = GrpcFailures(script)
    try:
        exporter = GrpcExporter(f"http://127.0.0.1:{server.port}", timeout=5)
        assert exporter.export(make_spans(1)) is result
        exporter.shutdown()
    finally:
        server.server.stop(0).wait()
    assert server.calls == calls


class HttpFailures(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, statuses: List[int]) -> None:
        self.statuses, self.calls = list(statuses), 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                server.calls += 1
                status = server.statuses.pop(0) if server.statuses else 200
                self.send_response(status)
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.mark.parametrize(
    ("statuses", "result", "calls"),
    [
        ([429, 502, 504], SpanExportResult.SUCCESS, 4),
        ([500], SpanExportResult.FAILURE, 1),
        ([400], SpanExportResult.FAILURE, 1),
        ([408], SpanExportResult.FAILURE, 1),
    ],
)
def test_http_status_codes(statuses, result, calls):
    server = HttpFailures(statuses)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        exporter = HttpExporter(f"http://127.0.0.1:{server.server_address[1]}/v1/traces", timeout=5)
        assert exporter.export(make_spans(1)) is result
        exporter.shutdown()
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    assert server.calls == calls


def test_retry_after_seconds_and_http_dates():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= parse_retry_after(later) <= 30
    earlier = email.utils.formatdate(time.time() - 30, usegmt=True)
    assert parse_retry_after(earlier) == 0.0
