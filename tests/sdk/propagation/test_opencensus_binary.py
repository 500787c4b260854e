"""OpenCensus binary trace context: the spec's layout, OpenCensus itself, gRPC metadata, garbage."""

from __future__ import annotations

import base64
from collections import namedtuple
from typing import Any, List, Tuple

from hypothesis import given
from hypothesis import strategies as st
from opencensus.trace.propagation.binary_format import BinaryFormatPropagator
from opencensus.trace.span_context import SpanContext as OCSpanContext
from opencensus.trace.trace_options import TraceOptions
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from otelbridge.sdk.propagation.opencensus_binary import (
    HEADER,
    OpenCensusBinaryPropagator,
    from_bytes,
    grpc_metadata_getter,
    grpc_metadata_setter,
    to_bytes,
)

TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
SPAN_ID = 0x00F067AA0BA902B7
# From BinaryEncoding.md: version 0, field 0 (trace id), field 1 (span id), field 2 (options).
ENCODED = (
    b"\x00"
    + b"\x00"
    + bytes.fromhex("4bf92f3577b34da6a3ce929d0e0e4736")
    + b"\x01"
    + bytes.fromhex("00f067aa0ba902b7")
    + b"\x02\x01"
)
PROPAGATOR = OpenCensusBinaryPropagator()


def context_with(span_context: SpanContext) -> Context:
    return trace.set_span_in_context(NonRecordingSpan(span_context), Context())


def extracted(context: Context) -> SpanContext:
    return trace.get_current_span(context).get_span_context()


def test_encoding_matches_spec_layout() -> None:
    span_context = SpanContext(TRACE_ID, SPAN_ID, False, TraceFlags(1))
    assert to_bytes(span_context) == ENCODED


def test_decoding_spec_layout() -> None:
    decoded = from_bytes(ENCODED)
    assert decoded is not None
    assert (decoded.trace_id, decoded.span_id, decoded.trace_flags) == (TRACE_ID, SPAN_ID, 1)
    assert decoded.is_remote and decoded.is_valid


def test_fields_are_optional_and_unknown_tail_is_ignored() -> None:
    no_options = ENCODED[:-2]
    decoded = from_bytes(no_options)
    assert decoded is not None and decoded.trace_flags == 0
    with_new_field = ENCODED + b"\x03\xff\xff"
    decoded = from_bytes(with_new_field)
    assert decoded is not None and decoded.span_id == SPAN_ID


def test_rejects_bad_version_truncation_zero_ids_and_wrong_types() -> None:
    assert from_bytes(b"\x01" + ENCODED[1:]) is None
    assert from_bytes(ENCODED[:20]) is None
    assert from_bytes(ENCODED[:2] + b"\x00" * 16 + ENCODED[18:]) is None
    zero_span = ENCODED[:19] + b"\x00" * 8 + ENCODED[27:]
    assert from_bytes(zero_span) is None
    assert from_bytes("not bytes") is None
    assert from_bytes(None) is None
    assert from_bytes(ENCODED + b"\x00" * 1000) is None
    assert from_bytes(bytearray(ENCODED)) == from_bytes(memoryview(ENCODED))


def test_opencensus_encodes_we_decode_and_back() -> None:
    oc = BinaryFormatPropagator()
    oc_context = OCSpanContext(
        trace_id="a0b72ca15c1a4bd18962d0ac59dc90b9",
        span_id="a0b72ca15c1a4bd1",
        trace_options=TraceOptions("1"),
    )
    ours = from_bytes(oc.to_header(oc_context))
    assert ours is not None
    assert (ours.trace_id, ours.span_id, ours.trace_flags.sampled) == (
        0xA0B72CA15C1A4BD18962D0AC59DC90B9,
        0xA0B72CA15C1A4BD1,
        True,
    )
    back = oc.from_header(to_bytes(ours))
    assert back.trace_id == oc_context.trace_id
    assert back.span_id == oc_context.span_id
    assert back.trace_options.enabled


@given(st.binary(max_size=64))
def test_arbitrary_bytes_never_raise_and_never_give_invalid(data: bytes) -> None:
    decoded = from_bytes(data)
    assert decoded is None or (decoded.is_valid and decoded.is_remote)
    context = PROPAGATOR.extract([(HEADER, data)], getter=grpc_metadata_getter)
    span_context = extracted(context)
    assert span_context.is_valid == (decoded is not None)


@given(st.integers(1, (1 << 128) - 1), st.integers(1, (1 << 64) - 1), st.sampled_from([0, 1, 0xFF]))
def test_round_trip_through_text_and_metadata(trace_id: int, span_id: int, flags: int) -> None:
    context = context_with(SpanContext(trace_id, span_id, False, TraceFlags(flags)))
    text: dict[str, str] = {}
    PROPAGATOR.inject(text, context)
    assert base64.b64decode(text[HEADER]) == to_bytes(
        SpanContext(trace_id, span_id, False, TraceFlags(flags))
    )
    metadata: List[Tuple[str, Any]] = [("other", "x")]
    PROPAGATOR.inject(metadata, context, setter=grpc_metadata_setter)
    for carrier, getter in ((text, None), (metadata, grpc_metadata_getter)):
        got = extracted(
            PROPAGATOR.extract(carrier)
            if getter is None
            else PROPAGATOR.extract(carrier, getter=getter)
        )
        assert (got.trace_id, got.span_id, got.trace_flags) == (trace_id, span_id, flags)


def test_unpadded_base64_and_garbage_text() -> None:
    text = base64.b64encode(ENCODED).decode().rstrip("=")
    assert extracted(PROPAGATOR.extract({HEADER: text})).trace_id == TRACE_ID
    empty = Context()
    assert PROPAGATOR.extract({HEADER: "%%%not base64"}, empty) is empty
    assert PROPAGATOR.extract({HEADER: [text, text]}, empty) is empty


def test_setter_replaces_previous_entry() -> None:
    metadata: List[Tuple[str, Any]] = [(HEADER, b"old"), ("keep", "1")]
    PROPAGATOR.inject(
        metadata, context_with(SpanContext(TRACE_ID, SPAN_ID, False)), grpc_metadata_setter
    )
    assert metadata == [("keep", "1"), (HEADER, ENCODED[:-1] + b"\x00")]


def test_getter_reads_grpc_metadatum_pairs() -> None:
    """Server metadata arrives as ``_Metadatum(key, value)`` named tuples; keys are lower case."""
    metadatum = namedtuple("metadatum", "key value")
    metadata = (metadatum("user-agent", "grpc-python"), metadatum(HEADER, ENCODED))
    got = extracted(PROPAGATOR.extract(metadata, getter=grpc_metadata_getter))
    assert (got.trace_id, got.span_id) == (TRACE_ID, SPAN_ID)
    assert grpc_metadata_getter.keys(metadata) == ["user-agent", HEADER]
