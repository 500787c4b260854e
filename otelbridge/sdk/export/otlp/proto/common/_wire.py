"""Protobuf wire-format primitives for the OTLP hot path.

Building one generated message object per span costs more than the span itself, so spans are
written straight to the wire format. Field tags are read from the descriptors of the official
generated types in ``opentelemetry-proto``, so the schema stays theirs; the cross-check tests
decode our bytes with those same types.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Iterator, Union

from google.protobuf.descriptor import FieldDescriptor

if TYPE_CHECKING:
    from google.protobuf.message import Message

_WIRE_TYPES = {
    FieldDescriptor.TYPE_DOUBLE: 1,
    FieldDescriptor.TYPE_FIXED64: 1,
    FieldDescriptor.TYPE_SFIXED64: 1,
    FieldDescriptor.TYPE_FIXED32: 5,
    FieldDescriptor.TYPE_SFIXED32: 5,
    FieldDescriptor.TYPE_FLOAT: 5,
    FieldDescriptor.TYPE_STRING: 2,
    FieldDescriptor.TYPE_BYTES: 2,
    FieldDescriptor.TYPE_MESSAGE: 2,
}


def _varint_slow(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


# Lengths and small numbers are almost always below 2**14: one list lookup instead of a loop.
SMALL_VARINTS = [_varint_slow(n) for n in range(1 << 14)]
_SMALL_LIMIT = 1 << 14
_UINT64_MASK = (1 << 64) - 1


def varint(value: int) -> bytes:
    """Encode a non-negative integer, or a negative int64 as its 10-byte two's complement."""
    if 0 <= value < _SMALL_LIMIT:
        return SMALL_VARINTS[value]
    return _varint_slow(value & _UINT64_MASK)


def tag(message: type[Message], field: str) -> bytes:
    """The key bytes (field number and wire type) of ``field`` in a generated message class."""
    descriptor = message.DESCRIPTOR.fields_by_name[field]
    return varint(descriptor.number << 3 | _WIRE_TYPES.get(descriptor.type, 0))


def length_delimited(key: bytes, payload: bytes) -> bytes:
    """``key`` + length + ``payload``: one embedded message, string or bytes field."""
    n = len(payload)
    return key + (SMALL_VARINTS[n] if n < _SMALL_LIMIT else _varint_slow(n)) + payload


def utf8(text: str) -> bytes:
    """Names, descriptions and URLs as UTF-8; a lone surrogate becomes ``?`` instead of making
    the whole request undecodable (protobuf strings must be valid UTF-8)."""
    return text.encode("utf-8", "replace")


pack_fixed64 = struct.Struct("<Q").pack
pack_fixed32 = struct.Struct("<I").pack
pack_double = struct.Struct("<d").pack


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def iter_fields(data: bytes) -> Iterator[tuple[int, Union[int, bytes]]]:
    """Yield ``(field number, value)`` of a serialized message: ints for varints, bytes otherwise.

    For the few small messages read without generated types (``google.rpc.Status``).
    """
    pos, end = 0, len(data)
    while pos < end:
        key, pos = _read_varint(data, pos)
        wire_type = key & 7
        value: Union[int, bytes]
        if wire_type == 0:
            value, pos = _read_varint(data, pos)
        elif wire_type == 2:
            size, pos = _read_varint(data, pos)
            value, pos = data[pos : pos + size], pos + size
        elif wire_type in (1, 5):
            size = 8 if wire_type == 1 else 4
            value, pos = data[pos : pos + size], pos + size
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        yield key >> 3, value
