"""W3C Baggage (``baggage`` header), stricter than the API's implementation.

The whole header is taken or refused: one malformed member, more than 180 members, a member over
4096 bytes or a header over 8192 bytes gives no baggage at all (the API keeps the members it
likes). Values are percent-decoded as UTF-8 and ``+`` stays a plus sign (the API decodes it as a
space). Member properties are validated and dropped: the OpenTelemetry API has no place for them.
"""

from __future__ import annotations

import logging
import re
from typing import Dict, List, Optional, Set
from urllib.parse import unquote

from opentelemetry.context import Context
from opentelemetry.propagators.textmap import (
    CarrierT,
    Getter,
    Setter,
    TextMapPropagator,
    default_getter,
    default_setter,
)

from otelbridge.sdk.propagation._baggage import (
    MAX_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    TOKEN,
    base_of,
    sendable_entries,
    with_baggage,
)
from otelbridge.sdk.propagation._carrier import values_of

__all__ = ["W3CBaggagePropagator", "parse_baggage"]

_logger = logging.getLogger(__name__)
BAGGAGE = "baggage"
_OCTETS = r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*"
_OWS = r"[ \t]*"
_MEMBER = re.compile(
    rf"{_OWS}({TOKEN}){_OWS}={_OWS}({_OCTETS}){_OWS}"
    rf"(?:;{_OWS}{TOKEN}{_OWS}(?:={_OWS}{_OCTETS}{_OWS})?)*"
)


def parse_baggage(values: Optional[List[object]]) -> Optional[Dict[str, str]]:
    """The entries of the ``baggage`` header's values, or ``None`` if any rule is broken."""
    if not values or any(type(value) is not str for value in values):
        return None
    header = ",".join(values)  # type: ignore[arg-type]  # all str, checked above
    if len(header) > MAX_BYTES or not header.isascii():
        return None
    entries: Dict[str, str] = {}
    count = 0
    for member in header.split(","):
        if not member.strip(" \t"):
            continue
        count += 1
        if count > MAX_MEMBERS or len(member) > MAX_MEMBER_BYTES:
            return None
        match = _MEMBER.fullmatch(member)
        if match is None:
            return None
        key, value = match.groups()
        if "%" in value:
            try:
                value = unquote(value, errors="strict")
            except UnicodeDecodeError:
                return None
        entries[key] = value
    return entries


class W3CBaggagePropagator(TextMapPropagator):
    """W3C ``baggage``."""

    __slots__ = ()

    def extract(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        values = values_of(getter, carrier, BAGGAGE)
        if not values:
            return base_of(context)
        entries = parse_baggage(values)
        if entries is None:
            _logger.debug("Ignoring malformed or oversized baggage")
            return base_of(context)
        return with_baggage(entries, context) if entries else base_of(context)

    def inject(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        header = ",".join(
            f"{key}={value}" for key, value in sendable_entries(context, encode=True, overhead=2)
        )
        if header:
            setter.set(carrier, BAGGAGE, header)

    @property
    def fields(self) -> Set[str]:
        return {BAGGAGE}
