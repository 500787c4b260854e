"""Jaeger agent exporter: thrift compact over UDP (like ``opentelemetry.exporter.jaeger.thrift``).

Jaeger (1.35+) ingests OTLP natively; prefer the OTLP exporters. This exporter is for legacy
pipelines whose jaeger-agent still listens on UDP 6831.
"""

from otelbridge.sdk.export.jaeger.thrift import JaegerExporter

__all__ = ["JaegerExporter"]
