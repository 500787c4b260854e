"""``ScopeShim`` and ``ScopeManagerShim``: the active span kept in OpenTelemetry's context.

Activation writes the OpenTelemetry span, its baggage and the scope into a new OpenTelemetry
context and attaches it. Native OpenTelemetry code started inside therefore sees the OpenTracing
span as its parent, OpenTracing code sees natively started spans as active, and both follow
OpenTelemetry's contextvars across threads (explicitly) and asyncio tasks (automatically).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import opentracing
from opentelemetry.context import Context
from opentelemetry.trace import INVALID_SPAN

from otelbridge.shims.opentracing._context import (
    BAGGAGE_KEY,
    EMPTY_BAGGAGE,
    SCOPE_KEY,
    SPAN_KEY,
    attach,
    get_current,
)
from otelbridge.shims.opentracing.span import SpanShim

if TYPE_CHECKING:
    from otelbridge.shims.opentracing.tracer import TracerShim

# Anchor of a scope that activated ``None``: matches no span, so that scope is never "active".
_NOTHING = object()


class ScopeShim(opentracing.Scope):
    """The active period of a span; closing it restores the context that was current before.

    Only the active scope closes (as OpenTracing's reference scope managers do); closing it
    again, or closing a scope that wraps a natively started span, does nothing.
    """

    __slots__ = ("_anchor", "_finish_on_close", "_manager", "_previous", "_span")

    def __init__(
        self,
        manager: ScopeManagerShim,
        span: opentracing.Span,
        finish_on_close: bool,
        anchor: object,
        previous: Optional[Context] = None,
    ) -> None:
        self._manager = manager
        self._span = span
        self._finish_on_close = finish_on_close
        # The OpenTelemetry span this scope made (or found) current; see ScopeManagerShim.active.
        self._anchor = anchor
        # The context to restore on close; None once closed, or for a scope never attached.
        self._previous = previous

    def close(self) -> None:
        previous = self._previous
        if previous is None or get_current().get(SCOPE_KEY) is not self:
            return
        self._previous = None
        # Setting the previous context (rather than resetting a token) also works when the scope
        # is closed from a copy of the context it was activated in, e.g. another asyncio task.
        attach(previous)
        if self._finish_on_close:
            self._span.finish()

    def __exit__(self, exc_type: object, exc_val: object, exc_tb: object) -> None:
        if exc_val is not None:
            # OpenTracing's own Span.__exit__ helper; the stubs leave private names out.
            opentracing.Span._on_error(self._span, exc_type, exc_val, exc_tb)  # type: ignore[attr-defined]  # see above
        self.close()


class ScopeManagerShim(opentracing.ScopeManager):
    """An OpenTracing ``ScopeManager`` on OpenTelemetry's context (contextvars).

    Accepts spans of any OpenTracing tracer; a foreign span is kept active for OpenTracing code
    while OpenTelemetry code keeps seeing the span that was current before it.
    """

    __slots__ = ("_tracer",)

    def __init__(self, tracer: Optional[TracerShim] = None) -> None:
        self._tracer = tracer

    def activate(self, span: Optional[opentracing.Span], finish_on_close: bool) -> ScopeShim:
        previous = get_current()
        values = previous.copy()
        if isinstance(span, SpanShim):
            anchor: object = span._otel_span
            values[SPAN_KEY] = anchor
            values[BAGGAGE_KEY] = span._baggage
        elif span is None:
            # The specification's "no active span nor baggage".
            anchor = _NOTHING
            values[SPAN_KEY] = INVALID_SPAN
            values.pop(BAGGAGE_KEY, None)
            span = SpanShim(self._tracer, INVALID_SPAN, EMPTY_BAGGAGE)
        else:
            anchor = values.get(SPAN_KEY)
        scope = ScopeShim(self, span, finish_on_close, anchor, previous)
        values[SCOPE_KEY] = scope
        attach(Context(values))
        return scope

    @property
    def active(self) -> Optional[ScopeShim]:
        ctx = get_current()
        otel_span = ctx.get(SPAN_KEY)
        scope = ctx.get(SCOPE_KEY)
        # Context values are typed object; a cast would cost a call on this hot read.
        if scope is not None and scope._anchor is otel_span:  # type: ignore[attr-defined]  # a ScopeShim
            return scope  # type: ignore[return-value]  # only activate() sets SCOPE_KEY
        # Not activated through the shim (a native span, or only baggage): wrap what is current.
        baggage = ctx.get(BAGGAGE_KEY) or EMPTY_BAGGAGE
        if otel_span is None or not otel_span.get_span_context().is_valid:  # type: ignore[attr-defined]  # a Span
            if not baggage:
                return None
            otel_span = INVALID_SPAN
        wrapper = SpanShim(self._tracer, otel_span, baggage)  # type: ignore[arg-type]  # ditto
        return ScopeShim(self, wrapper, False, otel_span)
