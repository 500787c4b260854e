"""Turning legacy tag, log and attribute values into OpenTelemetry attribute values.

OpenTracing and OpenCensus accept anything; OpenTelemetry only str, bool, int, float and
homogeneous sequences of them. The specification asks for unsupported values to become
strings; ``None`` is dropped because no attribute type can carry it.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType
from typing import AbstractSet, Any, Mapping, Optional

from opentelemetry.util.types import AttributeValue

_logger = logging.getLogger(__name__)

_PRIMITIVES = (str, bool, int, float)
_EXACT_PRIMITIVES = frozenset(_PRIMITIVES)  # the common case, checked without a call


def attribute_value(value: Any) -> Optional[AttributeValue]:
    """The attribute value for a legacy tag, log or attribute value, or None to drop it."""
    if isinstance(value, _PRIMITIVES):
        return value
    if value is None:
        _logger.warning("dropping a tag, log field or attribute whose value is None")
        return None
    if isinstance(value, (list, tuple)) and value:
        kind = type(value[0])
        if kind in _PRIMITIVES and all(type(item) is kind for item in value):
            return tuple(value)
    if isinstance(value, type):
        return value.__qualname__
    if isinstance(value, TracebackType):
        return "".join(traceback.format_tb(value))
    return str(value)


def attributes(
    values: Mapping[Any, Any], exclude: AbstractSet[str] = frozenset()
) -> dict[str, AttributeValue]:
    """A new attribute dict from legacy tags, log fields or attributes (but ``exclude``d keys)."""
    result: dict[str, AttributeValue] = {}
    for key, value in values.items():
        if key in exclude:
            continue
        if type(value) not in _EXACT_PRIMITIVES:
            value = attribute_value(value)
            if value is None:
                continue
        result[key if type(key) is str else str(key)] = value
    return result
