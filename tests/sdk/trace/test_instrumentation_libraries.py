"""Real ``opentelemetry-instrumentation-*`` packages on our SDK, over loopback servers (issue 15).

urllib3, gRPC (client and server), DB-API through sqlite3, Flask and WSGI; requests has its own
file. Each instrumentation gets our ``TracerProvider`` explicitly and is removed afterwards.
"""

from __future__ import annotations

import sqlite3
from concurrent import futures
from typing import Iterator

import flask
import grpc
import pytest
import urllib3
from opentelemetry.instrumentation.dbapi import instrument_connection
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.grpc import GrpcInstrumentorServer, client_interceptor
from opentelemetry.instrumentation.grpc.grpcext import intercept_channel
from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor
from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware
from opentelemetry.trace import SpanKind, StatusCode

from otelbridge.sdk.trace import ReadableSpan


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello " + environ["PATH_INFO"].encode()]


def _one(spans, kind: SpanKind) -> ReadableSpan:
    (span,) = [span for span in spans if span.kind is kind]
    return span


@pytest.fixture
def wsgi_url(provider, serve_wsgi) -> str:
    return serve_wsgi(OpenTelemetryMiddleware(_hello, tracer_provider=provider))


@pytest.fixture
def urllib3_instrumented(provider) -> Iterator[None]:
    URLLib3Instrumentor().instrument(tracer_provider=provider)
    yield
    URLLib3Instrumentor().uninstrument()


def test_urllib3_client_to_a_wsgi_server_is_one_trace(
    provider, exporter, wsgi_url, urllib3_instrumented
) -> None:
    with provider.get_tracer("app").start_as_current_span("job") as job:
        response = urllib3.PoolManager().request("GET", f"{wsgi_url}/greet")
    assert response.data == b"hello /greet"
    spans = exporter.get_finished_spans()
    client, server = _one(spans, SpanKind.CLIENT), _one(spans, SpanKind.SERVER)
    assert client.parent.span_id == job.get_span_context().span_id
    assert server.parent.span_id == client.context.span_id and server.parent.is_remote
    assert server.instrumentation_scope.name == "opentelemetry.instrumentation.wsgi"
    assert client.instrumentation_scope.name == "opentelemetry.instrumentation.urllib3"
    assert len({span.context.trace_id for span in spans}) == 1


@pytest.fixture
def flask_url(provider, serve_wsgi) -> Iterator[str]:
    app = flask.Flask("shop")

    @app.route("/items/<int:item>")
    def item(item: int) -> str:
        if item == 0:
            raise ValueError("no such item")
        return f"item {item}"

    FlaskInstrumentor().instrument_app(app, tracer_provider=provider)
    yield serve_wsgi(app)
    FlaskInstrumentor().uninstrument_app(app)


def test_flask_server_spans_name_the_route_and_record_errors(
    exporter, flask_url, urllib3_instrumented
) -> None:
    pool = urllib3.PoolManager()
    assert pool.request("GET", f"{flask_url}/items/7").data == b"item 7"
    assert pool.request("GET", f"{flask_url}/items/0").status == 500
    servers = [span for span in exporter.get_finished_spans() if span.kind is SpanKind.SERVER]
    assert [span.name for span in servers] == ["GET /items/<int:item>"] * 2
    assert servers[0].status.status_code is StatusCode.UNSET
    assert servers[1].status.status_code is StatusCode.ERROR
    assert any(event.name == "exception" for event in servers[1].events)
    clients = [span for span in exporter.get_finished_spans() if span.kind is SpanKind.CLIENT]
    assert [server.parent.span_id for server in servers] == [c.context.span_id for c in clients]


@pytest.fixture
def grpc_instrumented(provider) -> Iterator[None]:
    GrpcInstrumentorServer().instrument(tracer_provider=provider)
    yield
    GrpcInstrumentorServer().uninstrument()


def test_grpc_client_and_server_are_one_trace(provider, exporter, grpc_instrumented) -> None:
    """The server through its instrumentor; the client through the package's interceptor, since
    ``GrpcInstrumentorClient`` (0.66b1) ignores ``tracer_provider=`` and always uses the global
    provider, which a test process cannot set more than once."""

    def lookup(request: bytes, context) -> bytes:
        if request == b"fail":
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown item")
        return b"price of " + request

    handler = grpc.method_handlers_generic_handler(
        "shop.Prices", {"Lookup": grpc.unary_unary_rpc_method_handler(lookup)}
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    raw = grpc.insecure_channel(f"127.0.0.1:{port}")
    channel = intercept_channel(raw, client_interceptor(tracer_provider=provider))
    try:
        call = channel.unary_unary("/shop.Prices/Lookup")
        with provider.get_tracer("app").start_as_current_span("checkout"):
            assert call(b"apples", timeout=5) == b"price of apples"
            with pytest.raises(grpc.RpcError):
                call(b"fail", timeout=5)
    finally:
        raw.close()
        server.stop(None)
    spans = exporter.get_finished_spans()
    clients = [span for span in spans if span.kind is SpanKind.CLIENT]
    servers = [span for span in spans if span.kind is SpanKind.SERVER]
    assert [span.name for span in clients + servers] == ["/shop.Prices/Lookup"] * 4
    assert sorted(s.parent.span_id for s in servers) == sorted(c.context.span_id for c in clients)
    assert len({span.context.trace_id for span in spans}) == 1
    failed = [span for span in clients if span.status.status_code is StatusCode.ERROR]
    assert len(failed) == 1 and failed[0].attributes["rpc.grpc.status_code"] == 5


@pytest.fixture
def sqlite_instrumented(provider) -> Iterator[None]:
    SQLite3Instrumentor().instrument(tracer_provider=provider)
    yield
    SQLite3Instrumentor().uninstrument()


def test_sqlite3_statements_are_client_spans(provider, exporter, sqlite_instrumented) -> None:
    with provider.get_tracer("app").start_as_current_span("report") as report:
        connection = sqlite3.connect(":memory:")
        cursor = connection.cursor()
        cursor.execute("CREATE TABLE items (name TEXT)")
        cursor.execute("INSERT INTO items VALUES (?)", ("plum",))
        with pytest.raises(sqlite3.OperationalError):
            cursor.execute("SELECT * FROM missing")
        connection.close()
    statements = [span for span in exporter.get_finished_spans() if span.kind is SpanKind.CLIENT]
    assert [span.name for span in statements] == ["CREATE", "INSERT", "SELECT"]
    assert all(span.parent.span_id == report.get_span_context().span_id for span in statements)
    assert statements[0].attributes["db.system"] == "sqlite"
    assert statements[2].status.status_code is StatusCode.ERROR


def test_dbapi_instrument_connection_on_a_plain_connection(provider, exporter) -> None:
    connection = instrument_connection(
        "tests", sqlite3.connect(":memory:"), "sqlite", tracer_provider=provider
    )
    connection.cursor().execute("SELECT 1")
    (span,) = exporter.get_finished_spans()
    assert span.name == "SELECT" and span.kind is SpanKind.CLIENT
    assert span.attributes["db.system"] == "sqlite"
