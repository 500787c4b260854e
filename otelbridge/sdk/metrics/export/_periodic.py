"""``PeriodicExportingMetricReader``: collect and export on a background thread."""

from __future__ import annotations

import logging
import math
import os
import threading
from typing import Any, Iterable, Optional

from otelbridge.sdk.environment_variables import (
    OTEL_METRIC_EXPORT_INTERVAL,
    OTEL_METRIC_EXPORT_TIMEOUT,
)
from otelbridge.sdk.metrics._point import MetricsData
from otelbridge.sdk.metrics.export._exporter import MetricExporter
from otelbridge.sdk.metrics.export._producer import MetricProducer
from otelbridge.sdk.metrics.export._reader import CardinalityLimits, MetricReader
from otelbridge.sdk.util.fork import register_at_fork

_logger = logging.getLogger(__name__)


def _millis_from_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        _logger.warning("%s=%r is not a positive duration in ms; using %s", name, raw, default)
        return default
    return value


class PeriodicExportingMetricReader(MetricReader):
    """Every ``export_interval_millis`` (``OTEL_METRIC_EXPORT_INTERVAL``, default 60000) collect
    and export with ``export_timeout_millis`` (``OTEL_METRIC_EXPORT_TIMEOUT``, default 30000).
    ``math.inf`` disables the timer (export on ``force_flush`` and ``shutdown`` only). Exports
    are never concurrent; shutdown exports one last time, then shuts the exporter down."""

    def __init__(
        self,
        exporter: MetricExporter,
        export_interval_millis: Optional[float] = None,
        export_timeout_millis: Optional[float] = None,
        cardinality_limits: Optional[CardinalityLimits] = None,
        *,
        metric_producers: Iterable[MetricProducer] = (),
    ) -> None:
        super().__init__(
            preferred_temporality=exporter._preferred_temporality,
            preferred_aggregation=exporter._preferred_aggregation,
            cardinality_limits=cardinality_limits,
            metric_producers=metric_producers,
        )
        self._exporter = exporter
        if export_interval_millis is None:
            export_interval_millis = _millis_from_env(OTEL_METRIC_EXPORT_INTERVAL, 60_000)
        if export_timeout_millis is None:
            export_timeout_millis = _millis_from_env(OTEL_METRIC_EXPORT_TIMEOUT, 30_000)
        if export_interval_millis <= 0:
            raise ValueError(f"export_interval_millis must be positive: {export_interval_millis}")
        self._export_interval_millis = export_interval_millis
        self._export_timeout_millis = export_timeout_millis
        self._shut_down = False
        self._thread: Optional[threading.Thread] = None
        self._start_ticker()
        register_at_fork(self, after_in_child=_restart_in_child)

    def _start_ticker(self) -> None:
        """Fresh locks and, unless the interval is infinite, a fresh timer thread."""
        self._export_lock = threading.Lock()
        self._stop = threading.Event()
        if math.isinf(self._export_interval_millis):
            return
        self._thread = threading.Thread(
            target=self._ticker, name="otelbridge-metrics-export", daemon=True
        )
        self._thread.start()

    def _ticker(self) -> None:
        interval = self._export_interval_millis / 1000
        while not self._stop.wait(interval):
            self._collect_and_log()

    def _collect_and_log(self) -> None:
        try:
            self.collect(timeout_millis=self._export_timeout_millis)
        except Exception:
            _logger.exception("Metric collection or export failed")

    def _receive_metrics(
        self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any
    ) -> None:
        with self._export_lock:
            self._exporter.export(metrics_data, timeout_millis=timeout_millis)

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        super().force_flush(timeout_millis=timeout_millis)
        return self._exporter.force_flush(timeout_millis=timeout_millis)

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        if self._shut_down:
            _logger.warning("%r was already shut down", self)
            return
        self._shut_down = True
        self._stop.set()
        # The last collection gets one attempt: a receiver that is down is not waited for.
        stop_retrying = getattr(self._exporter, "stop_retrying", None)
        if callable(stop_retrying):
            stop_retrying()
        if self._thread is not None:
            self._thread.join(timeout_millis / 1000)
        self._collect_and_log()
        self._exporter.shutdown(timeout_millis=timeout_millis)


def _restart_in_child(reader: PeriodicExportingMetricReader) -> None:
    """A forked child (pre-fork servers) has no timer thread; give it its own."""
    if not reader._shut_down:
        reader._start_ticker()
