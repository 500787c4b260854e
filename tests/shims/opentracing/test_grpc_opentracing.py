"""grpcio-opentracing's interceptors, unchanged, on a loopback gRPC service through the shim."""

from __future__ import annotations

from concurrent import futures
from typing import Iterator

import grpc
import grpc_opentracing
import grpc_opentracing.grpcext as grpcext
import pytest
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from otelbridge.shims.opentracing import TracerShim

W3C = CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])
METHOD = "/shop.Prices/Lookup"


@pytest.fixture
def shim(provider) -> TracerShim:
    return TracerShim(provider, http_headers_propagator=W3C)


@pytest.fixture
def channel(shim) -> Iterator[object]:
    def lookup(request: bytes, context) -> bytes:
        # The interceptor hands the server span to the handler through its context.
        parent = context.get_active_span()
        with shim.start_span("db-query", child_of=parent) as span:
            span.set_tag("db.statement", "SELECT price")
        return b"price of " + request + b" for " + (parent.get_baggage_item("user") or "-").encode()

    handler = grpc.method_handlers_generic_handler(
        "shop.Prices", {"Lookup": grpc.unary_unary_rpc_method_handler(lookup)}
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server = grpcext.intercept_server(
        server, grpc_opentracing.open_tracing_server_interceptor(shim)
    )
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    raw = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield grpcext.intercept_channel(raw, grpc_opentracing.open_tracing_client_interceptor(shim))
    finally:
        raw.close()
        server.stop(None)


def test_client_and_server_interceptors_make_one_trace(shim, channel, finished) -> None:
    lookup = channel.unary_unary(METHOD)
    with shim.start_active_span("checkout") as scope:
        scope.span.set_baggage_item("user", "u1")
        assert lookup(b"apples", timeout=5) == b"price of apples for u1"
    spans = finished.spans()
    assert len({span.context.trace_id for span in spans}) == 1
    # Client and server spans are both named by the method; the interceptors' span.kind tags
    # became OpenTelemetry span kinds.
    assert sorted(span.kind.name for span in spans if span.name == METHOD) == ["CLIENT", "SERVER"]
    client = next(s for s in spans if s.name == METHOD and s.kind.name == "CLIENT")
    server = next(s for s in spans if s.name == METHOD and s.kind.name == "SERVER")
    query = next(s for s in spans if s.name == "db-query")
    checkout = next(s for s in spans if s.name == "checkout")
    assert client.parent.span_id == checkout.context.span_id
    assert server.parent.span_id == client.context.span_id and server.parent.is_remote
    assert query.parent.span_id == server.context.span_id
