"""The base-2 exponential histogram: mapping values to bucket indexes, and the cell.

Bucket ``i`` at scale ``s`` holds values in ``(2**(i / 2**s), 2**((i + 1) / 2**s)]``. For
``s <= 0`` the index comes exactly from the float's binary exponent; for ``s > 0`` from the
logarithm, with exact powers of two special-cased (the spec's mapping functions). When a new
index would make either sign's buckets span more than ``max_size``, the whole histogram is
downscaled: ``scale`` drops by the smallest ``c`` that fits and indexes become ``i >> c``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Dict, List, Optional, Union

from otelbridge.sdk.metrics._exemplar import Exemplar
from otelbridge.sdk.metrics._point import Buckets, ExponentialHistogramDataPoint

if TYPE_CHECKING:
    from opentelemetry.util.types import AttributeValue

_INF = float("inf")
MIN_SCALE = -10
MAX_SCALE = 20
# log2(e) * 2**scale: multiplying ln(value) by it gives log_base(value).
_SCALE_FACTORS = {scale: math.ldexp(math.log2(math.e), scale) for scale in range(1, MAX_SCALE + 1)}


def map_to_index(value: float, scale: int) -> int:
    """The index of the bucket holding the positive finite ``value`` at ``scale``."""
    fraction, exponent = math.frexp(value)  # value = fraction * 2**exponent, 0.5 <= fraction < 1
    if scale <= 0:
        # 2**(exponent-1) <= value < 2**exponent; an exact power of two belongs one bucket lower.
        return (exponent - 1 - (fraction == 0.5)) >> -scale
    if fraction == 0.5:
        return ((exponent - 1) << scale) - 1
    index = math.floor(math.log(value) * _SCALE_FACTORS[scale])
    # Near a power of two the logarithm may round across it; clamp to the index range of
    # (2**(exponent-1), 2**exponent) so that downscaled indexes agree with the exponent.
    low = (exponent - 1) << scale
    if index < low:
        return low
    high = (exponent << scale) - 1
    return high if index > high else index


def scale_reduction(low: int, high: int, max_size: int) -> int:
    """The smallest ``c`` with ``(high >> c) - (low >> c) + 1 <= max_size``."""
    change = 0
    while (high >> change) - (low >> change) + 1 > max_size:
        change += 1
    return change


class _Buckets:
    """Sparse counts of one sign, with the occupied index range."""

    __slots__ = ("counts", "high", "low")

    def __init__(self) -> None:
        self.counts: Dict[int, int] = {}
        self.low = 0
        self.high = -1

    def downscale(self, change: int) -> None:
        merged: Dict[int, int] = {}
        for index, count in self.counts.items():
            index >>= change
            merged[index] = merged.get(index, 0) + count
        self.counts = merged
        self.low >>= change
        self.high >>= change

    def export(self) -> Buckets:
        if not self.counts:
            return Buckets(offset=0, bucket_counts=[])
        get = self.counts.get
        return Buckets(self.low, [get(i, 0) for i in range(self.low, self.high + 1)])


class ExponentialHistogramCell:
    """Count, sum, min, max, zero count and positive/negative buckets at a shared scale."""

    __slots__ = (
        "attributes",
        "count",
        "max",
        "max_size",
        "min",
        "negative",
        "positive",
        "record_min_max",
        "scale",
        "sum",
        "zero_count",
    )

    def __init__(
        self,
        max_size: int,
        max_scale: int,
        record_min_max: bool,
        attributes: Dict[str, AttributeValue],
    ) -> None:
        self.attributes = attributes
        self.record_min_max = record_min_max
        self.max_size = max_size
        self.scale = max_scale
        self.count = 0
        self.zero_count = 0
        self.sum: Union[int, float] = 0
        self.min = _INF
        self.max = -_INF
        self.positive = _Buckets()
        self.negative = _Buckets()

    def update(self, value: Union[int, float]) -> None:
        self.count += 1
        self.sum += value
        if self.record_min_max:
            if value < self.min:
                self.min = value
            if value > self.max:
                self.max = value
        if value > 0:
            buckets = self.positive
        elif value < 0:
            buckets = self.negative
            value = -value
        else:
            self.zero_count += 1
            return
        index = map_to_index(value, self.scale)
        if not buckets.counts:
            buckets.low = buckets.high = index
        elif index < buckets.low or index > buckets.high:
            low = min(index, buckets.low)
            high = max(index, buckets.high)
            if high - low + 1 > self.max_size:
                change = scale_reduction(low, high, self.max_size)
                self.positive.downscale(change)
                self.negative.downscale(change)
                self.scale -= change
                index >>= change
            buckets.low = min(index, buckets.low)
            buckets.high = max(index, buckets.high)
        counts = buckets.counts
        counts[index] = counts.get(index, 0) + 1

    def point(
        self, start: int, now: int, exemplars: Optional[List[Exemplar]] = None
    ) -> ExponentialHistogramDataPoint:
        return ExponentialHistogramDataPoint(
            attributes=self.attributes,
            start_time_unix_nano=start,
            time_unix_nano=now,
            count=self.count,
            sum=self.sum,
            scale=self.scale,
            zero_count=self.zero_count,
            positive=self.positive.export(),
            negative=self.negative.export(),
            flags=0,
            min=self.min,
            max=self.max,
            exemplars=[] if exemplars is None else exemplars,
        )
