"""Zipkin v2 JSON exporter (mirrors ``opentelemetry.exporter.zipkin``)."""

from otelbridge.sdk.export.zipkin.json import ZipkinExporter

__all__ = ["ZipkinExporter"]
