"""OT trace: the basictracer headers, their sampled spellings, the contrib package both ways."""

from __future__ import annotations

from typing import Callable

import pytest
from opentelemetry import baggage
from opentelemetry.context import Context
from opentelemetry.propagators.ot_trace import OTTracePropagator as ContribOT
from opentelemetry.trace import SpanContext

from otelbridge.sdk.propagation import OTTracePropagator

OURS = OTTracePropagator()
TRACE_ID = 0x64FE8B2A57D3EFF7
SPAN_ID = 0xE457B5A2E4D86BD1
Span = Callable[[Context], SpanContext]
Make = Callable[..., Context]
BASE = {"ot-tracer-traceid": "64fe8b2a57d3eff7", "ot-tracer-spanid": "e457b5a2e4d86bd1"}


@pytest.mark.parametrize(
    ("sampled", "flags"), [("true", 1), ("false", 0), ("1", 1), ("0", 0), ("True", 1), (None, 0)]
)
def test_sampled_spellings(sampled: str, flags: int, span_of: Span) -> None:
    carrier = dict(BASE) if sampled is None else {**BASE, "ot-tracer-sampled": sampled}
    got = span_of(OURS.extract(carrier))
    assert (got.trace_id, got.span_id, got.trace_flags) == (TRACE_ID, SPAN_ID, flags)


def test_128_bit_trace_id_read_and_baggage(span_of: Span) -> None:
    carrier = {
        **BASE,
        "ot-tracer-traceid": "80f198ee56343ba864fe8b2a57d3eff7",
        "OT-Baggage-User": "alice",
    }
    context = OURS.extract(carrier)
    assert span_of(context).trace_id == 0x80F198EE56343BA864FE8B2A57D3EFF7
    assert baggage.get_all(context) == {"user": "alice"}


@pytest.mark.parametrize(
    "carrier",
    [
        {**BASE, "ot-tracer-sampled": "maybe"},
        {**BASE, "ot-tracer-traceid": "64fe8b2a57d3eff"},
        {**BASE, "ot-tracer-spanid": "0" * 16},
        {**BASE, "ot-tracer-traceid": "0" * 16},
        {"ot-tracer-traceid": "64fe8b2a57d3eff7"},
        {**BASE, "ot-baggage-": "v"},
        {**BASE, **{f"ot-baggage-k{i}": "v" for i in range(181)}},
    ],
)
def test_malformed_gives_the_context_back(carrier: dict[str, str]) -> None:
    base = Context()
    assert OURS.extract(carrier, base) is base


def test_inject_writes_64_bit_ids_and_safe_baggage(make_context: Make) -> None:
    context = make_context(0x80F198EE56343BA864FE8B2A57D3EFF7, SPAN_ID, 1)
    context = baggage.set_baggage("user", "alice", context)
    context = baggage.set_baggage("evil", "a\r\nx-injected: 1", context)
    carrier: dict[str, str] = {}
    OURS.inject(carrier, context)
    assert carrier == {
        "ot-tracer-traceid": "64fe8b2a57d3eff7",
        "ot-tracer-spanid": "e457b5a2e4d86bd1",
        "ot-tracer-sampled": "true",
        "ot-baggage-user": "alice",
    }


@pytest.mark.parametrize("sampled", [0, 1])
def test_round_trip_and_contrib_interop(sampled: int, make_context: Make, span_of: Span) -> None:
    context = baggage.set_baggage("k", "v", make_context(TRACE_ID, SPAN_ID, sampled))
    theirs = ContribOT()
    for writer, reader in ((OURS, OURS), (OURS, theirs), (theirs, OURS)):
        carrier: dict[str, str] = {}
        writer.inject(carrier, context)
        got = reader.extract(carrier)
        span = span_of(got)
        assert (span.trace_id, span.span_id, span.trace_flags) == (TRACE_ID, SPAN_ID, sampled)
        assert baggage.get_all(got) == {"k": "v"}
