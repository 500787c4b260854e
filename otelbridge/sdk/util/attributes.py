"""Attribute validation and limits, shared by spans, events, links, resources and scopes.

The common case (a ``str`` key with a ``str``/``int``/``float``/``bool`` value) is a couple of
``type(...) is`` checks; everything else goes through :func:`clean_value`. Invalid input never
raises: the attribute is dropped and one warning names the key.
"""

from __future__ import annotations

import enum
import logging
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
    cast,
)

if TYPE_CHECKING:
    from opentelemetry.util.types import AttributeValue

_logger = logging.getLogger(__name__)


class _Invalid(enum.Enum):
    """The type of :data:`INVALID`: an enum member, so that ``value is INVALID`` narrows."""

    INVALID = "invalid"


#: What :func:`clean_value` returns for a value that must be dropped.
INVALID = _Invalid.INVALID
#: A cleaned value, or :data:`INVALID`.
Cleaned = Union["AttributeValue", Literal[_Invalid.INVALID]]

_SCALARS = (str, bool, int, float)


def _warn(key: object, reason: str) -> None:
    _logger.warning("Attribute %r dropped: %s", key, reason)


def valid_key(key: object) -> bool:
    """Keys must be non-empty strings; warns about anything else."""
    if type(key) is str and key:
        return True
    _warn(key, "the key must be a non-empty string")
    return False


def _truncate(value: str, max_len: Optional[int]) -> str:
    return value if max_len is None or len(value) <= max_len else value[:max_len]


def clean_value(key: str, value: object, max_len: Optional[int]) -> Cleaned:
    """A valid attribute value for ``value`` (truncated, sequences as tuples) or :data:`INVALID`.

    Valid values are str, bool, int, float, bytes (decoded as UTF-8) and homogeneous sequences
    of those; ``None`` is allowed inside sequences only.
    """
    if type(value) is str:
        return _truncate(value, max_len)
    if type(value) is bool or type(value) is int or type(value) is float:
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return _truncate(bytes(value).decode("utf-8"), max_len)
        except UnicodeDecodeError:
            _warn(key, "bytes values must be valid UTF-8")
            return INVALID
    if isinstance(value, _SCALARS):  # subclasses such as IntEnum or str subclasses
        base = next(t for t in (bool, str, int, float) if isinstance(value, t))
        return clean_value(key, base(value), max_len)
    if isinstance(value, (Sequence, set, frozenset)):
        return _clean_sequence(key, value, max_len)
    _warn(key, f"values of type {type(value).__name__} are not allowed")
    return INVALID


def _clean_sequence(key: str, values: Iterable[object], max_len: Optional[int]) -> Cleaned:
    element_type: Optional[type] = None
    cleaned: list[object] = []
    for element in values:
        if element is None:
            cleaned.append(None)
            continue
        kind = type(element)
        if kind not in _SCALARS:
            _warn(key, f"sequence elements of type {kind.__name__} are not allowed")
            return INVALID
        if element_type is None:
            element_type = kind
        elif kind is not element_type:
            _warn(key, "sequence elements must all have the same type")
            return INVALID
        cleaned.append(_truncate(element, max_len) if isinstance(element, str) else element)
    # homogeneous (checked above): one of AttributeValue's sequence types, with None allowed
    return cast("AttributeValue", tuple(cleaned))


def clean_attributes(
    attributes: Optional[Mapping[str, Any]],  # Any: the loop dispatches on a type() local
    max_count: Optional[int],
    max_len: Optional[int],
) -> Tuple[Dict[str, AttributeValue], int]:
    """A fresh dict of the valid attributes (at most ``max_count``) and how many were dropped
    for going over the limit. Invalid ones are dropped with a warning and not counted."""
    result: Dict[str, AttributeValue] = {}
    if not attributes:
        return result, 0
    dropped = 0
    for key, value in attributes.items():
        kind = type(value)
        if kind is str:
            if max_len is not None and len(value) > max_len:
                value = value[:max_len]
        elif kind is not int and kind is not float and kind is not bool:
            value = clean_value(key, value, max_len)
            if value is INVALID:
                continue
        if type(key) is not str or not key:
            valid_key(key)
            continue
        if max_count is not None and len(result) >= max_count and key not in result:
            dropped += 1
            continue
        result[key] = value
    return result, dropped
