"""Reading header values defensively: carriers come from the network and getters from anywhere.

With the API's default getter on a plain ``dict`` (the common case) we read the dict directly:
``DefaultGetter.get`` spends most of its time in an ``isinstance(value, typing.Iterable)`` check.
"""

from __future__ import annotations

import logging
from typing import Any, List, Optional, Sequence

from opentelemetry.propagators.textmap import CarrierT, Getter, default_getter

_logger = logging.getLogger(__name__)
_default = default_getter


def values_of(getter: Getter[CarrierT], carrier: CarrierT, key: str) -> Optional[List[Any]]:
    """All values of ``key``, or ``None`` (also when the getter cannot read the carrier)."""
    if getter is _default and type(carrier) is dict:
        value = carrier.get(key)  # type: ignore[attr-defined]  # a dict: type() is not narrowed
        if value is None or type(value) is str:
            return None if value is None else [value]
    try:
        return getter.get(carrier, key)
    except Exception:
        _logger.debug("Cannot read %s from the carrier", key, exc_info=True)
        return None


def single_value(getter: Getter[CarrierT], carrier: CarrierT, key: str) -> Optional[str]:
    """The one text value of ``key``; ``None`` when missing, repeated or not text.

    A header repeated with different values is ambiguous (two senders, or a proxy that appended), so
    it is ignored rather than guessed.
    """
    if getter is _default and type(carrier) is dict:
        value = carrier.get(key)  # type: ignore[attr-defined]  # a dict: type() is not narrowed
        if value is None or type(value) is str:
            return value
    values = values_of(getter, carrier, key)
    if not values:
        return None
    value = values[0]
    if len(values) != 1 and any(other != value for other in values):
        return None
    return value if type(value) is str else None


def keys_mentioning(getter: Getter[CarrierT], carrier: CarrierT, text: str) -> Sequence[Any]:
    """The carrier's keys if one of them may contain ``text`` (lower case), else none.

    A cheap filter for headers sent one per entry (``uberctx-*``): the usual answer is "none",
    found by one search in the joined, lower-cased keys (all in C) instead of a loop over them.
    Keys are returned as the getter gives them (not necessarily text); callers check each one.
    """
    if getter is _default and type(carrier) is dict:
        keys: Sequence[Any] = carrier  # type: ignore[assignment]  # a dict, joined as its keys
    else:
        try:
            keys = list(getter.keys(carrier))
        except Exception:
            _logger.debug("Cannot list the carrier's keys", exc_info=True)
            return ()
    try:
        return keys if text in "\n".join(keys).lower() else ()
    except TypeError:  # a key that is not text: let the caller look at each one
        return keys
