"""W3C Baggage: the recommendation's examples, limits, percent-encoding, whole-or-nothing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from opentelemetry import baggage
from opentelemetry.baggage.propagation import W3CBaggagePropagator as ApiBaggage
from opentelemetry.context import Context

from otelbridge.sdk.propagation import W3CBaggagePropagator

OURS = W3CBaggagePropagator()


def extract(header: object) -> dict[str, object]:
    return dict(baggage.get_all(OURS.extract({"baggage": header}, Context())))


def test_spec_example_with_properties_and_whitespace() -> None:
    header = (
        "key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue"
    )
    assert extract(header) == {"key1": "value1", "key2": "value2", "key3": "value3"}


def test_percent_encoding_round_trip_keeps_plus_and_unicode() -> None:
    values = {"user": "Jörg Müller", "math": "1+1=2", "sep": 'a,b;c%d"e\\f'}
    context = Context()
    for key, value in values.items():
        context = baggage.set_baggage(key, value, context)
    carrier: dict[str, str] = {}
    OURS.inject(carrier, context)
    assert carrier["baggage"].isascii() and " " not in carrier["baggage"]
    assert "math=1+1=2" in carrier["baggage"]
    assert extract(carrier["baggage"]) == values
    assert extract("name=%E2%9C%93") == {"name": "\u2713"}


def test_api_propagator_interop_for_plain_values() -> None:
    context = baggage.set_baggage("k", "v-1", baggage.set_baggage("n", "42", Context()))
    carrier: dict[str, str] = {}
    ApiBaggage().inject(carrier, context)
    assert extract(carrier["baggage"]) == {"k": "v-1", "n": "42"}
    ours: dict[str, str] = {}
    OURS.inject(ours, context)
    assert baggage.get_all(ApiBaggage().extract(ours, Context())) == {"k": "v-1", "n": "42"}


def test_malformed_member_refuses_the_whole_header() -> None:
    for header in ("a=1,b", "a=1,=2", "a=1,b=x y", "a=1,b=%FF", "a=1,b=1;=p", "k\u00e9=1"):
        assert extract(header) == {}, header


def test_member_and_header_limits() -> None:
    assert len(extract(",".join(f"k{i}=v" for i in range(180)))) == 180
    assert extract(",".join(f"k{i}=v" for i in range(181))) == {}
    assert extract("k=" + "v" * 4094) == {"k": "v" * 4094}
    assert extract("k=" + "v" * 4095) == {}
    members = [f"k{i}=" + "v" * 4000 for i in range(3)]  # each fine, together over 8192 bytes
    assert extract(",".join(members[:2])) != {}
    assert extract(",".join(members)) == {}


def test_multiple_header_fields_are_combined() -> None:
    assert extract(["a=1", "b=2"]) == {"a": "1", "b": "2"}
    assert extract(["a=1", 7]) == {}


def test_extract_adds_to_existing_baggage_and_keeps_other_values() -> None:
    base = baggage.set_baggage("old", "1", Context())
    got = OURS.extract({"baggage": "new=2"}, base)
    assert baggage.get_all(got) == {"old": "1", "new": "2"}
    assert OURS.extract({"baggage": "bad"}, base) is base


def test_inject_skips_unsendable_keys_and_respects_limits() -> None:
    context = Context()
    for i in range(200):
        context = baggage.set_baggage(f"k{i}", "v", context)
    context = baggage.set_baggage("not a token", "v", context)
    carrier: dict[str, str] = {}
    OURS.inject(carrier, context)
    members = carrier["baggage"].split(",")
    assert len(members) == 180 and "not a token=v" not in members
    big = baggage.set_baggage("big", "x" * 5000, baggage.set_baggage("a", "1", Context()))
    carrier = {}
    OURS.inject(carrier, big)
    assert carrier == {"baggage": "a=1"}


@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_.-]{0,15}", fullmatch=True), st.text(max_size=40), max_size=8
    )
)
def test_round_trip_any_text(values: dict[str, str]) -> None:
    context = Context()
    for key, value in values.items():
        context = baggage.set_baggage(key, value, context)
    carrier: dict[str, str] = {}
    OURS.inject(carrier, context)
    assert extract(carrier.get("baggage", "")) == values


def test_unencodable_value_is_skipped_not_raised() -> None:
    context = baggage.set_baggage("bad", "\ud800", baggage.set_baggage("ok", "1", Context()))
    carrier: dict[str, str] = {}
    OURS.inject(carrier, context)
    assert carrier == {"baggage": "ok=1"}
