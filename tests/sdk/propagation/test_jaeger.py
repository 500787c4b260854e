"""Jaeger: vectors from Jaeger's client propagation docs, jaeger-client and the contrib package."""

from __future__ import annotations

from typing import Callable

import pytest
from jaeger_client import SpanContext as JaegerSpanContext
from jaeger_client.codecs import TextCodec
from opentelemetry import baggage
from opentelemetry.context import Context
from opentelemetry.propagators.jaeger import JaegerPropagator as ContribJaeger
from opentelemetry.trace import SpanContext

from otelbridge.sdk.propagation import JaegerPropagator

OURS = JaegerPropagator()
TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
SPAN_ID = 0x00F067AA0BA902B7
Span = Callable[[Context], SpanContext]
Make = Callable[..., Context]


@pytest.mark.parametrize(
    ("header", "ids", "sampled"),
    [
        ("4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1", (TRACE_ID, SPAN_ID), 1),
        ("4bf92f3577b34da6a3ce929d0e0e4736%3A00f067aa0ba902b7%3A0%3A1", (TRACE_ID, SPAN_ID), 1),
        ("abc:def:123:0", (0xABC, 0xDEF), 0),  # leading zeros dropped, 64-bit trace id
        ("abc:def:0:2", (0xABC, 0xDEF), 1),  # debug implies sampled
        ("abc:def:0:3", (0xABC, 0xDEF), 1),
        ("ABC:DEF:0:1", (0xABC, 0xDEF), 1),
        ("abc:def:0:4", (0xABC, 0xDEF), 0),  # firehose only
        ("abc:def:0:0d", (0xABC, 0xDEF), 1),  # firehose + sampled
        ("abc:def:0:ff", (0xABC, 0xDEF), 1),
        ("abc:def:0:f0", (0xABC, 0xDEF), 0),  # unknown high bits only
    ],
)
def test_header_forms(header: str, ids: tuple[int, int], sampled: int, span_of: Span) -> None:
    got = span_of(OURS.extract({"uber-trace-id": header}))
    assert ((got.trace_id, got.span_id), got.trace_flags) == (ids, sampled)


@pytest.mark.parametrize(
    "header",
    [
        "0:def:0:1",
        "abc:0:0:1",
        "abc:def:0",
        "abc:def:0:1:2",
        "abc:def:0:100",
        "x" + "a" * 32 + ":def:0:1",
        "a" * 33 + ":def:0:1",
        "abc::0:1",
        "%zz",
    ],
)
def test_malformed_header_refuses_carrier(header: str) -> None:
    base = Context()
    assert OURS.extract({"uber-trace-id": header, "uberctx-k": "v"}, base) is base


def test_baggage_is_url_decoded_and_keys_lowered(span_of: Span) -> None:
    carrier = {"uber-trace-id": "abc:def:0:1", "UberCtx-User": "J%C3%B6rg%20M", "uberctx-n": "1"}
    context = OURS.extract(carrier)
    assert span_of(context).trace_id == 0xABC
    assert baggage.get_all(context) == {"user": "Jörg M", "n": "1"}
    only_baggage = OURS.extract({"uberctx-n": "1"})
    assert baggage.get_all(only_baggage) == {"n": "1"} and not span_of(only_baggage).is_valid


def test_baggage_bombs_are_refused() -> None:
    base = Context()
    many = {f"uberctx-k{i}": "v" for i in range(181)}
    assert OURS.extract({"uber-trace-id": "abc:def:0:1", **many}, base) is base
    big = {"uberctx-k": "v" * 5000}
    assert OURS.extract({"uber-trace-id": "abc:def:0:1", **big}, base) is base
    total = {f"uberctx-k{i}": "v" * 3000 for i in range(3)}
    assert OURS.extract({"uber-trace-id": "abc:def:0:1", **total}, base) is base


def test_round_trip_with_baggage(make_context: Make, span_of: Span) -> None:
    context = baggage.set_baggage("user", "Jörg M", make_context(TRACE_ID, SPAN_ID, 1))
    carrier: dict[str, str] = {}
    OURS.inject(carrier, context)
    assert carrier == {
        "uber-trace-id": "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1",
        "uberctx-user": "J%C3%B6rg%20M",
    }
    back = OURS.extract(carrier)
    assert (span_of(back).trace_id, span_of(back).span_id) == (TRACE_ID, SPAN_ID)
    assert baggage.get_all(back) == {"user": "Jörg M"}


@pytest.mark.parametrize("sampled", [0, 1])
def test_contrib_interop(sampled: int, make_context: Make, span_of: Span) -> None:
    context = baggage.set_baggage("k", "v 1", make_context(TRACE_ID, SPAN_ID, sampled))
    theirs = ContribJaeger()
    for writer, reader in ((OURS, theirs), (theirs, OURS)):
        carrier: dict[str, str] = {}
        writer.inject(carrier, context)
        got = reader.extract(carrier)
        span = span_of(got)
        assert (span.trace_id, span.span_id, span.trace_flags) == (TRACE_ID, SPAN_ID, sampled)
        assert baggage.get_all(got) == {"k": "v 1"}


def test_jaeger_client_injects_we_extract(span_of: Span) -> None:
    codec = TextCodec(url_encoding=True)
    sent = JaegerSpanContext(trace_id=TRACE_ID, span_id=0xDEF, parent_id=0x12, flags=1)
    sent = sent.with_baggage_item("user", "Jörg M")
    carrier: dict[str, str] = {}
    codec.inject(sent, carrier)
    context = OURS.extract(carrier)
    span = span_of(context)
    assert (span.trace_id, span.span_id, span.trace_flags) == (TRACE_ID, 0xDEF, 1)
    assert baggage.get_all(context) == {"user": "Jörg M"}


def test_we_inject_jaeger_client_extracts(make_context: Make) -> None:
    carrier: dict[str, str] = {}
    OURS.inject(carrier, baggage.set_baggage("user", "Jörg M", make_context(TRACE_ID, 0xDEF, 1)))
    got = TextCodec(url_encoding=True).extract(carrier)
    assert (got.trace_id, got.span_id, got.flags & 1) == (TRACE_ID, 0xDEF, 1)
    assert got.baggage == {"user": "Jörg M"}
