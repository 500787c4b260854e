"""Context propagators for OpenTelemetry's W3C formats and the legacy wire formats of Jaeger, Zipkin
(B3), OpenTracing's basictracer (OT) and OpenCensus, each an ``opentelemetry-api``
``TextMapPropagator``. See docs/propagation.md.
"""

from otelbridge.sdk.propagation.opencensus_binary import (
    GrpcMetadataGetter,
    GrpcMetadataSetter,
    OpenCensusBinaryPropagator,
)

__all__ = [
    "GrpcMetadataGetter",
    "GrpcMetadataSetter",
    "OpenCensusBinaryPropagator",
]
