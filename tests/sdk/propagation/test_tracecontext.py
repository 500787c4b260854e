"""W3C Trace Context: vectors written from the W3C recommendation's text and examples."""

from __future__ import annotations

from typing import Callable

import pytest
from opentelemetry.context import Context
from opentelemetry.trace import SpanContext, TraceState
from opentelemetry.trace.propagation.tracecontext import (
    TraceContextTextMapPropagator as ApiTraceContext,
)

from otelbridge.sdk.propagation import TraceContextTextMapPropagator
from otelbridge.sdk.propagation.tracecontext import parse_tracestate, tracestate_header

OURS = TraceContextTextMapPropagator()
TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
SPAN_ID = 0x00F067AA0BA902B7
PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
Span = Callable[[Context], SpanContext]


def test_spec_example(span_of: Span) -> None:
    carrier = {"traceparent": PARENT, "tracestate": "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}
    got = span_of(OURS.extract(carrier))
    assert (got.trace_id, got.span_id, got.trace_flags, got.is_remote) == (
        TRACE_ID,
        SPAN_ID,
        1,
        True,
    )
    assert list(got.trace_state.items()) == [
        ("rojo", "00f067aa0ba902b7"),
        ("congo", "t61rcWkgMzE"),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # version 255 is invalid
        PARENT + "-extra",  # version 00 has exactly four fields
        PARENT.upper(),  # hex is lower case
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # all-zero parent id
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  # short trace id
        "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.future",  # no '-' after flags
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
        "",
    ],
)
def test_invalid_traceparent_gives_the_context_back(header: str) -> None:
    base = Context()
    assert OURS.extract({"traceparent": header}, base) is base


def test_future_version_parsed_leniently(span_of: Span) -> None:
    header = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-what-the-future-holds"
    got = span_of(OURS.extract({"traceparent": header}))
    assert (got.trace_id, got.span_id) == (TRACE_ID, SPAN_ID)
    assert got.trace_flags == 0x01  # unknown flag bit 0x08 cleared


def test_optional_whitespace_around_value(span_of: Span) -> None:
    assert span_of(OURS.extract({"traceparent": f" \t{PARENT} "})).trace_id == TRACE_ID


def test_repeated_traceparent_with_different_values_is_ignored(span_of: Span) -> None:
    other = PARENT.replace("00f067aa0ba902b7", "00f067aa0ba902b8")
    assert not span_of(OURS.extract({"traceparent": [PARENT, other]})).is_valid
    assert span_of(OURS.extract({"traceparent": [PARENT, PARENT]})).is_valid
    # the API takes the first one
    api_got = span_of(ApiTraceContext().extract({"traceparent": [PARENT, other]}))
    assert api_got.is_valid


@pytest.mark.parametrize(
    "state",
    [
        "Rojo=1",  # upper-case key
        "rojo=a\tb",  # tab is not a value character
        "rojo=a=b",  # '=' not allowed in values
        "rojo",  # no value
        "@rojo=1",  # keys start with a letter or digit
        "z" * 257 + "=1",  # keys have at most 256 characters
        "fw529a3039@DT=1",  # keys are lower case
        ",".join(f"k{i}=v" for i in range(33)),  # over 32 members
    ],
)
def test_invalid_tracestate_is_dropped_whole_but_traceparent_kept(
    state: str, span_of: Span
) -> None:
    got = span_of(OURS.extract({"traceparent": PARENT, "tracestate": f"ok=1,{state}"}))
    assert got.is_valid and got.trace_id == TRACE_ID
    assert len(got.trace_state) == 0


def test_tracestate_grammar_accepts_spec_forms() -> None:
    state = parse_tracestate(["fw529a3039@dt=1, rojo=00f067aa0ba902b7 ,, a-b*c/d_e=x y,1@=2"])
    assert state is not None
    assert dict(state) == {
        "fw529a3039@dt": "1",
        "rojo": "00f067aa0ba902b7",
        "a-b*c/d_e": "x y",
        "1@": "2",  # Level 2: any keychar after a letter or digit
    }
    assert dict(parse_tracestate(["z" * 256 + "=1"]) or {}) == {"z" * 256: "1"}
    assert len(parse_tracestate([",".join(f"k{i}=v" for i in range(32))]) or ()) == 32
    assert parse_tracestate(["a=1", "b=2"]) == TraceState([("a", "1"), ("b", "2")])


def test_repeated_tracestate_key_keeps_its_first_member() -> None:
    """Level 2: one entry per key; the leftmost is the most recent position."""
    assert list((parse_tracestate(["a=1,b=2,a=3"]) or {}).items()) == [("a", "1"), ("b", "2")]
    assert dict(parse_tracestate(["a=1", "a=2"]) or {}) == {"a": "1"}
    # 32 distinct keys plus repeats is still within the member limit
    members = [f"k{i}=v" for i in range(32)]
    assert len(parse_tracestate([",".join(members + members)]) or ()) == 32


def test_inject_round_trip(make_context: Callable[..., Context], span_of: Span) -> None:
    state = TraceState([("rojo", "00f067aa0ba902b7"), ("congo", "t61rcWkgMzE")])
    carrier: dict[str, str] = {}
    OURS.inject(carrier, make_context(TRACE_ID, SPAN_ID, 1, state))
    assert carrier == {
        "traceparent": PARENT,
        "tracestate": "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
    }
    got = span_of(OURS.extract(carrier))
    assert (got.trace_id, got.span_id, got.trace_flags, dict(got.trace_state)) == (
        TRACE_ID,
        SPAN_ID,
        1,
        dict(state),
    )
    # The API's propagator reads what we write, and we read what it writes.
    assert span_of(ApiTraceContext().extract(carrier)) == got
    api_carrier: dict[str, str] = {}
    ApiTraceContext().inject(api_carrier, make_context(TRACE_ID, SPAN_ID, 0, state))
    assert span_of(OURS.extract(api_carrier)).trace_flags == 0


def test_long_tracestate_trimmed_to_512_dropping_long_members_first() -> None:
    members = [(f"k{i}", "v" * 100) for i in range(6)] + [("long", "x" * 200)]
    header = tracestate_header(TraceState(members))
    assert len(header) <= 512
    assert "long=" not in header
    assert header.startswith("k0=")


def test_inject_nothing_without_a_valid_span() -> None:
    carrier: dict[str, str] = {}
    OURS.inject(carrier, Context())
    assert carrier == {}
    assert OURS.fields == {"traceparent", "tracestate"}
