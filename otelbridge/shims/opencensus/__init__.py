"""The OpenCensus APIs implemented on OpenTelemetry (the specification's OpenCensus shim)."""

from otelbridge.shims.opencensus import stats

__all__ = ["stats"]
