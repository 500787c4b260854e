"""W3C Trace Context (``traceparent``/``tracestate``), stricter than the API's implementation.

Where the API is lenient we follow the W3C recommendation: a repeated ``traceparent`` with
different values is ignored, version ``00`` must be exactly 55 characters, later versions are
parsed for their first four fields, version ``ff`` is rejected, unknown flag bits are cleared, and
``tracestate`` is taken whole or not at all (Trace Context Level 2's key/value grammar, at most 32
members) instead of member by member. A repeated key keeps its first (most recent) member, as
Level 2 allows: "only one entry per key".
"""

from __future__ import annotations

import logging
import re
from typing import Dict, List, Optional, Set

from opentelemetry.context import Context
from opentelemetry.propagators.textmap import (
    CarrierT,
    Getter,
    Setter,
    TextMapPropagator,
    default_getter,
    default_setter,
)
from opentelemetry.trace import DEFAULT_TRACE_STATE, TraceState

from otelbridge.sdk.propagation._carrier import single_value, values_of
from otelbridge.sdk.propagation._context import (
    BYTE_FLAGS,
    remote_context,
    unchanged,
    valid_span_context,
)
from otelbridge.sdk.propagation._hex import hex_id

__all__ = ["TraceContextTextMapPropagator", "parse_tracestate", "tracestate_header"]

_logger = logging.getLogger(__name__)
TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"
MAX_TRACESTATE_MEMBERS = 32
#: The W3C advice: senders keep tracestate within 512 characters, dropping long members first.
TRACESTATE_SEND_LIMIT = 512
_LONG_MEMBER = 128
_MAX_TRACEPARENT_LENGTH = 512
_KNOWN_FLAGS = 0x03  # sampled, random trace id
#: Every two-digit flags field to its TraceFlags with unknown bits cleared (a lookup, not int()).
_FLAGS = {f"{value:02x}": BYTE_FLAGS[value & _KNOWN_FLAGS] for value in range(256)}
_MAX_MEMBER = 256 + 1 + 256
_MAX_TRACESTATE_LENGTH = MAX_TRACESTATE_MEMBERS * (_MAX_MEMBER + 3)

#: Versions we parse: lower-case hex, except ``ff`` (invalid by definition).
_VERSIONS = frozenset(f"{value:02x}" for value in range(255))
#: Level 2: ``key = ( lcalpha / DIGIT ) 0*255 ( keychar )``, ``@`` being one of the keychars.
_KEY = r"[a-z0-9][_0-9a-z\-*/@]{0,255}"
_VALUE = r"[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]"
_MEMBER = re.compile(rf"({_KEY})=({_VALUE})")
_new_state = TraceState.__new__


def _trace_state(pairs: Dict[str, str]) -> TraceState:
    """A ``TraceState`` from pairs we already validated (the API would re-check each one)."""
    state = _new_state(TraceState)
    state._dict = pairs
    return state


def parse_tracestate(values: Optional[List[object]]) -> Optional[TraceState]:
    """The ``tracestate`` header (its field values combined with ``,``), or ``None`` if invalid.

    Members are matched one by one: a single regex over the whole list backtracks badly on
    hostile input (thousands of empty members, long runs of spaces).
    """
    if not values:
        return None
    if len(values) == 1:
        header = values[0]
        if type(header) is not str:
            return None
    elif all(type(value) is str for value in values):
        header = ",".join(values)  # type: ignore[arg-type]  # all str, checked above
    else:
        return None
    if len(header) > _MAX_TRACESTATE_LENGTH:
        return None
    pairs: Dict[str, str] = {}
    for member in header.split(","):
        member = member.strip(" \t")
        if not member:
            continue
        match = _MEMBER.fullmatch(member)
        if match is None:
            return None
        key, value = match.groups()
        if key in pairs:
            continue
        if len(pairs) == MAX_TRACESTATE_MEMBERS:
            return None
        pairs[key] = value
    return _trace_state(pairs) if pairs else DEFAULT_TRACE_STATE


def tracestate_header(state: TraceState) -> str:
    """``state`` as a header within the W3C's 512-character advice (long members go first)."""
    members = [f"{key}={value}" for key, value in state.items()]
    header = ",".join(members)
    if len(header) <= TRACESTATE_SEND_LIMIT:
        return header
    members = [member for member in members if len(member) <= _LONG_MEMBER]
    while members and len(",".join(members)) > TRACESTATE_SEND_LIMIT:
        members.pop()
    return ",".join(members)


class TraceContextTextMapPropagator(TextMapPropagator):
    """W3C ``traceparent`` and ``tracestate``."""

    __slots__ = ()

    def extract(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        header = single_value(getter, carrier, TRACEPARENT)
        if header is None or len(header) > _MAX_TRACEPARENT_LENGTH:
            return unchanged(context)
        header = header.strip(" \t")
        size = len(header)
        version = header[:2]
        if (
            size < 55
            or version not in _VERSIONS
            or (size > 55 and (version == "00" or header[55] != "-"))
            or header[2] != "-"
            or header[35] != "-"
            or header[52] != "-"
        ):
            _logger.debug("Ignoring malformed traceparent")
            return unchanged(context)
        fields = header[:55]
        flags = _FLAGS.get(header[53:55])
        trace_id = hex_id(header[3:35], 32)
        span_id = hex_id(header[36:52], 16)
        if flags is None or trace_id <= 0 or span_id <= 0 or fields != fields.lower():
            _logger.debug("Ignoring malformed traceparent")
            return unchanged(context)
        state_values = values_of(getter, carrier, TRACESTATE)
        if not state_values:
            return remote_context(trace_id, span_id, flags, context)
        state = parse_tracestate(state_values)
        if state is None:
            _logger.debug("Ignoring malformed tracestate")
            state = DEFAULT_TRACE_STATE
        return remote_context(trace_id, span_id, flags, context, state)

    def inject(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        span_context = valid_span_context(context)
        if span_context is None:
            return
        setter.set(
            carrier,
            TRACEPARENT,
            f"00-{span_context.trace_id:032x}-{span_context.span_id:016x}"
            f"-{span_context.trace_flags & 0xFF:02x}",
        )
        if span_context.trace_state:
            header = tracestate_header(span_context.trace_state)
            if header:
                setter.set(carrier, TRACESTATE, header)

    @property
    def fields(self) -> Set[str]:
        return {TRACEPARENT, TRACESTATE}
