"""Per-attribute-set accumulators ("cells"). A stream holds one cell per attribute set and calls
``update`` under its lock, so cells themselves need no locking."""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Union

from otelbridge.sdk.metrics._exemplar import Exemplar
from otelbridge.sdk.metrics._point import HistogramDataPoint, NumberDataPoint

if TYPE_CHECKING:
    from opentelemetry.util.types import AttributeValue

_INF = float("inf")

# The spec's default explicit bucket boundaries.
DEFAULT_BOUNDARIES = (
    0.0,
    5.0,
    10.0,
    25.0,
    50.0,
    75.0,
    100.0,
    250.0,
    500.0,
    750.0,
    1000.0,
    2500.0,
    5000.0,
    7500.0,
    10000.0,
)


class SumCell:
    """Adds measurements."""

    __slots__ = ("attributes", "value")

    def __init__(self, attributes: Dict[str, AttributeValue]) -> None:
        self.attributes = attributes
        self.value: Union[int, float] = 0

    def update(self, value: Union[int, float]) -> None:
        self.value += value

    def point(
        self, start: int, now: int, exemplars: Optional[List[Exemplar]] = None
    ) -> NumberDataPoint:
        return NumberDataPoint(self.attributes, start, now, self.value, exemplars)


class LastValueCell(SumCell):
    """Keeps the last measurement (gauges, and the totals that observable counters report)."""

    __slots__ = ()

    def update(self, value: Union[int, float]) -> None:
        self.value = value


class HistogramCell:
    """Counts per explicit bucket ``(bounds[i-1], bounds[i]]``, plus sum, min and max (the
    count is the buckets' total, summed at collection rather than kept on every update)."""

    __slots__ = ("attributes", "bounds", "counts", "max", "min", "sum")

    def __init__(self, bounds: Sequence[float], attributes: Dict[str, AttributeValue]) -> None:
        self.attributes = attributes
        self.bounds = bounds
        self.counts: List[int] = [0] * (len(bounds) + 1)
        self.sum: Union[int, float] = 0
        self.min = _INF
        self.max = -_INF

    def update(self, value: Union[int, float]) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value
        if value < self.min:
            self.min = value
        if value > self.max:
            self.max = value

    def point(
        self, start: int, now: int, exemplars: Optional[List[Exemplar]] = None
    ) -> HistogramDataPoint:
        return HistogramDataPoint(
            attributes=self.attributes,
            start_time_unix_nano=start,
            time_unix_nano=now,
            count=sum(self.counts),
            sum=self.sum,
            bucket_counts=list(self.counts),
            explicit_bounds=list(self.bounds),
            min=self.min,
            max=self.max,
            exemplars=exemplars,
        )


class HistogramCellWithoutMinMax(HistogramCell):
    """``record_min_max=False``: min and max stay unset (a separate class, so that the usual
    update does not test a flag on every value)."""

    __slots__ = ()

    def update(self, value: Union[int, float]) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value
