"""OpenCensus' trace API on OpenTelemetry (see docs/opencensus.md)."""

from otelbridge.shims.opencensus.trace._convert import (
    LINK_TYPE_ATTRIBUTE,
    MESSAGE_COMPRESSED_ATTRIBUTE,
    MESSAGE_TYPE_ATTRIBUTE,
    MESSAGE_UNCOMPRESSED_ATTRIBUTE,
)
from otelbridge.shims.opencensus.trace.context_tracer import ContextTracer
from otelbridge.shims.opencensus.trace.sdk_span import SdkSpanShim
from otelbridge.shims.opencensus.trace.span import SpanShim
from otelbridge.shims.opencensus.trace.tracer import (
    TRACER_NAME,
    Tracer,
    context_tracer_for,
    honours_opencensus_samplers,
)

__all__ = [
    "LINK_TYPE_ATTRIBUTE",
    "MESSAGE_COMPRESSED_ATTRIBUTE",
    "MESSAGE_TYPE_ATTRIBUTE",
    "MESSAGE_UNCOMPRESSED_ATTRIBUTE",
    "TRACER_NAME",
    "ContextTracer",
    "SdkSpanShim",
    "SpanShim",
    "Tracer",
    "context_tracer_for",
    "honours_opencensus_samplers",
]
