"""The ``Format.BINARY`` carrier: OpenCensus binary trace context plus W3C baggage.

OpenTracing leaves the binary encoding to each tracer. This shim writes, into the caller's
``bytearray``::

    byte 0        framing version, 0
    bytes 1-2     N, big-endian: length of the trace-context part (0 when there is no valid
                  span context)
    N bytes       the span context in OpenCensus's binary trace-context encoding (the
                  ``grpc-trace-bin`` format: version, trace id, span id, trace options)
    the rest      the baggage as a W3C ``baggage`` header value in UTF-8 (may be empty)

Reusing the two published encodings keeps the format readable by any OpenCensus or W3C code.
"""

from __future__ import annotations

import struct
from typing import Mapping, Tuple

from opentelemetry.baggage import get_all
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.trace import INVALID_SPAN_CONTEXT, SpanContext
from opentracing import SpanContextCorruptedException

from otelbridge.sdk.propagation.opencensus_binary import from_bytes, to_bytes
from otelbridge.shims.opentracing._context import EMPTY_BAGGAGE, remote_context

VERSION = 0
_HEADER = struct.Struct(">BH")
_BAGGAGE = W3CBaggagePropagator()


def encode(span_context: SpanContext, baggage: Mapping[str, object]) -> bytes:
    """The binary carrier bytes for ``span_context`` and ``baggage``."""
    trace_part = to_bytes(span_context) if span_context.is_valid else b""
    headers: dict[str, str] = {}
    if baggage:
        _BAGGAGE.inject(headers, context=remote_context(INVALID_SPAN_CONTEXT, baggage))
    return (
        _HEADER.pack(VERSION, len(trace_part))
        + trace_part
        + headers.get("baggage", "").encode("utf-8")
    )


def decode(data: bytes) -> Tuple[SpanContext, Mapping[str, object]]:
    """The span context and baggage in ``data``; raises ``SpanContextCorruptedException``.

    An empty carrier holds nothing: an invalid span context and no baggage.
    """
    if not data:
        return INVALID_SPAN_CONTEXT, EMPTY_BAGGAGE
    if len(data) < _HEADER.size:
        raise SpanContextCorruptedException("binary carrier shorter than its header")
    version, length = _HEADER.unpack_from(data)
    if version != VERSION:
        raise SpanContextCorruptedException(f"unknown binary carrier version {version}")
    end = _HEADER.size + length
    if end > len(data):
        raise SpanContextCorruptedException("binary carrier truncated")
    span_context = INVALID_SPAN_CONTEXT
    if length:
        decoded = from_bytes(data[_HEADER.size : end])
        if decoded is None:
            raise SpanContextCorruptedException("invalid OpenCensus binary trace context")
        span_context = decoded
    baggage: Mapping[str, object] = EMPTY_BAGGAGE
    if end < len(data):
        try:
            text = data[end:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SpanContextCorruptedException("baggage is not UTF-8") from exc
        baggage = dict(get_all(_BAGGAGE.extract({"baggage": text})))
    return span_context, baggage
