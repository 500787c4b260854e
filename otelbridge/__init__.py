"""otelbridge: move Python services off OpenTracing and OpenCensus onto OpenTelemetry."""

from otelbridge.version import __version__

__all__ = ["__version__"]
