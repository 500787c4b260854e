"""A Flask handler extracting from ``request.headers`` gets the caller's baggage (issue 15, item 1).

The caller is a real jaeger-client tracer; the server is a real Flask app on a loopback port.
"""

from __future__ import annotations

import flask
import jaeger_client
import pytest
import requests
from jaeger_client.reporter import InMemoryReporter
from jaeger_client.sampler import ConstSampler
from opentracing import Format

from otelbridge.sdk.propagation.jaeger import JaegerPropagator
from otelbridge.sdk.propagation.ottrace import OTTracePropagator
from otelbridge.shims.opentracing import TracerShim

GREETINGS = {"fr": "Bonjour", "en": "Hello"}


@pytest.fixture
def shim(provider) -> TracerShim:
    return TracerShim(provider, http_headers_propagator=JaegerPropagator())


@pytest.fixture
def greeter(shim, serve_wsgi) -> str:
    """Greets in the language the caller's baggage names, read from each carrier shape."""
    app = flask.Flask("greeter")

    @app.route("/<source>")
    def greet(source: str) -> str:
        carrier = flask.request.headers if source == "headers" else flask.request.environ
        parent = shim.extract(Format.HTTP_HEADERS, carrier)
        with shim.start_active_span("greet", child_of=parent) as scope:
            return GREETINGS[scope.span.get_baggage_item("lang") or "en"]

    return serve_wsgi(app)


@pytest.mark.parametrize("source", ["headers", "environ"])
def test_baggage_from_jaeger_client_reaches_a_flask_handler(greeter, finished, source) -> None:
    caller = jaeger_client.Tracer(
        service_name="caller", reporter=InMemoryReporter(), sampler=ConstSampler(True)
    )
    with caller.start_active_span("call") as scope:
        scope.span.set_baggage_item("lang", "fr")
        headers: dict = {}
        caller.inject(scope.span.context, Format.HTTP_HEADERS, headers)
        trace_id = scope.span.context.trace_id
    response = requests.get(f"{greeter}/{source}", headers=headers, timeout=5)
    assert response.text == "Bonjour"
    assert finished.get("greet").context.trace_id == trace_id


def test_inject_into_grpc_metadata_and_a_message(provider) -> None:
    """A list of pairs (gRPC metadata being built) and an HTTPMessage get one header each."""
    import http.client

    shim = TracerShim(provider, http_headers_propagator=OTTracePropagator())
    with shim.start_active_span("rpc") as scope:
        scope.span.set_baggage_item("lang", "fr")
        metadata: list = [("ot-tracer-traceid", "stale")]
        shim.inject(scope.span.context, Format.HTTP_HEADERS, metadata)
        message = http.client.HTTPMessage()
        message["OT-Tracer-TraceId"] = "stale"
        shim.inject(scope.span.context, Format.HTTP_HEADERS, message)
    for carrier in (metadata, tuple(metadata), message):
        extracted = shim.extract(Format.HTTP_HEADERS, carrier)
        assert extracted.unwrap().span_id == scope.span.context.unwrap().span_id
        assert extracted.baggage == {"lang": "fr"}
    assert [key for key, _ in metadata].count("ot-tracer-traceid") == 1
    assert len(message.get_all("ot-tracer-traceid")) == 1
