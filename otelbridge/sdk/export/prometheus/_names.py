"""The spec's OpenTelemetry-to-Prometheus name conversion (metric names, units, labels)."""

from __future__ import annotations

import re
from typing import Optional

_INVALID_METRIC_CHARS = re.compile(r"[^a-zA-Z0-9_:]+")
_INVALID_LABEL_CHARS = re.compile(r"[^a-zA-Z0-9_]+")
_UNDERSCORES = re.compile(r"__+")
_ANNOTATION = re.compile(r"\{[^}]*\}")

# UCUM units (as OpenTelemetry semantic conventions use them) to Prometheus' plural words.
_UNITS = {
    "d": "days",
    "h": "hours",
    "min": "minutes",
    "s": "seconds",
    "ms": "milliseconds",
    "us": "microseconds",
    "ns": "nanoseconds",
    "By": "bytes",
    "KiBy": "kibibytes",
    "MiBy": "mebibytes",
    "GiBy": "gibibytes",
    "TiBy": "tibibytes",
    "KBy": "kilobytes",
    "MBy": "megabytes",
    "GBy": "gigabytes",
    "TBy": "terabytes",
    "m": "meters",
    "V": "volts",
    "A": "amperes",
    "J": "joules",
    "W": "watts",
    "g": "grams",
    "Cel": "celsius",
    "Hz": "hertz",
    "%": "percent",
}
# The denominator of "x/y" units, singular.
_PER_UNITS = {
    "s": "second",
    "m": "minute",
    "h": "hour",
    "d": "day",
    "w": "week",
    "mo": "month",
    "y": "year",
}


def _clean(text: str, invalid: re.Pattern[str]) -> str:
    return _UNDERSCORES.sub("_", invalid.sub("_", text))


def unit_suffix(unit: Optional[str], is_gauge: bool) -> str:
    """``ms`` -> ``milliseconds``, ``By/s`` -> ``bytes_per_second``, ``1`` -> ``ratio`` for
    gauges (nothing otherwise); ``{annotations}`` are dropped."""
    text = _ANNOTATION.sub("", unit or "").strip()
    if text == "1":
        return "ratio" if is_gauge else ""
    if not text:
        return ""
    numerator, _, denominator = text.partition("/")
    words = _UNITS.get(numerator, numerator)
    if denominator:
        per = _PER_UNITS.get(denominator, denominator)
        words = f"{words}_per_{per}" if words else f"per_{per}"
    return _clean(words, _INVALID_LABEL_CHARS).strip("_")


def metric_name(name: str, unit: Optional[str], *, is_counter: bool, is_gauge: bool) -> str:
    """The Prometheus family name: invalid characters to ``_``, the unit appended unless it is
    already there; for counters without ``_total`` (the exposition adds it to the sample)."""
    converted = _clean(name, _INVALID_METRIC_CHARS)
    if converted[:1].isdigit():
        converted = "_" + converted
    if is_counter and converted.endswith("_total"):
        converted = converted[: -len("_total")]
    suffix = unit_suffix(unit, is_gauge)
    if suffix and not converted.endswith("_" + suffix):
        converted = f"{converted}_{suffix}"
    return converted


def label_name(key: str) -> str:
    """Invalid characters to ``_``; a leading digit gets a ``key_`` prefix."""
    converted = _clean(key, _INVALID_LABEL_CHARS)
    if converted[:1].isdigit():
        converted = "key_" + converted
    return converted
