"""Aggregations: what a view turns an instrument's measurements into.

Each aggregation is plain configuration; ``_stream`` builds the :class:`MetricStream` that does
the work for one reader, or ``None`` for :class:`DropAggregation`.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, FrozenSet, List, Optional, Sequence

from otelbridge.sdk.metrics import _point
from otelbridge.sdk.metrics._cells import (
    DEFAULT_BOUNDARIES,
    HistogramCell,
    HistogramCellWithoutMinMax,
    LastValueCell,
    SumCell,
)
from otelbridge.sdk.metrics._exemplar import (
    AlignedHistogramBucketExemplarReservoir,
    ExemplarReservoirBuilder,
    SimpleFixedSizeExemplarReservoir,
)
from otelbridge.sdk.metrics._exponential import MAX_SCALE, MIN_SCALE, ExponentialHistogramCell
from otelbridge.sdk.metrics._instrument import (
    Counter,
    Gauge,
    Histogram,
    ObservableCounter,
    ObservableGauge,
    _Instrument,
)
from otelbridge.sdk.metrics._stream import CellFactory, DataBuilder, MetricStream
from otelbridge.sdk.metrics._temporality import AggregationTemporality

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamSpec:
    """What the reader and the matching view decided for one stream."""

    name: str
    description: str
    attribute_keys: Optional[FrozenSet[str]]
    temporality: AggregationTemporality
    limit: int
    start: int
    # The view's exemplar_reservoir_factory: aggregation class -> reservoir builder.
    reservoir_factory: Optional[Callable[[type], ExemplarReservoirBuilder]] = None


# Each builder is paired with its cells by the aggregation, so its points are of one kind;
# ``DataBuilder`` takes the union of kinds, which a list of one kind is not (lists are invariant).
def _sum_data(
    monotonic: bool, points: List[Any], temporality: AggregationTemporality
) -> _point.Sum:
    return _point.Sum(points, temporality, monotonic)


def _gauge_data(points: List[Any], temporality: AggregationTemporality) -> _point.Gauge:
    return _point.Gauge(points)


def _histogram_data(
    points: List[Any], temporality: AggregationTemporality
) -> _point.Histogram:
    return _point.Histogram(points, temporality)


def _exponential_data(
    points: List[Any], temporality: AggregationTemporality
) -> _point.ExponentialHistogram:
    return _point.ExponentialHistogram(points, temporality)


def default_reservoir_factory(aggregation_type: type) -> ExemplarReservoirBuilder:
    """The spec's default reservoirs: one exemplar per bucket for explicit-bucket
    histograms, a uniform sample for everything else."""
    if issubclass(aggregation_type, ExplicitBucketHistogramAggregation):
        return AlignedHistogramBucketExemplarReservoir
    return SimpleFixedSizeExemplarReservoir


def _make_stream(
    instrument: _Instrument,
    spec: StreamSpec,
    new_cell: CellFactory,
    build: DataBuilder,
    aggregation: Aggregation,
    *,
    observed_total: bool = False,
    **reservoir_settings: Any,
) -> MetricStream:
    delta = spec.temporality is AggregationTemporality.DELTA
    factory = spec.reservoir_factory or default_reservoir_factory
    return MetricStream(
        name=spec.name,
        description=spec.description,
        unit=instrument.unit,
        new_cell=new_cell,
        build=build,
        temporality=spec.temporality,
        drain=delta or instrument._asynchronous,
        subtract_previous=observed_total and delta,
        attribute_keys=spec.attribute_keys,
        limit=spec.limit,
        start=spec.start,
        new_reservoir=partial(factory(type(aggregation)), **reservoir_settings),
    )


class Aggregation(ABC):
    """Base class of every aggregation."""

    @abstractmethod
    def _stream(self, instrument: _Instrument, spec: StreamSpec) -> Optional[MetricStream]:
        """The stream aggregating ``instrument`` this way, or ``None`` to drop it."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class DropAggregation(Aggregation):
    """Ignore the instrument entirely."""

    def _stream(self, instrument: _Instrument, spec: StreamSpec) -> Optional[MetricStream]:
        return None


class SumAggregation(Aggregation):
    """Arithmetic sum; monotonic for (observable) counters. Observable instruments report
    totals, which a delta reader turns into differences between collections."""

    def _stream(self, instrument: _Instrument, spec: StreamSpec) -> Optional[MetricStream]:
        monotonic = isinstance(instrument, (Counter, ObservableCounter))
        observed = instrument._asynchronous
        return _make_stream(
            instrument,
            spec,
            LastValueCell if observed else SumCell,
            partial(_sum_data, monotonic),
            self,
            observed_total=observed,
        )


class LastValueAggregation(Aggregation):
    """The last value of each series, reported as a gauge. Cumulative synchronous gauges keep
    reporting it; delta readers and observable instruments report what arrived since the
    previous collection."""

    def _stream(self, instrument: _Instrument, spec: StreamSpec) -> Optional[MetricStream]:
        return _make_stream(instrument, spec, LastValueCell, _gauge_data, self)


def _check_boundaries(boundaries: Sequence[float]) -> Sequence[float]:
    values = tuple(float(b) for b in boundaries)
    if any(b != b or b in (float("inf"), -float("inf")) for b in values):
        raise ValueError(f"histogram boundaries must be finite: {boundaries!r}")
    if any(a >= b for a, b in zip(values, values[1:])):
        raise ValueError(f"histogram boundaries must be strictly increasing: {boundaries!r}")
    return values


class ExplicitBucketHistogramAggregation(Aggregation):
    """Counts per bucket ``(boundaries[i-1], boundaries[i]]``. Without ``boundaries`` the
    instrument's advisory boundaries are used, else the spec's defaults."""

    def __init__(
        self, boundaries: Optional[Sequence[float]] = None, record_min_max: bool = True
    ) -> None:
        self._boundaries = None if boundaries is None else _check_boundaries(boundaries)
        self._record_min_max = record_min_max

    def _bounds_for(self, instrument: _Instrument) -> Sequence[float]:
        if self._boundaries is not None:
            return self._boundaries
        advisory = getattr(instrument, "explicit_bucket_boundaries_advisory", None)
        if advisory is not None:
            try:
                return _check_boundaries(advisory)
            except (TypeError, ValueError) as exc:
                _logger.warning("Ignoring the advisory boundaries of %r: %s", instrument.name, exc)
        return DEFAULT_BOUNDARIES

    def _stream(self, instrument: _Instrument, spec: StreamSpec) -> Optional[MetricStream]:
        bounds = self._bounds_for(instrument)
        cell = HistogramCell if self._record_min_max else HistogramCellWithoutMinMax
        return _make_stream(
            instrument, spec, partial(cell, bounds), _histogram_data, self, boundaries=list(bounds)
        )


class ExponentialBucketHistogramAggregation(Aggregation):
    """Base-2 exponential buckets: at most ``max_size`` per sign, starting at ``max_scale``
    and downscaling as the range of values grows."""

    def __init__(
        self, max_size: int = 160, max_scale: int = 20, record_min_max: bool = True
    ) -> None:
        if max_size < 2:
            raise ValueError(f"max_size must be at least 2, got {max_size}")
        if not MIN_SCALE <= max_scale <= MAX_SCALE:
            raise ValueError(f"max_scale must be in [{MIN_SCALE}, {MAX_SCALE}], got {max_scale}")
        self._max_size = max_size
        self._max_scale = max_scale
        self._record_min_max = record_min_max

    def _stream(self, instrument: _Instrument, spec: StreamSpec) -> Optional[MetricStream]:
        new_cell = partial(
            ExponentialHistogramCell, self._max_size, self._max_scale, self._record_min_max
        )
        return _make_stream(
            instrument, spec, new_cell, _exponential_data, self, size=min(20, self._max_size)
        )


class DefaultAggregation(Aggregation):
    """The spec's default per instrument kind: sums for counters, explicit-bucket histograms
    for histograms, last value for gauges."""

    def _stream(self, instrument: _Instrument, spec: StreamSpec) -> Optional[MetricStream]:
        chosen: Aggregation
        if isinstance(instrument, Histogram):
            chosen = ExplicitBucketHistogramAggregation()
        elif isinstance(instrument, (Gauge, ObservableGauge)):
            chosen = LastValueAggregation()
        else:
            chosen = SumAggregation()
        return chosen._stream(instrument, spec)
