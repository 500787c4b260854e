"""Reading header values defensively: carriers come from the network and getters from anywhere."""

from __future__ import annotations

import logging
from typing import Any, Iterable, List, Optional

from opentelemetry.propagators.textmap import CarrierT, Getter

_logger = logging.getLogger(__name__)


def values_of(getter: Getter[CarrierT], carrier: CarrierT, key: str) -> Optional[List[Any]]:
    """All values of ``key``, or ``None`` (also when the getter cannot read the carrier)."""
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
    values = values_of(getter, carrier, key)
    if not values:
        return None
    value = values[0]
    if len(values) != 1 and any(other != value for other in values):
        return None
    return value if type(value) is str else None


def keys_with_prefix(getter: Getter[CarrierT], carrier: CarrierT, prefix: str) -> Iterable[str]:
    """The carrier's keys starting with ``prefix`` (case-insensitively), spelled as sent."""
    try:
        keys = getter.keys(carrier)
    except Exception:
        _logger.debug("Cannot list the carrier's keys", exc_info=True)
        return ()
    size = len(prefix)
    return [key for key in keys if type(key) is str and key[:size].lower() == prefix]
