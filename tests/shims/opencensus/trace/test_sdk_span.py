"""SdkSpanShim: on our SDK the OpenCensus span is the recording span itself, and both APIs work
on it."""

from __future__ import annotations

import logging

import pytest
from opencensus.trace import link as oc_link
from opencensus.trace import span as oc_span
from opencensus.trace import status as oc_status
from opencensus.trace.samplers import AlwaysOffSampler, AlwaysOnSampler
from opentelemetry import trace
from opentelemetry.trace import SpanContext, SpanKind, StatusCode
from opentelemetry.trace.status import Status

from otelbridge.shims.opencensus import Tracer
from otelbridge.shims.opencensus.trace import LINK_TYPE_ATTRIBUTE, SdkSpanShim, SpanShim


def tracer(provider, sampler=None):
    return Tracer(sampler=sampler or AlwaysOnSampler(), tracer_provider=provider)


def test_the_exported_span_is_the_opencensus_span(provider, exporter) -> None:
    with tracer(provider).span("one") as span:
        assert type(span) is SdkSpanShim
        assert span.unwrap() is span
        assert trace.get_current_span() is span
        span.add_attribute("k", "v")
    (done,) = exporter.get_finished_spans()
    assert done is span
    assert done.attributes == {"k": "v"}
    assert not span.is_recording()


def test_opentelemetry_calls_on_the_current_opencensus_span(provider, exporter) -> None:
    linked = SpanContext(0x1F, 0x2F, is_remote=True)
    with tracer(provider).span("both"):
        current = trace.get_current_span()
        current.set_attribute("otel", 1)
        current.add_link(linked, {"why": "batch"})
        current.set_status(Status(StatusCode.ERROR, "from otel"))
        current.set_status(StatusCode.OK)  # OpenTelemetry's rule: OK replaces ERROR
    (done,) = exporter.get_finished_spans()
    assert done.attributes == {"otel": 1}
    (link,) = done.links
    assert link.context.span_id == 0x2F and dict(link.attributes) == {"why": "batch"}
    assert done.status.status_code is StatusCode.OK


def test_opencensus_writes_read_back_and_last_status_wins(provider, exporter) -> None:
    with tracer(provider).span("s") as span:
        span.span_kind = oc_span.SpanKind.CLIENT
        assert span.span_kind == oc_span.SpanKind.CLIENT
        span.status = oc_status.Status(2, "first")
        span.set_status(oc_status.Status.as_ok())
        assert span.status.status_code is StatusCode.OK  # the OpenTelemetry reading wins
        span.status = oc_status.Status(13, "last")
        span.add_link(oc_link.Link("0" * 31 + "1", "0" * 15 + "2"))
        span.name = "renamed"
        assert span.name == "renamed"
    (done,) = exporter.get_finished_spans()
    assert done.kind is SpanKind.CLIENT
    assert (done.status.status_code, done.status.description) == (StatusCode.ERROR, "last")
    assert done.links[0].attributes[LINK_TYPE_ATTRIBUTE] == "TYPE_UNSPECIFIED"


def test_wrong_types_raise_opencensus_errors(provider) -> None:
    with tracer(provider).span("s") as span:
        with pytest.raises(TypeError, match="requires Status"):
            span.set_status("ERROR")
        with pytest.raises(TypeError, match="requires Link"):
            span.add_link(("trace", "span"))


def test_a_bad_span_kind_is_reported_not_raised(provider, exporter) -> None:
    with tracer(provider).span("s") as span:
        span.span_kind = ["not", "hashable"]
    assert exporter.get_finished_spans()[0].kind is SpanKind.INTERNAL


def test_unsampled_spans_are_wrapped(provider, exporter) -> None:
    t = tracer(provider, AlwaysOffSampler())
    with t.span("dropped") as span:
        assert type(span) is SpanShim
        assert not span.unwrap().is_recording()
        assert t.span_context.span_id == span.span_id
    assert exporter.get_finished_spans() == ()


def test_exit_out_of_order_still_ends_the_current_span(provider, exporter) -> None:
    t = tracer(provider)
    outer = t.span("outer").__enter__()
    inner = t.span("inner").__enter__()
    outer.__exit__(None, None, None)  # not the current span: end_span() ends the current one
    assert [s.name for s in exporter.get_finished_spans()] == ["inner"]
    assert t.current_span() is outer
    inner.__exit__(None, None, None)  # ended already: the current one again
    assert [s.name for s in exporter.get_finished_spans()] == ["inner", "outer"]
    assert t.current_span() is None
    assert trace.get_current_span() is trace.INVALID_SPAN


def test_ending_through_with_keeps_the_sdks_end_rules(exporter, caplog) -> None:
    from otelbridge.sdk.trace import SpanProcessor, TracerProvider
    from otelbridge.sdk.trace.export import SimpleSpanProcessor

    class Failing(SpanProcessor):
        def on_end(self, span):
            raise RuntimeError("processor bug")

    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(Failing())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with caplog.at_level(logging.WARNING):
        with tracer(provider).span("s") as span:
            pass
        span.end()  # a second end only warns, as on any SDK span
    assert [s.name for s in exporter.get_finished_spans()] == ["s"]
    assert "Span processor failed in on_end" in caplog.text
    assert "ended span" in caplog.text


def test_a_span_started_below_the_shim_still_ends_with_with(provider, exporter) -> None:
    otel_tracer = tracer(provider).tracer.otel_tracer
    with otel_tracer.start_span("direct") as span:
        assert type(span) is SdkSpanShim
    assert [s.name for s in exporter.get_finished_spans()] == ["direct"]
