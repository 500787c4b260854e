"""Zipkin v2 JSON exporter against a loopback HTTP server that decodes what it receives."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator, List

import pytest
from opentelemetry.trace import SpanKind, Status, StatusCode

from otelbridge.sdk import configure
from otelbridge.sdk.export.zipkin import ZipkinExporter
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


class ZipkinServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.bodies: List[Any] = []
        self.content_types: List[str] = []
        self.status = 202

        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                server.content_types.append(self.headers["Content-Type"])
                server.bodies.append((self.path, json.loads(self.rfile.read(length))))
                self.send_response(server.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/v2/spans"


@pytest.fixture
def zipkin() -> Iterator[ZipkinServer]:
    server = ZipkinServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    thread.join()
    server.server_close()


def traced_spans() -> list:
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "shop"}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("shop.http", "1.4")
    with tracer.start_as_current_span("GET /cart", kind=SpanKind.SERVER) as server:
        server.set_attribute("http.status_code", 500)
        with tracer.start_as_current_span(
            "charge", kind=SpanKind.CLIENT, attributes={"peer.service": "payments", "tries": (1, 2)}
        ) as client:
            client.add_event("retry", {"attempt": 2})
            client.set_status(Status(StatusCode.ERROR, "card declined"))
    provider.shutdown()
    return list(memory.get_finished_spans())


def test_spans_arrive_as_zipkin_v2_json(zipkin):
    spans = traced_spans()
    exporter = ZipkinExporter(zipkin.endpoint)
    assert exporter.export(spans) is SpanExportResult.SUCCESS
    exporter.shutdown()
    ((path, body),) = zipkin.bodies
    assert path == "/api/v2/spans" and zipkin.content_types == ["application/json"]
    client, server = body
    parent = spans[1]
    assert server["traceId"] == f"{parent.context.trace_id:032x}" and len(server["id"]) == 16
    assert client["parentId"] == server["id"]
    assert (server["kind"], client["kind"]) == ("SERVER", "CLIENT")
    assert server["localEndpoint"] == {"serviceName": "shop"}
    assert client["remoteEndpoint"] == {"serviceName": "payments"}
    # rounded to the nearest microsecond, as opentelemetry-exporter-zipkin-json does
    assert server["timestamp"] == (parent.start_time + 500) // 1000
    assert server["duration"] == (parent.end_time - parent.start_time + 500) // 1000
    assert server["tags"]["http.status_code"] == "500"
    assert server["tags"]["otel.scope.name"] == "shop.http"
    assert client["tags"]["tries"] == '["1","2"]'
    assert client["tags"]["service.name"] == "shop"  # resource attributes are tags too
    assert (
        client["tags"]["otel.status_code"] == "ERROR" and client["tags"]["error"] == "card declined"
    )
    (annotation,) = client["annotations"]
    assert json.loads(annotation["value"]) == {"retry": {"attempt": 2}}


def test_endpoint_from_environment_and_configure(zipkin, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_ZIPKIN_ENDPOINT", zipkin.endpoint)
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "zipkin")
    providers = configure(set_global=False, span_processor="simple")
    providers.tracer_provider.get_tracer("t").start_span("configured").end()
    providers.shutdown()
    ((_, (span,)),) = zipkin.bodies
    assert span["name"] == "configured"


def test_rejected_batch_is_a_failure(zipkin):
    zipkin.status = 400
    exporter = ZipkinExporter(zipkin.endpoint, timeout=2)
    assert exporter.export(traced_spans()) is SpanExportResult.FAILURE
    assert exporter.stats.failed == 2
    assert len(zipkin.bodies) == 1  # 400 is permanent: not retried
