"""``SpanContextShim``: an immutable OpenTracing SpanContext over OpenTelemetry's."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

import opentracing
from opentelemetry.trace import SpanContext

from otelbridge.shims.opentracing._context import EMPTY_BAGGAGE


class SpanContextShim(opentracing.SpanContext):
    """An OpenTelemetry ``SpanContext`` plus the OpenTracing baggage that travels with it.

    Immutable, as the specification requires: ``SpanShim.set_baggage_item`` gives the span a new
    context instead of changing this one.
    """

    __slots__ = ("_baggage", "_otel_context")

    def __init__(
        self, otel_context: SpanContext, baggage: Mapping[str, object] = EMPTY_BAGGAGE
    ) -> None:
        self._otel_context = otel_context
        self._baggage = baggage

    # A read-only view where the stubs say ``dict``: the specification makes the context immutable.
    @property
    def baggage(self) -> Mapping[str, object]:  # type: ignore[override]  # see above
        """The baggage items, read-only."""
        baggage = self._baggage
        return baggage if type(baggage) is MappingProxyType else MappingProxyType(baggage)

    def unwrap(self) -> SpanContext:
        """The underlying OpenTelemetry ``SpanContext``."""
        return self._otel_context

    def __repr__(self) -> str:
        ctx = self._otel_context
        return (
            f"SpanContextShim(trace_id={ctx.trace_id:032x}, span_id={ctx.span_id:016x}, "
            f"baggage={dict(self._baggage)!r})"
        )
