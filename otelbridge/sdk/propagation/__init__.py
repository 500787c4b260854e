"""Context propagators for OpenTelemetry's W3C formats and the legacy wire formats of Jaeger, Zipkin
(B3), OpenTracing's basictracer (OT) and OpenCensus, each an ``opentelemetry-api``
``TextMapPropagator``. See docs/propagation.md.
"""

from otelbridge.sdk.propagation.b3 import B3MultiFormat, B3SingleFormat
from otelbridge.sdk.propagation.baggage import W3CBaggagePropagator
from otelbridge.sdk.propagation.cloud_trace import CloudTraceFormatPropagator
from otelbridge.sdk.propagation.jaeger import JaegerPropagator
from otelbridge.sdk.propagation.opencensus_binary import (
    GrpcMetadataGetter,
    GrpcMetadataSetter,
    OpenCensusBinaryPropagator,
)
from otelbridge.sdk.propagation.ottrace import OTTracePropagator
from otelbridge.sdk.propagation.registry import get_propagator, propagator_from_env
from otelbridge.sdk.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = [
    "B3MultiFormat",
    "B3SingleFormat",
    "CloudTraceFormatPropagator",
    "GrpcMetadataGetter",
    "GrpcMetadataSetter",
    "JaegerPropagator",
    "OTTracePropagator",
    "OpenCensusBinaryPropagator",
    "TraceContextTextMapPropagator",
    "W3CBaggagePropagator",
    "get_propagator",
    "propagator_from_env",
]
