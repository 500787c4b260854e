"""``opencensus.metrics.transport.get_exporter_thread`` while the shim is installed.

Instead of a thread exporting through the OpenCensus exporter, its producers become sources
of :data:`PRODUCER` (so their metrics leave through the OpenTelemetry readers) and the
exporter is named once in the log. The returned task is never started; ``cancel()`` and
``close()`` work on it as on a real one.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from opencensus.metrics.transport import PeriodicMetricTask

from otelbridge.shims.opencensus.stats._exporters import neutralise
from otelbridge.shims.opencensus.stats._producer import PRODUCER


def get_exporter_thread(
    metric_producers: Iterable[Any], exporter: Any, interval: Optional[float] = None
) -> PeriodicMetricTask:
    """Route ``metric_producers`` into OpenTelemetry; ``exporter`` is bypassed."""
    for producer in metric_producers:
        PRODUCER.add_source(producer)
    neutralise(exporter, "transport.get_exporter_thread")
    return PeriodicMetricTask(interval, _nothing, [], {}, type(exporter).__name__)


def _nothing() -> None:
    """The never-started task's work: values already leave through OpenTelemetry."""
