"""inject/extract: TEXT_MAP and HTTP_HEADERS through propagators, BINARY, and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry import trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.propagators.textmap import TextMapPropagator
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentracing import (
    Format,
    InvalidCarrierException,
    SpanContextCorruptedException,
    UnsupportedFormatException,
)
from opentracing.mocktracer import MockTracer

from otelbridge.shims.opentracing import SpanContextShim, TracerShim

W3C = CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])


class HeaderPerField(TextMapPropagator):
    """A test propagator with its own header names, to tell which one a format used."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def inject(self, carrier, context=None, setter=None) -> None:
        span_context = trace.get_current_span(context).get_span_context()
        carrier[f"{self.prefix}-trace"] = f"{span_context.trace_id:032x}"
        carrier[f"{self.prefix}-span"] = f"{span_context.span_id:016x}"

    def extract(self, carrier, context=None, getter=None):
        (trace_id,) = getter.get(carrier, f"{self.prefix}-trace")
        (span_id,) = getter.get(carrier, f"{self.prefix}-span")
        remote = SpanContext(int(trace_id, 16), int(span_id, 16), True, TraceFlags(1))
        return trace.set_span_in_context(NonRecordingSpan(remote), context)

    @property
    def fields(self):
        return {f"{self.prefix}-trace", f"{self.prefix}-span"}


class DebugId(TextMapPropagator):
    """Like Jaeger's ``jaeger-debug-id``: a forced-sampled request that carries no trace yet."""

    def inject(self, carrier, context=None, setter=None) -> None:
        pass

    def extract(self, carrier, context=None, getter=None):
        if getter.get(carrier, "jaeger-debug-id"):
            forced = SpanContext(0, 0, True, TraceFlags(TraceFlags.SAMPLED))
            return trace.set_span_in_context(NonRecordingSpan(forced), context)
        return context

    @property
    def fields(self):
        return {"jaeger-debug-id"}


@pytest.fixture
def w3c_tracer(provider) -> TracerShim:
    return TracerShim(provider, text_map_propagator=W3C, http_headers_propagator=W3C)


@pytest.mark.parametrize("fmt", [Format.TEXT_MAP, Format.HTTP_HEADERS, Format.BINARY])
def test_round_trip_keeps_ids_and_baggage(w3c_tracer, fmt) -> None:
    span = w3c_tracer.start_span("s").set_baggage_item("user", "alice smith")
    carrier = bytearray() if fmt == Format.BINARY else {}
    w3c_tracer.inject(span.context, fmt, carrier)
    extracted = w3c_tracer.extract(fmt, carrier)
    assert isinstance(extracted, SpanContextShim)
    remote, local = extracted.unwrap(), span.unwrap().get_span_context()
    assert (remote.trace_id, remote.span_id, remote.trace_flags) == (
        local.trace_id,
        local.span_id,
        local.trace_flags,
    )
    assert remote.is_remote
    assert dict(extracted.baggage) == {"user": "alice smith"}


def test_extracted_context_parents_a_server_span(w3c_tracer, exporter) -> None:
    client = w3c_tracer.start_span("client")
    headers: dict[str, str] = {}
    w3c_tracer.inject(client, Format.HTTP_HEADERS, headers)  # a span is accepted too
    server = w3c_tracer.start_span(
        "server", child_of=w3c_tracer.extract(Format.HTTP_HEADERS, headers)
    )
    server.finish()
    client.finish()
    spans = {span.name: span for span in exporter.get_finished_spans()}
    assert spans["server"].parent.span_id == spans["client"].context.span_id
    assert spans["server"].parent.is_remote


def test_formats_use_their_own_propagators(provider) -> None:
    tracer = TracerShim(
        provider,
        text_map_propagator=HeaderPerField("text"),
        http_headers_propagator=HeaderPerField("http"),
    )
    span = tracer.start_span("s")
    text_map: dict[str, str] = {}
    headers: dict[str, str] = {}
    tracer.inject(span.context, Format.TEXT_MAP, text_map)
    tracer.inject(span.context, Format.HTTP_HEADERS, headers)
    assert set(text_map) == {"text-trace", "text-span"}
    assert set(headers) == {"http-trace", "http-span"}
    assert (
        tracer.extract(Format.HTTP_HEADERS, headers).unwrap().span_id
        == span.context.unwrap().span_id
    )


def test_global_propagator_is_used_when_none_is_configured(tracer) -> None:
    from opentelemetry import propagate

    previous = propagate.get_global_textmap()
    propagate.set_global_textmap(HeaderPerField("global"))
    try:
        carrier: dict[str, str] = {}
        tracer.inject(tracer.start_span("s").context, Format.TEXT_MAP, carrier)
    finally:
        propagate.set_global_textmap(previous)
    assert set(carrier) == {"global-trace", "global-span"}


def test_http_header_names_are_case_insensitive(w3c_tracer) -> None:
    span = w3c_tracer.start_span("s")
    headers: dict[str, str] = {}
    w3c_tracer.inject(span.context, Format.HTTP_HEADERS, headers)
    shouted = {name.title(): [value] for name, value in headers.items()}  # e.g. "Traceparent"
    extracted = w3c_tracer.extract(Format.HTTP_HEADERS, shouted)
    assert extracted.unwrap().span_id == span.context.unwrap().span_id


def test_baggage_is_injected_without_a_valid_span_context(w3c_tracer) -> None:
    foreign = MockTracer().start_span("x").set_baggage_item("k", "v")
    carrier: dict[str, str] = {}
    w3c_tracer.inject(foreign.context, Format.TEXT_MAP, carrier)
    assert carrier == {"baggage": "k=v"}
    extracted = w3c_tracer.extract(Format.TEXT_MAP, carrier)
    assert dict(extracted.baggage) == {"k": "v"}
    assert not extracted.unwrap().is_valid
    binary = bytearray()
    w3c_tracer.inject(foreign.context, Format.BINARY, binary)
    assert dict(w3c_tracer.extract(Format.BINARY, binary).baggage) == {"k": "v"}


def test_extract_returns_none_when_there_is_nothing(w3c_tracer) -> None:
    assert w3c_tracer.extract(Format.TEXT_MAP, {}) is None
    assert w3c_tracer.extract(Format.HTTP_HEADERS, {"content-type": "text/plain"}) is None
    assert w3c_tracer.extract(Format.BINARY, bytearray()) is None


def test_debug_id_without_trace_is_extracted(provider) -> None:
    tracer = TracerShim(provider, http_headers_propagator=DebugId())
    extracted = tracer.extract(Format.HTTP_HEADERS, {"jaeger-debug-id": "abc"})
    assert extracted is not None and extracted.unwrap().trace_flags.sampled


def test_unknown_format_raises(tracer) -> None:
    with pytest.raises(UnsupportedFormatException):
        tracer.inject(tracer.start_span("s").context, "carrier pigeon", {})
    with pytest.raises(UnsupportedFormatException):
        tracer.extract("carrier pigeon", {})
    with pytest.raises(UnsupportedFormatException):
        tracer.extract(["unhashable"], {})


def test_wrong_carrier_types_raise_invalid_carrier(tracer) -> None:
    context = tracer.start_span("s").context
    with pytest.raises(InvalidCarrierException):
        tracer.inject(context, Format.BINARY, b"immutable")
    with pytest.raises(InvalidCarrierException):
        tracer.inject(context, Format.TEXT_MAP, "not a dict")
    with pytest.raises(InvalidCarrierException):
        tracer.extract(Format.BINARY, {"a": "dict"})
    with pytest.raises(InvalidCarrierException):
        tracer.extract(Format.HTTP_HEADERS, None)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=80))
def test_garbage_binary_is_none_or_corrupted(data: bytes) -> None:
    tracer = TracerShim(trace.NoOpTracerProvider())
    try:
        result = tracer.extract(Format.BINARY, bytearray(data))
    except SpanContextCorruptedException:
        return
    assert result is None or isinstance(result, SpanContextShim)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["traceparent", "tracestate", "baggage", "Traceparent", "x"]) | st.text(),
        st.text() | st.integers() | st.lists(st.text()) | st.none() | st.binary(),
    ),
    st.sampled_from([Format.TEXT_MAP, Format.HTTP_HEADERS]),
)
def test_garbage_text_carriers_are_none_or_corrupted(carrier, fmt) -> None:
    tracer = TracerShim(
        trace.NoOpTracerProvider(), text_map_propagator=W3C, http_headers_propagator=W3C
    )
    try:
        result = tracer.extract(fmt, carrier)
    except SpanContextCorruptedException:
        return
    assert result is None or isinstance(result, SpanContextShim)


def test_corrupted_binary_examples(tracer) -> None:
    span = tracer.start_span("s")
    good = bytearray()
    tracer.inject(span.context, Format.BINARY, good)
    for bad in (good[:2], b"\x07" + good[1:], good[:10], bytes(good) + b"\xff\xfe"):
        with pytest.raises(SpanContextCorruptedException):
            tracer.extract(Format.BINARY, bytearray(bad))
