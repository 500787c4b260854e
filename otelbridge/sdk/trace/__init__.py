"""The trace SDK, a drop-in for ``opentelemetry.sdk.trace`` (same names and module paths)."""

from otelbridge.sdk.trace._limits import SpanLimits
from otelbridge.sdk.trace._processor import (
    ConcurrentMultiSpanProcessor,
    SpanProcessor,
    SynchronousMultiSpanProcessor,
)
from otelbridge.sdk.trace._provider import TracerProvider
from otelbridge.sdk.trace._span import Event, EventBase, ReadableSpan, Span
from otelbridge.sdk.trace._tracer import Tracer

__all__ = [
    "ConcurrentMultiSpanProcessor",
    "Event",
    "EventBase",
    "ReadableSpan",
    "Span",
    "SpanLimits",
    "SpanProcessor",
    "SynchronousMultiSpanProcessor",
    "Tracer",
    "TracerProvider",
]
