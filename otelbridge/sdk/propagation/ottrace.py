"""OT trace, the headers of OpenTracing's basictracer and Lightstep tracers.

``ot-tracer-traceid`` (16 or 32 hex digits), ``ot-tracer-spanid`` (16), ``ot-tracer-sampled``
(``true``/``false``, or ``1``/``0`` as the Go tracer writes), ``ot-baggage-<key>`` (raw values).
We send the low 64 bits of the trace id (16 digits) because those tracers keep 64-bit ids; a 128-bit
id therefore comes back truncated, as with every OT-trace implementation.
"""

from __future__ import annotations

import logging
from typing import Optional, Set

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
    MAX_SPAN_ID,
    NOT_SAMPLED,
    SAMPLED,
    remote_context,
    unchanged,
    valid_span_context,
)
from otelbridge.sdk.propagation._hex import hex_id

__all__ = ["OTTracePropagator"]

_logger = logging.getLogger(__name__)
TRACE_ID_HEADER = "ot-tracer-traceid"
SPAN_ID_HEADER = "ot-tracer-spanid"
SAMPLED_HEADER = "ot-tracer-sampled"
BAGGAGE_PREFIX = "ot-baggage-"
_SAMPLED = {"true": SAMPLED, "1": SAMPLED, "false": NOT_SAMPLED, "0": NOT_SAMPLED}


class OTTracePropagator(TextMapPropagator):
    """``ot-tracer-*`` and ``ot-baggage-*`` headers."""

    __slots__ = ()

    def extract(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        trace_hex = single_value(getter, carrier, TRACE_ID_HEADER)
        span_hex = single_value(getter, carrier, SPAN_ID_HEADER)
        if trace_hex is None or span_hex is None:
            return unchanged(context)
        sampled = single_value(getter, carrier, SAMPLED_HEADER)
        flags = NOT_SAMPLED if sampled is None else _SAMPLED.get(sampled.lower())
        trace_id = hex_id(trace_hex, 32, 16)
        span_id = hex_id(span_hex, 16)
        baggage = prefixed_entries(getter, carrier, BAGGAGE_PREFIX, decode=False)
        if flags is None or trace_id <= 0 or span_id <= 0 or baggage is None:
            _logger.debug("Ignoring malformed or oversized ot-tracer headers")
            return unchanged(context)
        traced = remote_context(trace_id, span_id, flags, context)
        return with_baggage(baggage, traced) if baggage else traced

    def inject(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        span_context = valid_span_context(context)
        if span_context is None:
            return
        setter.set(carrier, TRACE_ID_HEADER, f"{span_context.trace_id & MAX_SPAN_ID:016x}")
        setter.set(carrier, SPAN_ID_HEADER, f"{span_context.span_id:016x}")
        setter.set(carrier, SAMPLED_HEADER, "true" if span_context.trace_flags & 1 else "false")
        overhead = len(BAGGAGE_PREFIX)
        for key, value in sendable_entries(context, encode=False, overhead=overhead):
            setter.set(carrier, BAGGAGE_PREFIX + key, value)

    @property
    def fields(self) -> Set[str]:
        return {TRACE_ID_HEADER, SPAN_ID_HEADER, SAMPLED_HEADER}
