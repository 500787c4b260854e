"""Fixed-width hex ids without a regex: ``bytes.fromhex`` validates and decodes in C.

``fromhex`` skips whitespace between byte pairs, so a text of exactly ``2 * size`` characters that
decodes to ``size`` bytes has no whitespace and only hex digits (either case).
"""

from __future__ import annotations

_fromhex = bytes.fromhex
_from_bytes = int.from_bytes


def hex_id(text: str, size: int) -> int:
    """The id spelled by exactly ``2 * size`` hex digits, or -1 (never raises for ``str``)."""
    if len(text) != 2 * size:
        return -1
    try:
        raw = _fromhex(text)
    except ValueError:
        return -1
    return _from_bytes(raw, "big") if len(raw) == size else -1


def trace_id_64_or_128(text: str) -> int:
    """A B3/OT trace id: 16 or 32 hex digits (64-bit ids are widened), or -1."""
    return hex_id(text, len(text) // 2) if len(text) in (16, 32) else -1
