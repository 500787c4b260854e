"""The spec's instrument name and unit syntax."""

from __future__ import annotations

import re
from typing import Optional

_NAME = re.compile(r"[a-zA-Z][-_./a-zA-Z0-9]{0,254}")
_UNIT = re.compile(r"[\x00-\x7F]{0,63}")


def instrument_problem(name: object, unit: object) -> Optional[str]:
    """Why ``name``/``unit`` are not a valid instrument identity, or ``None`` when they are."""
    if not isinstance(name, str) or _NAME.fullmatch(name) is None:
        return (
            f"invalid instrument name {name!r}: it must start with a letter and hold at most "
            "255 characters of letters, digits, '_', '.', '-' and '/'"
        )
    if not isinstance(unit, str) or _UNIT.fullmatch(unit) is None:
        return f"invalid unit {unit!r} for instrument {name!r}: at most 63 ASCII characters"
    return None
