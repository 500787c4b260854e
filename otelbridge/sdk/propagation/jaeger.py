"""Jaeger: ``uber-trace-id: {trace}:{span}:{parent span}:{flags}`` and ``uberctx-*`` baggage.

Ids are hex of 1-32 (trace) and 1-16 (span) digits, as jaeger-client drops leading zeros; the value
may arrive URL-encoded (``%3A`` for ``:``). Flags: ``1`` sampled, ``2`` debug (implies sampled).
Baggage values are URL-encoded on the way out and decoded on the way in, as jaeger-client does for
HTTP. A malformed ``uber-trace-id`` or baggage over the limits refuses the carrier as a whole.
"""

from __future__ import annotations

import logging
import re
from typing import Optional, Set
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
    prefixed_entries,
    sendable_entries,
    with_baggage,
)
from otelbridge.sdk.propagation._carrier import single_value
from otelbridge.sdk.propagation._context import (
    NOT_SAMPLED,
    SAMPLED,
    remote_context,
    unchanged,
    valid_span_context,
)

__all__ = ["JaegerPropagator"]

_logger = logging.getLogger(__name__)
TRACE_ID_HEADER = "uber-trace-id"
BAGGAGE_PREFIX = "uberctx-"
_HEX = "[0-9a-fA-F]"
#: Trace id, span id and the flags' last digit (the one holding the sampled and debug bits).
_HEADER = re.compile(
    rf"[ \t]*({_HEX}{{1,32}}):({_HEX}{{1,16}}):{_HEX}{{1,16}}:{_HEX}?({_HEX})[ \t]*"
)
#: Flags digit to sampling: bit 1 (sampled) or bit 2 (debug, which implies sampled); no int().
_FLAGS = {
    digit: SAMPLED if int(digit, 16) & 3 else NOT_SAMPLED for digit in "0123456789abcdefABCDEF"
}
_MAX_HEADER = 3 * (32 + 16 + 16 + 2 + 3)


class JaegerPropagator(TextMapPropagator):
    """jaeger-client's HTTP propagation (``uber-trace-id`` and ``uberctx-<key>``)."""

    __slots__ = ()

    def extract(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        header = single_value(getter, carrier, TRACE_ID_HEADER)
        baggage = prefixed_entries(getter, carrier, BAGGAGE_PREFIX, decode=True)
        if baggage is None:
            _logger.debug("Ignoring malformed or oversized uberctx-* baggage")
            return unchanged(context)
        if header is None:
            return with_baggage(baggage, context) if baggage else unchanged(context)
        if len(header) > _MAX_HEADER:
            return unchanged(context)
        if "%" in header:
            header = unquote(header)
        match = _HEADER.fullmatch(header)
        if match is None:
            _logger.debug("Ignoring malformed uber-trace-id")
            return unchanged(context)
        trace_hex, span_hex, flags_digit = match.groups()
        trace_id = int(trace_hex, 16)
        span_id = int(span_hex, 16)
        if trace_id == 0 or span_id == 0:
            return unchanged(context)
        traced = remote_context(trace_id, span_id, _FLAGS[flags_digit], context)
        return with_baggage(baggage, traced) if baggage else traced

    def inject(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        span_context = valid_span_context(context)
        if span_context is not None:
            setter.set(
                carrier,
                TRACE_ID_HEADER,
                f"{span_context.trace_id:032x}:{span_context.span_id:016x}:0"
                f":{span_context.trace_flags & SAMPLED:x}",
            )
        overhead = len(BAGGAGE_PREFIX)
        for key, value in sendable_entries(context, encode=True, overhead=overhead):
            setter.set(carrier, BAGGAGE_PREFIX + key, value)

    @property
    def fields(self) -> Set[str]:
        return {TRACE_ID_HEADER}
