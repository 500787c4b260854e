"""A mixed fleet: a service still on jaeger-client calls a bridged one and back, one trace."""

from __future__ import annotations

import jaeger_client
import pytest
from jaeger_client.reporter import InMemoryReporter
from jaeger_client.sampler import ConstSampler
from opentracing import Format

from otelbridge.sdk.propagation.jaeger import JaegerPropagator
from otelbridge.shims.opentracing import TracerShim


@pytest.fixture
def reporter() -> InMemoryReporter:
    return InMemoryReporter()


@pytest.fixture
def jaeger_tracer(reporter) -> object:
    """A real jaeger-client tracer that reports into memory (no agent, no network).

    Not closed: closing makes a tornado future, which needs an event loop, and the in-memory
    reporter holds nothing to flush.
    """
    return jaeger_client.Tracer(
        service_name="still-on-jaeger", reporter=reporter, sampler=ConstSampler(True)
    )


@pytest.fixture
def shim(provider) -> TracerShim:
    return TracerShim(provider, http_headers_propagator=JaegerPropagator())


def test_jaeger_client_calls_a_bridged_service(jaeger_tracer, shim, finished) -> None:
    with jaeger_tracer.start_active_span("legacy-client") as scope:
        scope.span.set_baggage_item("tenant", "acme")
        headers: dict = {}
        jaeger_tracer.inject(scope.span.context, Format.HTTP_HEADERS, headers)
        jaeger_context = scope.span.context
    parent = shim.extract(Format.HTTP_HEADERS, headers)
    with shim.start_active_span("bridged-server", child_of=parent) as server:
        assert server.span.get_baggage_item("tenant") == "acme"
    recorded = finished.get("bridged-server")
    assert recorded.context.trace_id == jaeger_context.trace_id
    assert recorded.parent.span_id == jaeger_context.span_id


def test_a_bridged_service_calls_jaeger_client(jaeger_tracer, reporter, shim) -> None:
    with shim.start_active_span("bridged-client") as scope:
        scope.span.set_baggage_item("tenant", "acme")
        headers: dict = {}
        shim.inject(scope.span.context, Format.HTTP_HEADERS, headers)
        ours = scope.span.context.unwrap()
    parent = jaeger_tracer.extract(Format.HTTP_HEADERS, headers)
    with jaeger_tracer.start_active_span("legacy-server", child_of=parent) as server:
        assert server.span.get_baggage_item("tenant") == "acme"
    (reported,) = reporter.get_spans()
    assert reported.trace_id == ours.trace_id
    assert reported.parent_id == ours.span_id
