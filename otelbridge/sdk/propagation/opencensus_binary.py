"""OpenCensus binary trace context (``grpc-trace-bin``), as sent by OpenCensus gRPC integrations.

Layout (OpenCensus ``encodings/BinaryEncoding.md``, version 0)::

    00 | 00 <trace id: 16 bytes> | 01 <span id: 8 bytes> | 02 <trace options: 1 byte>

Fields are optional and come in field-id order; a decoder reads them in order and stops at the first
field id it does not know, so newer senders can append fields. We require the trace id and span id
(a context without them cannot be continued); missing trace options mean "not sampled".

:func:`to_bytes` / :func:`from_bytes` are the codec (also used for OpenTracing's ``Format.BINARY``);
:class:`OpenCensusBinaryPropagator` carries it in the ``grpc-trace-bin`` gRPC metadata entry.
"""

from __future__ import annotations

import binascii
import logging
import struct
from typing import Any, List, Optional, Sequence, Set, Tuple, Union

from opentelemetry.context import Context
from opentelemetry.propagators.textmap import (
    CarrierT,
    Getter,
    Setter,
    TextMapPropagator,
    default_getter,
    default_setter,
)
from opentelemetry.trace import SpanContext, TraceFlags

from otelbridge.sdk.propagation._carrier import values_of
from otelbridge.sdk.propagation._context import (
    BYTE_FLAGS,
    remote_context,
    remote_span_context,
    unchanged,
    valid_span_context,
)

__all__ = [
    "HEADER",
    "GrpcMetadataGetter",
    "GrpcMetadataSetter",
    "OpenCensusBinaryPropagator",
    "from_bytes",
    "grpc_metadata_getter",
    "grpc_metadata_setter",
    "to_bytes",
]

HEADER = "grpc-trace-bin"
_logger = logging.getLogger(__name__)
_ENCODED_LENGTH = 29
#: The usual, complete encoding in one C call: version (checked apart), then each field id and
#: value; the 128-bit trace id comes as two 64-bit halves.
_unpack_whole = struct.Struct(">xBQQBQBB").unpack_from
_from_big = int.from_bytes
#: A sender that emits more than a trace context here is broken or hostile; never parse megabytes.
_MAX_INPUT = 256


def to_bytes(span_context: SpanContext) -> bytes:
    """The 29-byte version-0 encoding of ``span_context`` (ids are taken as they are)."""
    return (
        b"\x00\x00"
        + (span_context.trace_id & ((1 << 128) - 1)).to_bytes(16, "big")
        + b"\x01"
        + (span_context.span_id & ((1 << 64) - 1)).to_bytes(8, "big")
        + b"\x02"
        + bytes((span_context.trace_flags & 0xFF,))
    )


def from_bytes(data: object) -> Optional[SpanContext]:
    """The remote ``SpanContext`` encoded in ``data``, or ``None`` if it is not a valid one.

    Never raises: anything but well-formed bytes with non-zero ids gives ``None``.
    """
    decoded = _decode(data)
    return None if decoded is None else remote_span_context(*decoded)


def _decode(data: object) -> Optional[Tuple[int, int, TraceFlags]]:
    """Trace id, span id and flags encoded in ``data``; ``None`` unless bytes with non-zero ids."""
    if type(data) is not bytes:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            return None
        data = bytes(data)
    size = len(data)
    if size < 27 or size > _MAX_INPUT or data[0] != 0:
        return None
    parsed = _parse_fields(data)
    if parsed is None:
        return None
    trace_id, span_id, flags = parsed
    if trace_id == 0 or span_id == 0:
        return None
    return trace_id, span_id, BYTE_FLAGS[flags]


def _parse_fields(data: bytes) -> Optional[Tuple[int, int, int]]:
    """Trace id, span id and flags (0 when absent); ``None`` if a field is cut short.

    The usual complete encoding is read in one C call; otherwise fields are read in order, each
    optional, stopping at the first unknown id.
    """
    if len(data) >= _ENCODED_LENGTH:
        trace_field, high, low, span_field, span_id, flags_field, flags = _unpack_whole(data)
        if trace_field == 0 and span_field == 1 and flags_field == 2:
            return high << 64 | low, span_id, flags
    position = 1
    trace_id = span_id = flags = 0
    if data[position] == 0:
        if position + 17 > len(data):
            return None
        trace_id = _from_big(data[position + 1 : position + 17], "big")
        position += 17
    if position < len(data) and data[position] == 1:
        if position + 9 > len(data):
            return None
        span_id = _from_big(data[position + 1 : position + 9], "big")
        position += 9
    if position < len(data) and data[position] == 2:
        if position + 2 > len(data):
            return None
        flags = data[position + 1]
    return trace_id, span_id, flags


MetadataT = Union[List[Tuple[str, Any]], Sequence[Tuple[str, Any]]]


class GrpcMetadataGetter(Getter[MetadataT]):
    """Reads gRPC metadata: a sequence of ``(key, value)`` pairs, e.g. ``invocation_metadata()``."""

    def get(self, carrier: MetadataT, key: str) -> Optional[List[str]]:
        key = key.lower()
        found = []
        for name, value in carrier:  # a loop: cheaper than a comprehension for a few entries
            if name == key:
                found.append(value)
        return found or None

    def keys(self, carrier: MetadataT) -> List[str]:
        return [name for name, _ in carrier]


class GrpcMetadataSetter(Setter[List[Tuple[str, Union[str, bytes]]]]):
    """Sets an entry in a gRPC metadata list (client ``metadata=``), replacing an existing one.

    gRPC sends ``-bin`` keys as raw bytes, so :class:`OpenCensusBinaryPropagator` hands this setter
    bytes rather than base64 text (``accepts_bytes``).
    """

    accepts_bytes = True

    def set(
        self, carrier: List[Tuple[str, Union[str, bytes]]], key: str, value: Union[str, bytes]
    ) -> None:
        key = key.lower()
        carrier[:] = [item for item in carrier if item[0] != key]
        carrier.append((key, value))


grpc_metadata_getter = GrpcMetadataGetter()
grpc_metadata_setter = GrpcMetadataSetter()


def _decode_carried(value: Any) -> Optional[Tuple[int, int, TraceFlags]]:
    """Bytes as gRPC delivers them, or base64 text as in HTTP headers and text carriers."""
    if isinstance(value, str):
        if len(value) > _MAX_INPUT:
            return None
        try:
            value = binascii.a2b_base64(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            return None
    return _decode(value)


class OpenCensusBinaryPropagator(TextMapPropagator):
    """``grpc-trace-bin``: OpenCensus's binary trace context in gRPC metadata.

    Use :data:`grpc_metadata_getter` / :data:`grpc_metadata_setter` with gRPC metadata; with the
    default text getter/setter the value is carried as base64 text.
    """

    __slots__ = ()

    def extract(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        values = values_of(getter, carrier, HEADER)
        if not values or len(values) != 1:
            return unchanged(context)
        decoded = _decode_carried(values[0])
        if decoded is None:
            _logger.debug("Ignoring malformed %s", HEADER)
            return unchanged(context)
        trace_id, span_id, flags = decoded
        return remote_context(trace_id, span_id, flags, context)

    def inject(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        span_context = valid_span_context(context)
        if span_context is None:
            return
        encoded = to_bytes(span_context)
        if getattr(setter, "accepts_bytes", False):
            setter.set(carrier, HEADER, encoded)  # type: ignore[arg-type]  # it takes bytes
        else:
            setter.set(carrier, HEADER, binascii.b2a_base64(encoded, newline=False).decode())

    @property
    def fields(self) -> Set[str]:
        return {HEADER}
