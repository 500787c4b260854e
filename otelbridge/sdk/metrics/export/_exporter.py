"""``MetricExporter``, ``MetricExportResult`` and ``ConsoleMetricExporter``."""

from __future__ import annotations

import os
import sys
import threading
from abc import ABC, abstractmethod
from enum import Enum
from typing import IO, Any, Callable, Mapping, Optional

from otelbridge.sdk.metrics._point import MetricsData
from otelbridge.sdk.metrics._temporality import AggregationTemporality
from otelbridge.sdk.metrics.view import Aggregation


class MetricExportResult(Enum):
    SUCCESS = 0
    FAILURE = 1


class MetricExporter(ABC):
    """Sends collections somewhere. ``preferred_temporality`` and ``preferred_aggregation``
    are handed to the :class:`PeriodicExportingMetricReader` that drives the exporter."""

    def __init__(
        self,
        preferred_temporality: Optional[Mapping[type, AggregationTemporality]] = None,
        preferred_aggregation: Optional[Mapping[type, Aggregation]] = None,
    ) -> None:
        self._preferred_temporality = preferred_temporality
        self._preferred_aggregation = preferred_aggregation

    @abstractmethod
    def export(
        self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any
    ) -> MetricExportResult:
        """Export one collection; never called concurrently by the SDK's readers."""

    @abstractmethod
    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        """Finish sending whatever is buffered."""

    @abstractmethod
    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        """Release resources; later exports may fail."""


def _json_line(metrics_data: MetricsData) -> str:
    return metrics_data.to_json() + os.linesep


class ConsoleMetricExporter(MetricExporter):
    """Writes each collection as JSON to ``out`` (standard output by default)."""

    def __init__(
        self,
        out: Optional[IO[str]] = None,
        formatter: Callable[[MetricsData], str] = _json_line,
        preferred_temporality: Optional[Mapping[type, AggregationTemporality]] = None,
        preferred_aggregation: Optional[Mapping[type, Aggregation]] = None,
    ) -> None:
        super().__init__(preferred_temporality, preferred_aggregation)
        self.out = sys.stdout if out is None else out
        self.formatter = formatter
        self._lock = threading.Lock()

    def export(
        self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any
    ) -> MetricExportResult:
        with self._lock:
            self.out.write(self.formatter(metrics_data))
            self.out.flush()
        return MetricExportResult.SUCCESS

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return True

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        pass
