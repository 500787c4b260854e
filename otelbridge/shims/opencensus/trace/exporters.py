"""OpenCensus' own exporters are never called by the shim: spans go to the OpenTelemetry
TracerProvider's processors and exporters instead, so nothing is exported twice (the
application's own exporter classes keep receiving spans: :mod:`.application_exporters`).

Each exporter class an application hands to OpenCensus is named once in a log line, with the
OpenTelemetry exporter that replaces it (docs/opencensus.md has the table).
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any, Optional

from otelbridge.sdk.util.fork import renew_locks_after_fork

__all__ = ["REPLACEMENTS", "note_exporter"]

_logger = logging.getLogger("otelbridge.shims.opencensus")

#: OpenCensus exporter class name -> the OpenTelemetry exporter doing its job.
REPLACEMENTS = {
    "PrintExporter": "the console exporter (OTEL_TRACES_EXPORTER=console)",
    "FileExporter": "the console exporter (OTEL_TRACES_EXPORTER=console) or OTLP to a collector "
    "with a file exporter",
    "LoggingExporter": "the console exporter (OTEL_TRACES_EXPORTER=console)",
    "AzureExporter": "azure-monitor-opentelemetry-exporter's AzureMonitorTraceExporter",
    "ZipkinExporter": "the Zipkin exporter (OTEL_TRACES_EXPORTER=zipkin)",
    "JaegerExporter": "OTLP (Jaeger accepts OTLP) or the Jaeger exporter "
    "(OTEL_TRACES_EXPORTER=jaeger)",
    "StackdriverExporter": "opentelemetry-exporter-gcp-trace's CloudTraceSpanExporter",
    "TraceExporter": "OTLP (OTEL_TRACES_EXPORTER=otlp) to an OpenTelemetry Collector, which "
    "replaces the OpenCensus agent",
    "DatadogTraceExporter": "OTLP to the Datadog Agent or an OpenTelemetry Collector",
}

_seen: set[type] = set()
_lock = threading.Lock()
renew_locks_after_fork(sys.modules[__name__], "_lock")
_destination: Optional[str] = None


def set_destination(description: Optional[str]) -> None:
    """Say where spans go instead (the bridge names its configured exporters); None: unknown."""
    global _destination
    _destination = description


def note_exporter(exporter: Any, fed: bool = False) -> None:
    """Log, once per exporter class, that ``exporter`` is not used and what replaces it, or
    (``fed``: the application's own) that it keeps receiving its tracers' spans."""
    kind = type(exporter)
    if kind in _seen:
        return
    with _lock:
        if kind in _seen:
            return
        _seen.add(kind)
    if fed:
        _logger.info(
            "OpenCensus exporter %s.%s is the application's own: it keeps receiving the spans "
            "of the tracers given it (as OpenCensus SpanData); they also go to %s",
            kind.__module__,
            kind.__qualname__,
            _destination or "the TracerProvider's span processors",
        )
        return
    replacement = REPLACEMENTS.get(kind.__name__, "an OpenTelemetry exporter")
    destination = _destination or "the TracerProvider's span processors"
    _logger.info(
        "OpenCensus exporter %s.%s is not used: OpenCensus spans go to %s "
        "(its OpenTelemetry replacement is %s)",
        kind.__module__,
        kind.__qualname__,
        destination,
        replacement,
    )
