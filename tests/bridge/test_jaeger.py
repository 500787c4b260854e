"""jaeger-client's Config path, unchanged, hands out the shim while the bridge is installed."""

from __future__ import annotations

from typing import Iterator

import jaeger_client
import opentracing
import pytest
from opentelemetry import propagate
from opentracing import Format

from otelbridge.bridge import install, uninstall
from otelbridge.sdk.configuration import ConfigurationError
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from otelbridge.shims.opentracing import TracerShim

ORIGINAL_NEW_TRACER = jaeger_client.Config.__dict__["new_tracer"]


@pytest.fixture
def exporter(bridged_memory) -> Iterator[InMemorySpanExporter]:
    yield bridged_memory
    uninstall()
    jaeger_client.Config._initialized = False  # jaeger's own once-per-process flag


def config(sampler: dict, **extra: object) -> object:
    return jaeger_client.Config(
        config={"sampler": sampler, "logging": False, **extra},
        service_name="legacy-orders",
        validate=True,
    )


def test_initialize_tracer_returns_a_global_shim_with_the_service_name(exporter) -> None:
    tracer = config({"type": "const", "param": 1}).initialize_tracer()
    assert isinstance(tracer, TracerShim)
    assert opentracing.global_tracer() is tracer
    with tracer.start_active_span("place-order"):
        pass
    (span,) = exporter.get_finished_spans()
    assert span.resource.attributes["service.name"] == "legacy-orders"
    assert span.name == "place-order"
    # Jaeger's rule stays: only the first initialize_tracer() counts.
    assert config({"type": "const", "param": 1}).initialize_tracer() is None


def test_process_tags_become_resource_attributes(exporter, monkeypatch) -> None:
    monkeypatch.setenv("JAEGER_TAGS", "region=eu-west")
    tracer = config(
        {"type": "const", "param": 1}, tags={"team": "billing", "shard": 3}
    ).new_tracer()
    tracer.start_span("tagged").finish()
    (span,) = exporter.get_finished_spans()
    attributes = span.resource.attributes
    assert attributes["service.name"] == "legacy-orders"
    assert (attributes["team"], attributes["shard"], attributes["region"]) == (
        "billing",
        3,
        "eu-west",
    )


def test_custom_header_names_are_reported(exporter, caplog) -> None:
    config({"type": "const", "param": 1}, trace_id_header="my-trace").new_tracer()
    assert "custom jaeger headers (my-trace, uberctx-*)" in caplog.text


def test_const_zero_sampler_drops(exporter) -> None:
    tracer = config({"type": "const", "param": 0}).new_tracer()
    tracer.start_span("dropped").finish()
    assert exporter.get_finished_spans() == ()
    assert opentracing.global_tracer() is not tracer  # new_tracer does not go global


def test_probabilistic_sampler_is_carried_over(exporter) -> None:
    never = config({"type": "probabilistic", "param": 0.0}).new_tracer()
    always = config({"type": "probabilistic", "param": 1.0}).new_tracer()
    for _ in range(20):
        never.start_span("never").finish()
        always.start_span("always").finish()
    assert {span.name for span in exporter.get_finished_spans()} == {"always"}


@pytest.mark.parametrize("kind", ["probabilistic", "ratelimiting"])
def test_sampler_without_a_number_is_a_one_line_error(exporter, kind) -> None:
    expected = f"jaeger sampler '{kind}' needs a numeric 'param', got None"
    with pytest.raises(ConfigurationError, match=expected):
        config({"type": kind}).new_tracer()


def test_jaeger_headers_are_spoken(exporter) -> None:
    tracer = config({"type": "const", "param": 1}).new_tracer()
    span = tracer.start_span("client").set_baggage_item("user", "u1")
    headers: dict = {}
    tracer.inject(span.context, Format.HTTP_HEADERS, headers)
    assert "uber-trace-id" in headers
    assert headers.get("uberctx-user") == "u1"
    extracted = tracer.extract(Format.HTTP_HEADERS, headers)
    assert extracted.unwrap().trace_id == span.context.unwrap().trace_id


def test_b3_propagation_setting(exporter) -> None:
    tracer = config({"type": "const", "param": 1}, propagation="b3").new_tracer()
    headers: dict = {}
    tracer.inject(tracer.start_span("client").context, Format.HTTP_HEADERS, headers)
    assert {key.lower() for key in headers} >= {"x-b3-traceid", "x-b3-spanid", "traceparent"}
    assert "uber-trace-id" not in headers


def test_with_nothing_chosen_w3c_and_the_legacy_format_are_spoken(exporter) -> None:
    """Native instrumentation (the global propagator) speaks the legacy format too."""
    tracer = config({"type": "const", "param": 1}).new_tracer()
    span = tracer.start_span("client").set_baggage_item("user", "u1")
    for inject in (
        lambda carrier: tracer.inject(span.context, Format.HTTP_HEADERS, carrier),
        lambda carrier: propagate.inject(carrier, context=_context_of(span)),
    ):
        headers: dict = {}
        inject(headers)
        assert {"traceparent", "baggage", "uber-trace-id", "uberctx-user"} <= set(headers)
    for header in ("traceparent", "uber-trace-id"):
        only = {header: headers[header]}
        assert tracer.extract(Format.HTTP_HEADERS, only).unwrap().span_id == (
            span.context.unwrap().span_id
        )


def _context_of(span):
    from opentelemetry import baggage, trace

    context = trace.set_span_in_context(span.unwrap())
    return baggage.set_baggage("user", "u1", context)


def test_otel_propagators_decides_for_config_tracers(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_PROPAGATORS", "tracecontext,baggage")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    install()
    try:
        tracer = config({"type": "const", "param": 1}).new_tracer()
        headers: dict = {}
        tracer.inject(tracer.start_span("client").context, Format.HTTP_HEADERS, headers)
        assert set(headers) == {"traceparent"}
    finally:
        uninstall()


def test_uninstall_restores_jaeger(exporter) -> None:
    assert jaeger_client.Config.__dict__["new_tracer"] is not ORIGINAL_NEW_TRACER
    uninstall()
    assert jaeger_client.Config.__dict__["new_tracer"] is ORIGINAL_NEW_TRACER


def test_ratelimiting_sampler_is_carried_over(exporter) -> None:
    tracer = config({"type": "ratelimiting", "param": 2}).new_tracer()
    for _ in range(30):
        tracer.start_span("burst").finish()
    assert 2 <= len(exporter.get_finished_spans()) <= 3  # the bucket, plus a refill at most
