"""OpenTracing and native OpenTelemetry spans in one trace, across a real loopback HTTP hop."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
import requests
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentracing import Format
from opentracing.ext import tags

from otelbridge.shims.opentracing import TracerShim

W3C = CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])


@pytest.fixture
def shim(provider) -> TracerShim:
    return TracerShim(provider, text_map_propagator=W3C, http_headers_propagator=W3C)


@pytest.fixture
def server(shim) -> Iterator[str]:
    """A loopback HTTP server that continues the caller's trace with an OpenTracing span."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parent = shim.extract(Format.HTTP_HEADERS, self.headers)
            server_tags = {tags.SPAN_KIND: tags.SPAN_KIND_RPC_SERVER, "http.url": self.path}
            with shim.start_active_span("server", child_of=parent, tags=server_tags) as scope:
                body = (scope.span.get_baggage_item("customer") or "-").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_ot_native_ot_http_server_is_one_trace(shim, provider, server, finished) -> None:
    native = provider.get_tracer("shop.native")
    with shim.start_active_span("checkout") as checkout:
        checkout.span.set_baggage_item("customer", "c-42")
        with native.start_as_current_span("price-lookup"):
            client_tags = {tags.SPAN_KIND: tags.SPAN_KIND_RPC_CLIENT}
            with shim.start_active_span("http-client", tags=client_tags) as client:
                headers: dict[str, str] = {}
                shim.inject(client.span.context, Format.HTTP_HEADERS, headers)
                response = requests.get(f"{server}/prices", headers=headers, timeout=5)
    assert response.text == "c-42"  # baggage crossed the wire
    assert finished.parents() == {
        "server": "http-client",
        "http-client": "price-lookup",
        "price-lookup": "checkout",
        "checkout": None,
    }
    assert finished.traces() == [{"checkout", "price-lookup", "http-client", "server"}]
    assert finished.get("server").parent.is_remote
    assert finished.get("server").kind.name == "SERVER"


def test_native_http_instrumentation_inside_opentracing_span(
    shim, provider, server, finished
) -> None:
    """opentelemetry-instrumentation-requests injects; the OpenTracing server extracts."""
    from opentelemetry import propagate
    from opentelemetry.instrumentation.requests import RequestsInstrumentor

    previous = propagate.get_global_textmap()
    propagate.set_global_textmap(W3C)
    RequestsInstrumentor().instrument(tracer_provider=provider)
    try:
        with shim.start_active_span("legacy-handler") as scope:
            scope.span.set_baggage_item("customer", "c-7")
            response = requests.get(f"{server}/stock", timeout=5)
    finally:
        RequestsInstrumentor().uninstrument()
        propagate.set_global_textmap(previous)
    assert response.text == "c-7"
    assert finished.parents() == {"server": "GET", "GET": "legacy-handler", "legacy-handler": None}
    assert len(finished.traces()) == 1
