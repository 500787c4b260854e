"""OpenCensus APIs implemented on OpenTelemetry: trace (``otelbridge.shims.opencensus.trace``)."""

from otelbridge.shims.opencensus.trace import (
    ContextTracer,
    SpanShim,
    Tracer,
    context_tracer_for,
)

__all__ = ["ContextTracer", "SpanShim", "Tracer", "context_tracer_for"]
