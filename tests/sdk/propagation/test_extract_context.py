"""What every extract builds: a real NonRecordingSpan in a copy of the caller's context."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

import pytest
from opentelemetry import baggage, trace
from opentelemetry.context import Context, create_key
from opentelemetry.propagators.textmap import Getter

from otelbridge.sdk.propagation import JaegerPropagator, OTTracePropagator
from otelbridge.sdk.propagation.registry import PROPAGATORS

TRACE_FORMATS = [name for name in PROPAGATORS if name != "baggage"]
OTHER = create_key("other")


@pytest.mark.parametrize("name", TRACE_FORMATS)
@pytest.mark.parametrize("base", [None, Context(), Context({OTHER: "kept"})], ids=repr)
def test_extract_copies_the_callers_context(name: str, base: Optional[Context]) -> None:
    propagator = PROPAGATORS[name]()
    sent = trace.SpanContext(0xABC, 0xDEF, False, trace.TraceFlags(1))
    carrier: Dict[str, Any] = {}
    propagator.inject(carrier, trace.set_span_in_context(trace.NonRecordingSpan(sent)))
    before = None if base is None else dict(base)

    result = propagator.extract(carrier, base)

    span = trace.get_current_span(result)
    assert type(span) is trace.NonRecordingSpan and not span.is_recording()
    got = span.get_span_context()
    assert (got.trace_id, got.span_id, got.trace_flags, got.is_remote) == (0xABC, 0xDEF, 1, True)
    assert got.is_valid and type(got) is trace.SpanContext
    assert result is not base and type(result) is Context
    if base is not None:
        assert dict(base) == before  # the caller's context is never modified
        assert result.get(OTHER) == base.get(OTHER)
    with pytest.raises(ValueError):
        result[OTHER] = "changed"  # still an immutable Context


class Str(str):
    """A text subclass, as some frameworks use for header names (aiohttp's ``istr``)."""


class Pairs(Getter[List[Any]]):
    """A carrier of (name, value) pairs whose ``keys`` is a one-shot generator."""

    def get(self, carrier: List[Any], key: str) -> Optional[List[str]]:
        found = [value for name, value in carrier if name == key]
        return found or None

    def keys(self, carrier: List[Any]) -> Iterator[Any]:  # type: ignore[override]
        return (name for name, _ in carrier)


@pytest.mark.parametrize(
    ("propagator", "trace_headers", "prefix"),
    [
        (JaegerPropagator(), [("uber-trace-id", "abc:def:0:1")], "Uberctx-"),
        (
            OTTracePropagator(),
            [("ot-tracer-traceid", "0000000000000abc"), ("ot-tracer-spanid", "0000000000000def")],
            "OT-Baggage-",
        ),
    ],
)
@pytest.mark.parametrize("odd_key", [None, 7, b"uberctx-x"], ids=repr)
def test_per_entry_baggage_from_any_getter(
    propagator: Any, trace_headers: List[Any], prefix: str, odd_key: object
) -> None:
    carrier = [*trace_headers, (Str(prefix + "User"), "alice"), ("x-other", "1")]
    if odd_key is not None:
        carrier.append((odd_key, "ignored"))
    context = propagator.extract(carrier, Context(), getter=Pairs())
    assert trace.get_current_span(context).get_span_context().span_id == 0xDEF
    assert baggage.get_all(context) == {"user": "alice"}


def test_a_prefix_inside_another_name_is_not_baggage() -> None:
    carrier = {"uber-trace-id": "abc:def:0:1", "x-uberctx-user": "alice"}
    assert baggage.get_all(JaegerPropagator().extract(carrier, Context())) == {}


class NoKeys(Pairs):
    def keys(self, carrier: List[Any]) -> Any:  # type: ignore[override]
        return None  # a broken getter: not iterable


@pytest.mark.parametrize("propagator", [JaegerPropagator(), OTTracePropagator()])
def test_unusable_keys_mean_no_baggage_not_an_error(propagator: Any) -> None:
    carrier = [
        ("uber-trace-id", "abc:def:0:1"),
        ("ot-tracer-traceid", "0000000000000abc"),
        ("ot-tracer-spanid", "0000000000000def"),
        ("uberctx-user", "alice"),
        ("ot-baggage-user", "alice"),
    ]
    context = propagator.extract(carrier, Context(), getter=NoKeys())
    assert trace.get_current_span(context).get_span_context().span_id == 0xDEF
    assert baggage.get_all(context) == {}
