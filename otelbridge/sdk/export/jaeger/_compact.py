"""The few pieces of the Thrift compact protocol the Jaeger agent's ``emitBatch`` needs.

Written here instead of depending on the ``thrift`` package: the agent API is one oneway call
on five small structs, and the compact protocol is a handful of varint rules.
"""

from __future__ import annotations

import struct
from typing import List

from otelbridge.sdk.export.otlp.proto.common._wire import varint

# Compact protocol type ids.
BOOL_TRUE, BOOL_FALSE, I32, I64, DOUBLE, BINARY, LIST, STRUCT = 1, 2, 5, 6, 7, 8, 9, 12
_ONEWAY = 4
_PROTOCOL_ID = 0x82
_VERSION = 1
_pack_double = struct.Struct("<d").pack


def zigzag(value: int) -> bytes:
    """A signed 64-bit integer as a zigzag varint."""
    return varint(((value << 1) ^ (value >> 63)) & 0xFFFFFFFFFFFFFFFF)


def signed64(value: int) -> int:
    """An unsigned 64-bit id as the signed i64 Thrift carries."""
    return value - (1 << 64) if value >= 1 << 63 else value


def list_header(size: int, element_type: int) -> bytes:
    if size < 15:
        return bytes([size << 4 | element_type])
    return bytes([0xF0 | element_type]) + varint(size)


def message_header(name: str, seqid: int) -> bytes:
    """The header of a oneway call to ``name``."""
    encoded = name.encode()
    header = bytes([_PROTOCOL_ID, _ONEWAY << 5 | _VERSION]) + varint(seqid)
    return header + varint(len(encoded)) + encoded


class StructWriter:
    """Writes one struct's fields in increasing id order; :meth:`end` adds the stop byte."""

    __slots__ = ("_last", "_parts")

    def __init__(self) -> None:
        self._parts: List[bytes] = []
        self._last = 0

    def _field(self, field_id: int, field_type: int) -> None:
        delta = field_id - self._last
        if 0 < delta <= 15:
            self._parts.append(bytes([delta << 4 | field_type]))
        else:
            self._parts.append(bytes([field_type]) + zigzag(field_id))
        self._last = field_id

    def i32(self, field_id: int, value: int) -> StructWriter:
        self._field(field_id, I32)
        self._parts.append(zigzag(value))
        return self

    def i64(self, field_id: int, value: int) -> StructWriter:
        self._field(field_id, I64)
        self._parts.append(zigzag(value))
        return self

    def double(self, field_id: int, value: float) -> StructWriter:
        self._field(field_id, DOUBLE)
        self._parts.append(_pack_double(value))
        return self

    def boolean(self, field_id: int, value: bool) -> StructWriter:
        self._field(field_id, BOOL_TRUE if value else BOOL_FALSE)
        return self

    def binary(self, field_id: int, value: bytes) -> StructWriter:
        self._field(field_id, BINARY)
        self._parts.append(varint(len(value)) + value)
        return self

    def string(self, field_id: int, value: str) -> StructWriter:
        return self.binary(field_id, value.encode("utf-8", "replace"))

    def struct(self, field_id: int, encoded: bytes) -> StructWriter:
        self._field(field_id, STRUCT)
        self._parts.append(encoded)
        return self

    def struct_list(self, field_id: int, encoded: List[bytes]) -> StructWriter:
        self._field(field_id, LIST)
        self._parts.append(list_header(len(encoded), STRUCT))
        self._parts.extend(encoded)
        return self

    def end(self) -> bytes:
        return b"".join(self._parts) + b"\x00"
