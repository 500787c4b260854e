"""Span exporters and the processors that feed them (mirrors ``opentelemetry.sdk.trace.export``)."""

from otelbridge.sdk.trace.export._batch import BatchSpanProcessor
from otelbridge.sdk.trace.export._console import ConsoleSpanExporter
from otelbridge.sdk.trace.export._exporter import SpanExporter, SpanExportResult
from otelbridge.sdk.trace.export._simple import SimpleSpanProcessor

__all__ = [
    "BatchSpanProcessor",
    "ConsoleSpanExporter",
    "SimpleSpanProcessor",
    "SpanExportResult",
    "SpanExporter",
]
