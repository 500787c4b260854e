"""B3: openzipkin/b3-propagation vectors; contrib, py_zipkin and jaeger-client both ways."""

from __future__ import annotations

from typing import Callable

import pytest
from jaeger_client import SpanContext as JaegerSpanContext
from jaeger_client.codecs import B3Codec
from opentelemetry.context import Context
from opentelemetry.propagators import b3 as contrib
from opentelemetry.trace import SpanContext
from py_zipkin.request_helpers import create_http_headers, extract_zipkin_attrs_from_headers
from py_zipkin.storage import Stack
from py_zipkin.util import ZipkinAttrs
from requests.structures import CaseInsensitiveDict

from otelbridge.sdk.propagation import B3MultiFormat, B3SingleFormat

TRACE_HEX = "80f198ee56343ba864fe8b2a57d3eff7"
SPAN_HEX = "e457b5a2e4d86bd1"
PARENT_HEX = "05e3ac9a4f6e3b90"
TRACE_ID = int(TRACE_HEX, 16)
SPAN_ID = int(SPAN_HEX, 16)
SINGLE = B3SingleFormat()
MULTI = B3MultiFormat()
Span = Callable[[Context], SpanContext]
Make = Callable[..., Context]


@pytest.mark.parametrize(
    ("header", "sampled"),
    [
        (f"{TRACE_HEX}-{SPAN_HEX}-1-{PARENT_HEX}", 1),
        (f"{TRACE_HEX}-{SPAN_HEX}-0", 0),
        (f"{TRACE_HEX}-{SPAN_HEX}-d", 1),  # debug implies accept
        (f"{TRACE_HEX}-{SPAN_HEX}", 0),  # sampling deferred
    ],
)
def test_single_header_spec_examples(header: str, sampled: int, span_of: Span) -> None:
    for propagator in (SINGLE, MULTI):
        got = span_of(propagator.extract({"b3": header}))
        assert (got.trace_id, got.span_id, got.trace_flags) == (TRACE_ID, SPAN_ID, sampled)


def test_64_bit_trace_id_is_padded(span_of: Span) -> None:
    context = SINGLE.extract({"b3": f"64fe8b2a57d3eff7-{SPAN_HEX}-1"})
    assert span_of(context).trace_id == 0x64FE8B2A57D3EFF7
    carrier: dict[str, str] = {}
    SINGLE.inject(carrier, context)
    assert carrier["b3"].startswith("000000000000000064fe8b2a57d3eff7-")


@pytest.mark.parametrize(
    ("headers", "sampled"),
    [
        ({"x-b3-sampled": "1", "x-b3-parentspanid": PARENT_HEX}, 1),
        ({"x-b3-sampled": "0"}, 0),
        ({"x-b3-sampled": "true"}, 1),  # legacy boolean
        ({"x-b3-flags": "1"}, 1),  # debug
        ({"x-b3-flags": "0", "x-b3-sampled": "0"}, 0),  # what py_zipkin sends
        ({}, 0),
    ],
)
def test_multi_header_spec_examples(headers: dict[str, str], sampled: int, span_of: Span) -> None:
    carrier = {"x-b3-traceid": TRACE_HEX, "x-b3-spanid": SPAN_HEX, **headers}
    got = span_of(MULTI.extract(carrier))
    assert (got.trace_id, got.span_id, got.trace_flags) == (TRACE_ID, SPAN_ID, sampled)


@pytest.mark.parametrize(
    "carrier",
    [
        {"b3": "0"},  # sampling state only: nothing to continue
        {"b3": f"{TRACE_HEX}-{SPAN_HEX}-2"},
        {"b3": f"{TRACE_HEX}-{SPAN_HEX}-1-{PARENT_HEX}-extra"},
        {"b3": f"{TRACE_HEX[:-1]}-{SPAN_HEX}-1"},
        {"b3": f"{'0' * 32}-{SPAN_HEX}-1"},
        {"x-b3-traceid": TRACE_HEX, "x-b3-spanid": SPAN_HEX, "x-b3-sampled": "yes"},
        {"x-b3-traceid": TRACE_HEX, "x-b3-spanid": SPAN_HEX, "x-b3-flags": "2"},
        {"x-b3-traceid": TRACE_HEX, "x-b3-spanid": "0" * 16},
        {"x-b3-traceid": TRACE_HEX},
    ],
)
def test_malformed_gives_the_context_back(carrier: dict[str, str]) -> None:
    base = Context()
    assert MULTI.extract(carrier, base) is base


@pytest.mark.parametrize("sampled", [0, 1])
def test_round_trip_and_contrib_interop(sampled: int, make_context: Make, span_of: Span) -> None:
    context = make_context(TRACE_ID, SPAN_ID, sampled)
    for ours, theirs in ((SINGLE, contrib.B3SingleFormat()), (MULTI, contrib.B3MultiFormat())):
        carrier: dict[str, str] = {}
        ours.inject(carrier, context)
        assert carrier.keys() == ours.fields
        expected = (TRACE_ID, SPAN_ID, sampled)
        for reader in (ours, theirs):
            got = span_of(reader.extract(carrier))
            assert (got.trace_id, got.span_id, got.trace_flags) == expected
        theirs_carrier: dict[str, str] = {}
        theirs.inject(theirs_carrier, context)
        got = span_of(ours.extract(theirs_carrier))
        assert (got.trace_id, got.span_id, got.trace_flags) == expected


def test_py_zipkin_injects_we_extract(span_of: Span) -> None:
    attrs = ZipkinAttrs(TRACE_HEX, SPAN_HEX, PARENT_HEX, "0", True)
    headers = create_http_headers(context_stack=Stack([attrs]))
    carrier = {key.lower(): value for key, value in headers.items()}  # as HTTP servers hand them
    got = span_of(MULTI.extract(carrier))
    assert (got.trace_id, got.span_id, got.trace_flags) == (TRACE_ID, SPAN_ID, 1)


@pytest.mark.parametrize("propagator", [SINGLE, MULTI])
def test_we_inject_py_zipkin_extracts(propagator: B3SingleFormat, make_context: Make) -> None:
    carrier: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    propagator.inject(carrier, make_context(TRACE_ID, SPAN_ID, 1))
    attrs = extract_zipkin_attrs_from_headers(carrier, sample_rate=0.0)
    assert attrs is not None
    assert (attrs.trace_id, attrs.span_id, attrs.is_sampled) == (TRACE_HEX, SPAN_HEX, True)


@pytest.mark.parametrize(("flags", "sampled"), [(0, 0), (1, 1), (3, 1)])  # 2 = debug
def test_jaeger_client_b3_codec_both_ways(
    flags: int, sampled: int, make_context: Make, span_of: Span
) -> None:
    codec = B3Codec(generate_128bit_trace_id=True)
    carrier: dict[str, str] = {}
    codec.inject(JaegerSpanContext(TRACE_ID, SPAN_ID, None, flags), carrier)
    got = span_of(MULTI.extract({key.lower(): value for key, value in carrier.items()}))
    assert (got.trace_id, got.span_id, got.trace_flags) == (TRACE_ID, SPAN_ID, sampled)
    ours: dict[str, str] = {}
    MULTI.inject(ours, make_context(TRACE_ID, SPAN_ID, sampled))
    back = codec.extract(ours)
    assert (back.trace_id, back.span_id, back.flags & 1) == (TRACE_ID, SPAN_ID, sampled)
