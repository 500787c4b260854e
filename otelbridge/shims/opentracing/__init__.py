"""The OpenTracing API implemented on OpenTelemetry (the specification's OpenTracing shim).

``TracerShim(tracer_provider)`` is an ``opentracing.Tracer``; its spans are OpenTelemetry spans
and its scope manager lives on OpenTelemetry's context, so legacy and native spans nest freely.
"""

from otelbridge.shims.opentracing.scope import ScopeManagerShim, ScopeShim
from otelbridge.shims.opentracing.span import SpanShim
from otelbridge.shims.opentracing.span_context import SpanContextShim
from otelbridge.shims.opentracing.tracer import TRACER_NAME, TracerShim, create_tracer

__all__ = [
    "TRACER_NAME",
    "ScopeManagerShim",
    "ScopeShim",
    "SpanContextShim",
    "SpanShim",
    "TracerShim",
    "create_tracer",
]
