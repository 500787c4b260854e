"""Fixed-width hex ids without a regex: ``bytes.fromhex`` validates and decodes in C.

``fromhex`` skips whitespace between byte pairs, so a text of ``2 * n`` characters that decodes to
``n`` bytes has no whitespace and only hex digits (either case).
"""

from __future__ import annotations

_fromhex = bytes.fromhex
_from_bytes = int.from_bytes


def hex_id(text: str, digits: int, or_digits: int = -1) -> int:
    """The id spelled by exactly ``digits`` (or ``or_digits``) hex digits, or -1.

    Never raises for ``str``. B3 and OT trace ids may have 32 or 16 digits (64-bit ids widen).
    """
    size = len(text)
    if size != digits and size != or_digits:
        return -1
    try:
        raw = _fromhex(text)
    except ValueError:
        return -1
    return _from_bytes(raw, "big") if 2 * len(raw) == size else -1
