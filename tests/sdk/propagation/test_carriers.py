"""Every carrier shape applications pass: read case-insensitively, written once per header."""

from __future__ import annotations

import email.message
import http.client
from typing import Any, Callable, Dict, List

import grpc.aio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict
from starlette.datastructures import Headers as StarletteHeaders
from starlette.datastructures import MutableHeaders
from werkzeug.datastructures import EnvironHeaders, Headers

from otelbridge.sdk.propagation.carriers import (
    carrier_getter,
    carrier_setter,
    is_readable,
    is_writable,
)
from otelbridge.sdk.propagation.jaeger import JaegerPropagator
from otelbridge.sdk.propagation.ottrace import OTTracePropagator

Pairs = List[tuple]


def _message(pairs: Pairs) -> email.message.Message:
    message = http.client.HTTPMessage()
    for name, value in pairs:
        message[name] = value
    return message


def _environ(pairs: Pairs) -> Dict[str, str]:
    """A WSGI environ / Django ``request.META`` (repeated headers arrive comma-joined)."""
    meta: Dict[str, str] = {"REQUEST_METHOD": "GET", "CONTENT_TYPE": "text/plain"}
    for name, value in pairs:
        key = "HTTP_" + name.upper().replace("-", "_")
        meta[key] = f"{meta[key]},{value}" if key in meta else value
    return meta


def _grpc_aio(pairs: Pairs) -> grpc.aio.Metadata:
    return grpc.aio.Metadata(*pairs)


# Each shape keeps repeated headers apart, except the environ ones (WSGI joins them).
SHAPES: Dict[str, Callable[[Pairs], Any]] = {
    "werkzeug Headers": Headers,
    "HTTPMessage": _message,
    "gRPC metadata tuples": tuple,
    "gRPC metadata list": list,
    "grpc.aio.Metadata": _grpc_aio,
    "aiohttp CIMultiDict": CIMultiDict,
    "starlette Headers": lambda pairs: StarletteHeaders(
        raw=[(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in pairs]
    ),
}
JOINED: Dict[str, Callable[[Pairs], Any]] = {
    "Django META": _environ,
    "werkzeug EnvironHeaders": lambda pairs: EnvironHeaders(_environ(pairs)),
}

names = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
values = st.from_regex(r"[!-~]{1,12}", fullmatch=True).filter(lambda v: "," not in v)
header_lists = st.lists(st.tuples(names, values), min_size=1, max_size=8)


def _expected(pairs: Pairs) -> Dict[str, List[str]]:
    grouped: Dict[str, List[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _recase(name: str, upper: bool) -> str:
    return name.upper() if upper else name.title()


@pytest.mark.parametrize("shape", SHAPES)
@settings(max_examples=40)
@given(pairs=header_lists, upper=st.booleans())
def test_every_value_of_every_header_is_read_in_any_case(shape: str, pairs, upper) -> None:
    carrier = SHAPES[shape](pairs)
    assert is_readable(carrier)
    for name, wanted in _expected(pairs).items():
        assert carrier_getter.get(carrier, _recase(name, upper)) == wanted
        assert carrier_getter.get(carrier, name) == wanted
    assert {key.lower() for key in carrier_getter.keys(carrier)} == {n for n, _ in pairs}
    assert carrier_getter.get(carrier, "not-sent-at-all") is None


@pytest.mark.parametrize("shape", JOINED)
@settings(max_examples=40)
@given(pairs=header_lists)
def test_environ_carriers_give_header_names_and_joined_values(shape: str, pairs) -> None:
    carrier = JOINED[shape](pairs)
    for name, wanted in _expected(pairs).items():
        assert carrier_getter.get(carrier, name) == [",".join(wanted)]
    keys = {key.lower() for key in carrier_getter.keys(carrier)}
    assert {n for n, _ in pairs} <= keys


WRITABLE: Dict[str, Callable[[], Any]] = {
    "dict": dict,
    "werkzeug Headers": Headers,
    "HTTPMessage": http.client.HTTPMessage,
    "gRPC metadata list": list,
    "aiohttp CIMultiDict": CIMultiDict,
    "starlette MutableHeaders": MutableHeaders,
}


@pytest.mark.parametrize("shape", WRITABLE)
@settings(max_examples=40)
@given(name=names, first=values, second=values)
def test_setting_a_header_twice_leaves_one_value(shape: str, name, first, second) -> None:
    carrier = WRITABLE[shape]()
    assert is_writable(carrier)
    carrier_setter.set(carrier, name.upper(), first)
    carrier_setter.set(carrier, name, second)
    assert carrier_getter.get(carrier, name) == [second]


def test_byte_names_and_values_and_list_values_are_text() -> None:
    assert carrier_getter.get([(b"Uber-Trace-Id", b"x")], "uber-trace-id") == ["x"]
    assert carrier_getter.get({"Baggage": ["a=1", "b=2"]}, "baggage") == ["a=1", "b=2"]
    assert carrier_getter.get({"x": None}, "x") is None


def test_what_is_not_a_carrier_is_reported_and_never_raises() -> None:
    for odd in ("text", 42, None):
        assert not is_readable(odd)
        assert carrier_getter.get(odd, "x") is None
        assert carrier_getter.keys(odd) == []
    assert not is_writable(("immutable", "pairs"))
    assert not is_writable(StarletteHeaders(raw=[]))
    assert carrier_getter.get([("a",), "junk", ("a", "1")], "a") == ["1"]


@pytest.mark.parametrize("shape", [*SHAPES, *JOINED])
def test_legacy_baggage_headers_are_found_in_every_shape(shape: str) -> None:
    """The keys() walk is what finds ``uberctx-*`` / ``ot-baggage-*``: it must give names."""
    build = {**SHAPES, **JOINED}[shape]
    jaeger = build(
        [
            ("Uber-Trace-Id", "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1"),
            ("Uberctx-Lang", "fr"),
        ]
    )
    context = JaegerPropagator().extract(jaeger, getter=carrier_getter)
    from opentelemetry import baggage

    assert baggage.get_all(context) == {"lang": "fr"}
    ot = build(
        [
            ("ot-tracer-traceid", "a3ce929d0e0e4736"),
            ("ot-tracer-spanid", "00f067aa0ba902b7"),
            ("ot-tracer-sampled", "true"),
            ("OT-Baggage-Lang", "fr"),
        ]
    )
    assert baggage.get_all(OTTracePropagator().extract(ot, getter=carrier_getter)) == {"lang": "fr"}
