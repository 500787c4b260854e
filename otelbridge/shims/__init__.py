"""Legacy APIs (OpenTracing, OpenCensus) implemented on top of ``opentelemetry-api``."""
