"""OpenTracing integrations, unchanged, under the bridge, on loopback servers (issue 15, item 9).

Flask-OpenTracing serving, requests-opentracing calling, redis-opentracing against a real
``redis-server``, grpcio-opentracing client and server: each records through
``opentracing.tracer`` (the bridge's shim) into our SDK. opentracing-contrib's sqlalchemy and
tornado integrations are not here: they pin ``opentracing<=1.3`` and ``<2.1``, which cannot be
installed beside jaeger-client (``opentracing>=2.1``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from concurrent import futures
from typing import Iterator

import flask
import grpc
import grpc_opentracing
import opentracing
import pytest
import redis
import redis_opentracing
from flask_opentracing import FlaskTracing
from grpc_opentracing import grpcext
from opentelemetry.trace import SpanKind, StatusCode
from requests_opentracing import SessionTracing

from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@pytest.fixture
def exporter(bridged_memory) -> InMemorySpanExporter:
    return bridged_memory


def _by_name(exporter: InMemorySpanExporter) -> dict:
    return {span.name: span for span in exporter.get_finished_spans()}


@pytest.fixture
def shop(exporter, serve_wsgi) -> str:
    """A Flask app traced by Flask-OpenTracing, with a handler doing OpenTracing work."""
    app = flask.Flask("shop")
    FlaskTracing(app=app)  # the global tracer: the bridge's shim

    @app.route("/checkout/<cart>")
    def checkout(cart: str) -> str:
        tracer = opentracing.global_tracer()
        with tracer.start_active_span("price-cart", tags={"cart.id": cart}) as scope:
            scope.span.log_kv({"event": "priced", "items": 3})
            with tracer.start_active_span("reserve-stock"):
                pass
        if cart == "broken":
            raise RuntimeError("payment service down")
        return f"paid {cart}"

    return serve_wsgi(app)


def test_requests_opentracing_calls_a_flask_opentracing_app(exporter, shop) -> None:
    session = SessionTracing()  # the global tracer
    with opentracing.global_tracer().start_active_span("storefront"):
        assert session.get(f"{shop}/checkout/c-1", timeout=5).text == "paid c-1"
    spans = _by_name(exporter)
    client, server = spans["requests.get"], spans["checkout"]
    assert client.kind is SpanKind.CLIENT  # set with set_tag after start: the late kind
    assert server.kind is SpanKind.SERVER
    assert server.parent.span_id == client.context.span_id and server.parent.is_remote
    assert spans["price-cart"].parent.span_id == server.context.span_id
    assert spans["reserve-stock"].parent.span_id == spans["price-cart"].context.span_id
    assert client.parent.span_id == spans["storefront"].context.span_id
    assert len({span.context.trace_id for span in spans.values()}) == 1
    assert client.attributes["http.status_code"] == 200
    assert server.attributes["http.url"].endswith("/checkout/c-1")
    assert [event.name for event in spans["price-cart"].events] == ["priced"]


def test_a_failing_flask_handler(exporter, shop) -> None:
    """Flask (2 and later) runs ``after_request`` for the 500 it makes of an exception, where
    Flask-OpenTracing closes the span with the status tag, so its ``error`` tag never comes:
    the span says 500, as it would on jaeger-client."""
    assert SessionTracing().get(f"{shop}/checkout/broken", timeout=5).status_code == 500
    spans = _by_name(exporter)
    assert spans["checkout"].attributes["http.status_code"] == 500
    assert spans["checkout"].status.status_code is StatusCode.UNSET
    assert spans["price-cart"].parent.span_id == spans["checkout"].context.span_id


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    """A real redis-server on a free loopback port, stopped by its PID."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run apt-installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port, socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def test_redis_opentracing_commands_and_pipelines(exporter, redis_port) -> None:
    redis_opentracing.init_tracing(tracer=opentracing.global_tracer(), trace_all_classes=False)
    client = redis.Redis(port=redis_port)
    redis_opentracing.trace_client(client)
    with opentracing.global_tracer().start_active_span("cache-warmup"):
        client.set("greeting", "bonjour")
        assert client.get("greeting") == b"bonjour"
        pipe = client.pipeline()
        pipe.incr("hits").incr("hits")
        assert pipe.execute() == [1, 2]
    spans = exporter.get_finished_spans()
    root = next(span for span in spans if span.name == "cache-warmup")
    commands = [span for span in spans if span is not root]
    assert [span.name for span in commands] == ["SET", "GET", "MULTI"]
    assert all(span.parent.span_id == root.context.span_id for span in commands)
    assert commands[0].attributes["db.type"] == "redis"
    assert commands[0].attributes["db.statement"] == "SET greeting bonjour"


def test_grpcio_opentracing_under_the_bridge(exporter) -> None:
    tracer = opentracing.global_tracer()

    def lookup(request: bytes, context) -> bytes:
        with tracer.start_span("db-query", child_of=context.get_active_span()):
            return b"price of " + request

    handler = grpc.method_handlers_generic_handler(
        "shop.Prices", {"Lookup": grpc.unary_unary_rpc_method_handler(lookup)}
    )
    server = grpcext.intercept_server(
        grpc.server(futures.ThreadPoolExecutor(max_workers=2)),
        grpc_opentracing.open_tracing_server_interceptor(tracer),
    )
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    raw = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        channel = grpcext.intercept_channel(
            raw, grpc_opentracing.open_tracing_client_interceptor(tracer)
        )
        with tracer.start_active_span("checkout"):
            assert channel.unary_unary("/shop.Prices/Lookup")(b"plums", timeout=5) == (
                b"price of plums"
            )
    finally:
        raw.close()
        server.stop(None)
    spans = exporter.get_finished_spans()
    kinds = sorted(span.kind.name for span in spans if span.name == "/shop.Prices/Lookup")
    assert kinds == ["CLIENT", "SERVER"]
    assert len({span.context.trace_id for span in spans}) == 1
