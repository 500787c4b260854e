"""``MetricReader`` and ``InMemoryMetricReader``."""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, TypeVar

from otelbridge.sdk.metrics._instrument import INSTRUMENT_CLASSES
from otelbridge.sdk.metrics._point import MetricsData
from otelbridge.sdk.metrics._temporality import AggregationTemporality
from otelbridge.sdk.metrics.export._producer import MetricProducer
from otelbridge.sdk.metrics.view import Aggregation, DefaultAggregation
from otelbridge.sdk.util.fork import renew_locks_after_fork

_logger = logging.getLogger(__name__)

DEFAULT_CARDINALITY_LIMIT = 2000
V = TypeVar("V")
CollectCallback = Callable[["MetricReader", float], Optional[MetricsData]]
# Type names the peer exports: a cardinality limit per instrument class.
InstrumentCardinalityKey = type
CardinalityLimits = Mapping[InstrumentCardinalityKey, int]


def per_instrument_class(given: Optional[Mapping[type, V]], default: V, what: str) -> Dict[type, V]:
    """``given`` resolved for each SDK instrument class through its MRO, so keys may be the
    SDK classes or the ``opentelemetry.metrics`` API classes."""
    given = dict(given or {})
    unknown = [key for key in given if not any(key in cls.__mro__ for cls in INSTRUMENT_CLASSES)]
    if unknown:
        raise ValueError(f"{what}: not instrument classes: {unknown!r}")
    resolved: Dict[type, V] = {}
    for cls in INSTRUMENT_CLASSES:
        found = next((given[base] for base in cls.__mro__ if base in given), default)
        resolved[cls] = found
    return resolved


class MetricReader(ABC):
    """Collects from the :class:`MeterProvider` it is registered with.

    ``preferred_temporality``, ``preferred_aggregation`` and ``cardinality_limits`` map
    instrument classes to this reader's defaults (cumulative, the default aggregation, 2000
    attribute sets). ``metric_producers`` add third-party metrics to every collection.
    """

    def __init__(
        self,
        preferred_temporality: Optional[Mapping[type, AggregationTemporality]] = None,
        preferred_aggregation: Optional[Mapping[type, Aggregation]] = None,
        cardinality_limits: Optional[CardinalityLimits] = None,
        *,
        metric_producers: Iterable[MetricProducer] = (),
    ) -> None:
        self._collect: Optional[CollectCallback] = None
        self._instrument_class_temporality = per_instrument_class(
            preferred_temporality, AggregationTemporality.CUMULATIVE, "preferred_temporality"
        )
        self._instrument_class_aggregation: Dict[type, Aggregation] = per_instrument_class(
            preferred_aggregation, DefaultAggregation(), "preferred_aggregation"
        )
        limits = per_instrument_class(
            cardinality_limits, DEFAULT_CARDINALITY_LIMIT, "cardinality_limits"
        )
        for cls, limit in limits.items():
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                raise ValueError(f"cardinality limit for {cls.__name__} must be positive: {limit}")
        self._instrument_class_cardinality_limit = limits
        self._metric_producers: List[MetricProducer] = list(metric_producers)

    def register_producer(self, producer: MetricProducer) -> None:
        """Add a producer whose metrics join every later collection."""
        self._metric_producers.append(producer)

    def unregister_producer(self, producer: MetricProducer) -> None:
        """Stop adding ``producer``'s metrics (no-op when it was not registered)."""
        if producer in self._metric_producers:
            self._metric_producers.remove(producer)

    def _set_collect_callback(self, func: CollectCallback) -> None:
        """Called once by the provider this reader is registered with."""
        if self._collect is not None:
            raise RuntimeError(f"{self!r} is already registered with a MeterProvider")
        self._collect = func

    def collect(self, timeout_millis: float = 10_000) -> None:
        """Collect now and hand the result to :meth:`_receive_metrics`."""
        if self._collect is None:
            _logger.warning("%r cannot collect: it is not registered with a MeterProvider", self)
            return
        metrics_data = self._collect(self, timeout_millis)
        if metrics_data is not None:
            self._receive_metrics(metrics_data, timeout_millis=timeout_millis)

    @abstractmethod
    def _receive_metrics(
        self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any
    ) -> None:
        """What to do with each collection (export it, keep it, serve it)."""

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        self.collect(timeout_millis=timeout_millis)
        return True

    @abstractmethod
    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        """Release resources; called once by the provider's shutdown."""


class InMemoryMetricReader(MetricReader):
    """Collects on demand into memory: :meth:`get_metrics_data` (tests, debugging)."""

    def __init__(
        self,
        preferred_temporality: Optional[Mapping[type, AggregationTemporality]] = None,
        preferred_aggregation: Optional[Mapping[type, Aggregation]] = None,
        cardinality_limits: Optional[CardinalityLimits] = None,
        *,
        metric_producers: Iterable[MetricProducer] = (),
    ) -> None:
        super().__init__(
            preferred_temporality,
            preferred_aggregation,
            cardinality_limits,
            metric_producers=metric_producers,
        )
        self._lock = threading.Lock()
        renew_locks_after_fork(self, "_lock")
        self._metrics_data: Optional[MetricsData] = None

    def get_metrics_data(self) -> Optional[MetricsData]:
        """Collect now and return the result."""
        with self._lock:
            self.collect()
            metrics_data, self._metrics_data = self._metrics_data, None
        return metrics_data

    def _receive_metrics(
        self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any
    ) -> None:
        self._metrics_data = metrics_data

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        pass
