"""Exponential histograms for Prometheus, in the two forms it can take them.

Native (the spec's conversion; protobuf exposition only): the scale is the schema, downscaled
to 8 when finer (Prometheus takes -4..8; a point coarser than -4 has no native form), bucket
indexes shift by one (Prometheus indexes a bucket by its upper boundary, OpenTelemetry by its
lower one), and the zero threshold is the spec's default 1e-128 (our points have none).

Classic (the text expositions, which have no native form): one ``le`` bucket per exponential
bucket, at its upper boundary ``2**((i + 1) / 2**scale)`` (negative buckets at ``-2**(i /
2**scale)``, then ``le="0"`` for the zero bucket when anything is at or below zero). Counts are
exact; a negative value exactly on a boundary is counted one ``le`` higher than ``<=`` says.
"""

from __future__ import annotations

import math
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from otelbridge.sdk.export.prometheus._protobuf import NativePoint
from otelbridge.sdk.metrics._point import Buckets, ExponentialHistogramDataPoint

MIN_SCHEMA = -4
MAX_SCHEMA = 8
ZERO_THRESHOLD = 1e-128
_INF = float("inf")


def upper_boundary(index: int, scale: int) -> float:
    """The upper boundary of bucket ``index`` at ``scale`` (exact for scales <= 0)."""
    try:
        if scale <= 0:
            return math.ldexp(1.0, (index + 1) << -scale)
        return float(2.0 ** ((index + 1) / (1 << scale)))
    except OverflowError:
        return _INF


def classic_buckets(point: ExponentialHistogramDataPoint) -> List[Tuple[float, int]]:
    """(upper bound, cumulative count) per exponential bucket, lowest first, without +Inf."""
    bounds: List[Tuple[float, int]] = []
    cumulative = 0
    negative = point.negative.bucket_counts
    for position in reversed(range(len(negative))):  # the most negative bucket first
        cumulative += negative[position]
        bound = -upper_boundary(point.negative.offset + position - 1, point.scale)
        bounds.append((bound, cumulative))
    if negative or point.zero_count:
        cumulative += point.zero_count
        bounds.append((0.0, cumulative))
    for position, count in enumerate(point.positive.bucket_counts):
        cumulative += count
        bound = upper_boundary(point.positive.offset + position, point.scale)
        if bound == _INF:
            break  # counted in +Inf
        bounds.append((bound, cumulative))
    return bounds


def _downscaled(buckets: Buckets, shift: int) -> Tuple[int, Sequence[int]]:
    """(first Prometheus index, dense counts) after merging ``2**shift`` buckets into one."""
    counts = buckets.bucket_counts
    if not counts:
        return 0, ()
    if shift == 0:
        return buckets.offset + 1, list(counts)
    merged: Dict[int, int] = {}
    for position, count in enumerate(counts):
        index = (buckets.offset + position) >> shift
        merged[index] = merged.get(index, 0) + count
    low, high = min(merged), max(merged)
    return low + 1, [merged.get(index, 0) for index in range(low, high + 1)]


def native_point(
    point: ExponentialHistogramDataPoint, labels: Mapping[str, str]
) -> Optional[NativePoint]:
    """The native histogram for ``point``, or ``None`` below Prometheus' coarsest schema."""
    if point.scale < MIN_SCHEMA:
        return None
    shift = max(0, point.scale - MAX_SCHEMA)
    return NativePoint(
        labels=dict(labels),
        count=point.count,
        sum=float(point.sum),
        schema=point.scale - shift,
        zero_threshold=ZERO_THRESHOLD,
        zero_count=point.zero_count,
        positive=_downscaled(point.positive, shift),
        negative=_downscaled(point.negative, shift),
    )
