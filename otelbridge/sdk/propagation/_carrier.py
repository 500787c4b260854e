"""Reading header values defensively: carriers come from the network and getters from anywhere.

With the API's default getter on a plain ``dict`` (the common case) we read the dict directly:
``DefaultGetter.get`` spends most of its time in an ``isinstance(value, typing.Iterable)`` check.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, List, Optional

from opentelemetry.propagators.textmap import CarrierT, Getter, default_getter

_logger = logging.getLogger(__name__)
_default = default_getter


def values_of(getter: Getter[CarrierT], carrier: CarrierT, key: str) -> Optional[List[Any]]:
    """All values of ``key``, or ``None`` (also when the getter cannot read the carrier)."""
    if getter is _default and type(carrier) is dict:
        value = carrier.get(key)  # type: ignore[attr-defined]
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
        value = carrier.get(key)  # type: ignore[attr-defined]
        if value is None or type(value) is str:
            return value  # type: ignore[no-any-return]
    values = values_of(getter, carrier, key)
    if not values:
        return None
    value = values[0]
    if len(values) != 1 and any(other != value for other in values):
        return None
    return value if type(value) is str else None


def keys_with_prefix(getter: Getter[CarrierT], carrier: CarrierT, prefix: str) -> Iterable[str]:
    """The carrier's keys starting with ``prefix`` (case-insensitively), spelled as sent."""
    if getter is _default and type(carrier) is dict:
        keys: Iterable[Any] = carrier  # type: ignore[assignment]
    else:
        try:
            keys = getter.keys(carrier)
        except Exception:
            _logger.debug("Cannot list the carrier's keys", exc_info=True)
            return ()
    size = len(prefix)
    try:  # the common case: every key is text
        return [key for key in keys if key[:size].lower() == prefix]
    except (TypeError, AttributeError):
        return [key for key in keys if type(key) is str and key[:size].lower() == prefix]
