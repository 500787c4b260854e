"""Reading integer settings from ``OTEL_*`` variables with errors that name the variable."""

from __future__ import annotations

import os
from typing import Optional

from otelbridge.sdk.environment_variables import OTEL_SDK_DISABLED


def sdk_disabled() -> bool:
    """``OTEL_SDK_DISABLED=true`` (case-insensitive) turns the SDK into no-ops."""
    return os.environ.get(OTEL_SDK_DISABLED, "").strip().lower() == "true"


def env_int(env_var: str) -> Optional[int]:
    """The variable as an int, ``None`` when unset or blank; ``ValueError`` naming the
    variable when it is not an integer."""
    raw = os.environ.get(env_var, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{env_var} must be an integer, got {raw!r}") from None


def check_at_least(value: int, minimum: int, env_var: str) -> int:
    """``value`` if it is ``>= minimum``; otherwise ``ValueError`` naming the variable."""
    if value < minimum:
        raise ValueError(f"{env_var} must be an integer >= {minimum}, got {value}")
    return value
