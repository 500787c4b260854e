"""The inject half the trace-context formats share: without a valid span context, nothing is sent.

Extract stays in each format's class: it is the hot half (every request) and one more call there
would cost a measurable share of it; inject runs once per outgoing request.
"""

from __future__ import annotations

import abc
from typing import Optional

from opentelemetry.context import Context
from opentelemetry.propagators.textmap import (
    CarrierT,
    Setter,
    TextMapPropagator,
    default_setter,
)
from opentelemetry.trace import SpanContext

from otelbridge.sdk.propagation._context import valid_span_context


class SpanContextPropagator(TextMapPropagator):
    """A propagator whose :meth:`inject` looks the span context up once and hands a valid one to
    :meth:`_write`; an invalid or missing one writes nothing (as the specification requires)."""

    __slots__ = ()

    def inject(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,  # type: ignore[assignment]
    ) -> None:
        span_context = valid_span_context(context)
        if span_context is not None:
            self._write(carrier, setter, span_context, context)

    @abc.abstractmethod
    def _write(
        self,
        carrier: CarrierT,
        setter: Setter[CarrierT],
        span_context: SpanContext,
        context: Optional[Context],
    ) -> None:
        """Set this format's headers for ``span_context``; ``context`` is inject's own (baggage)."""
