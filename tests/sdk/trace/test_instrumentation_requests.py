"""A real opentelemetry-instrumentation package (requests) producing spans with our SDK."""

from __future__ import annotations

import http.server
import threading
from typing import Iterator

import pytest
import requests
from opentelemetry import trace
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.trace import SpanKind, StatusCode


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.traceparents.append(self.headers.get("traceparent"))  # type: ignore[attr-defined]
        code = 404 if self.path == "/missing" else 200
        body = b"ok"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[http.server.HTTPServer]:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    httpd.traceparents = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def instrumented(provider) -> Iterator[None]:
    RequestsInstrumentor().instrument(tracer_provider=provider)
    yield
    RequestsInstrumentor().uninstrument()


def test_requests_client_spans(provider, exporter, server, instrumented) -> None:
    port = server.server_address[1]
    tracer = provider.get_tracer("app")
    with tracer.start_as_current_span("job") as job:
        assert requests.get(f"http://127.0.0.1:{port}/hello", timeout=5).text == "ok"
        assert requests.get(f"http://127.0.0.1:{port}/missing", timeout=5).status_code == 404
    ok, missing, parent = exporter.get_finished_spans()
    assert ok.kind is SpanKind.CLIENT and ok.name == "GET"
    assert ok.parent == parent.context == job.get_span_context()
    assert ok.instrumentation_scope.name == "opentelemetry.instrumentation.requests"
    attributes = dict(ok.attributes)
    status = attributes.get("http.status_code", attributes.get("http.response.status_code"))
    assert status == 200
    url = attributes.get("http.url", attributes.get("url.full"))
    assert url == f"http://127.0.0.1:{port}/hello"
    assert missing.status.status_code is StatusCode.ERROR
    # The server saw our span's context propagated as a W3C traceparent header: sampled (0x01)
    # and with a random trace id (0x02), as opentelemetry-sdk sends it.
    trace_id = trace.format_trace_id(ok.context.trace_id)
    span_id = trace.format_span_id(ok.context.span_id)
    assert server.traceparents[0] == f"00-{trace_id}-{span_id}-03"
