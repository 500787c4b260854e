"""Turning parsed ids into an OpenTelemetry ``Context`` and back, without the API's re-validation.

Every propagator validates ids itself before calling :func:`remote_context`, so the span context
is built with ``tuple.__new__`` (the API's ``SpanContext.__new__`` would check the ranges again),
the ``NonRecordingSpan`` without a Python ``__init__`` call, and the context is one dict copy
instead of ``set_span_in_context``'s generic path. Extract pays this on every request.
"""

from __future__ import annotations

from typing import Optional

from opentelemetry import context as context_api
from opentelemetry.context import Context
from opentelemetry.trace import (
    DEFAULT_TRACE_STATE,
    NonRecordingSpan,
    SpanContext,
    TraceFlags,
    TraceState,
)
from opentelemetry.trace.propagation import _SPAN_KEY

MAX_TRACE_ID = (1 << 128) - 1
MAX_SPAN_ID = (1 << 64) - 1
SAMPLED = TraceFlags(TraceFlags.SAMPLED)
NOT_SAMPLED = TraceFlags(TraceFlags.DEFAULT)
#: The shared ``TraceFlags`` instance of each byte value: no allocation (or call) per request.
BYTE_FLAGS = tuple(TraceFlags(value) for value in range(256))
_new_tuple = tuple.__new__
_new_object = object.__new__
_set_item = dict.__setitem__


def valid_ids(trace_id: int, span_id: int) -> bool:
    return 0 < trace_id <= MAX_TRACE_ID and 0 < span_id <= MAX_SPAN_ID


def remote_span_context(
    trace_id: int,
    span_id: int,
    flags: TraceFlags,
    trace_state: TraceState = DEFAULT_TRACE_STATE,
) -> SpanContext:
    """A remote, valid ``SpanContext``; callers guarantee the ids are in range and non-zero."""
    return _new_tuple(SpanContext, (trace_id, span_id, True, flags, trace_state, True))


def with_value(context: Optional[Context], key: str, value: object) -> Context:
    """A copy of ``context`` (default: an empty one) with ``key`` set: one dict copy, no more."""
    if not context:
        return Context({key: value})
    copy = Context(context)
    _set_item(copy, key, value)  # Context.__setitem__ refuses; this copy is not shared yet
    return copy


def remote_context(
    trace_id: int,
    span_id: int,
    flags: TraceFlags,
    context: Optional[Context],
    trace_state: TraceState = DEFAULT_TRACE_STATE,
) -> Context:
    """``context`` (default: an empty one, as the API's propagators do) with the remote span."""
    span = _new_object(NonRecordingSpan)
    span._context = remote_span_context(trace_id, span_id, flags, trace_state)  # all __init__ does
    return with_value(context, _SPAN_KEY, span)


def unchanged(context: Optional[Context]) -> Context:
    """Extract's answer to missing or malformed input: the caller's context, or an empty one."""
    return Context() if context is None else context


def valid_span_context(context: Optional[Context]) -> Optional[SpanContext]:
    """The span context to inject from ``context`` (default: current), or ``None`` if invalid."""
    base = context_api.get_current() if context is None else context
    span = base.get(_SPAN_KEY)
    if span is None:
        return None
    span_context: SpanContext = span.get_span_context()  # type: ignore[attr-defined]  # a Span
    return span_context if span_context.is_valid else None
