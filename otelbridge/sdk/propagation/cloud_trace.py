"""Google Cloud's ``X-Cloud-Trace-Context: {trace id}/{span id}[;o={options}]`` (OpenCensus).

The trace id is 32 hex digits, the span id an unsigned 64-bit *decimal* number, and bit 1 of the
options means sampled; a missing ``;o=`` means not sampled.
"""

from __future__ import annotations

import logging
import re
from typing import Dict, Optional, Set

from opentelemetry.context import Context
from opentelemetry.propagators.textmap import (
    CarrierT,
    Getter,
    Setter,
    TextMapPropagator,
    default_getter,
    default_setter,
)
from opentelemetry.trace import TraceFlags

from otelbridge.sdk.propagation._carrier import single_value
from otelbridge.sdk.propagation._context import (
    MAX_SPAN_ID,
    NOT_SAMPLED,
    SAMPLED,
    remote_context,
    unchanged,
    valid_span_context,
)

__all__ = ["CloudTraceFormatPropagator"]

_logger = logging.getLogger(__name__)
HEADER = "x-cloud-trace-context"
#: Trace id, span id and the last digit of the options (its parity is the sampled bit).
_VALUE = re.compile(r"[ \t]*([0-9a-fA-F]{32})/([0-9]{1,20})(?:;o=[0-9]{0,2}([0-9]))?[ \t]*")
_FLAGS: Dict[Optional[str], TraceFlags] = {
    None: NOT_SAMPLED,  # no options
    **{digit: SAMPLED if int(digit) & 1 else NOT_SAMPLED for digit in "0123456789"},
}


class CloudTraceFormatPropagator(TextMapPropagator):
    """``X-Cloud-Trace-Context``."""

    __slots__ = ()

    def extract(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        header = single_value(getter, carrier, HEADER)
        if header is None:
            return unchanged(context)
        match = _VALUE.fullmatch(header)
        if match is None:
            _logger.debug("Ignoring malformed X-Cloud-Trace-Context")
            return unchanged(context)
        trace_hex, span_decimal, options_digit = match.groups()
        trace_id = int(trace_hex, 16)
        span_id = int(span_decimal)
        if trace_id == 0 or not 0 < span_id <= MAX_SPAN_ID:
            return unchanged(context)
        return remote_context(trace_id, span_id, _FLAGS[options_digit], context)

    def inject(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        span_context = valid_span_context(context)
        if span_context is None:
            return
        sampled = span_context.trace_flags & 1
        setter.set(
            carrier, HEADER, f"{span_context.trace_id:032x}/{span_context.span_id};o={sampled}"
        )

    @property
    def fields(self) -> Set[str]:
        return {HEADER}
