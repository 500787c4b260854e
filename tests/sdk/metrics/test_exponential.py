"""The base-2 exponential histogram: bucket mapping, downscaling, counts (with hypothesis)."""

from __future__ import annotations

import math
import operator
from fractions import Fraction
from functools import reduce
from typing import Any, List

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from otelbridge.sdk.metrics import Histogram, MeterProvider
from otelbridge.sdk.metrics._exponential import map_to_index
from otelbridge.sdk.metrics.export import InMemoryMetricReader
from otelbridge.sdk.metrics.view import ExponentialBucketHistogramAggregation, View

# At scale <= 0 bucket bounds are powers of two and are checked exactly. At scale > 0 they are
# irrational; the logarithm is trusted to within rounding near a boundary (as the spec says),
# so positions ``log2(value) * 2**scale`` are checked with a tolerance of 1e-6 of a bucket.
EPS = 1e-6
positive = st.floats(min_value=1e-300, max_value=1e300, allow_nan=False, allow_infinity=False)
values = st.one_of(positive, positive.map(lambda v: -v), st.just(0.0))


def record_all(recorded: List[float], max_size: int = 160, max_scale: int = 20) -> Any:
    view = View(
        instrument_type=Histogram,
        aggregation=ExponentialBucketHistogramAggregation(max_size, max_scale),
    )
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader], views=[view], shutdown_on_exit=False)
    histogram = provider.get_meter("m").create_histogram("h")
    for value in recorded:
        histogram.record(value)
    data = reader.get_metrics_data()
    assert data is not None
    return data.resource_metrics[0].scope_metrics[0].metrics[0].data.data_points[0]


def assert_contains(index: int, scale: int, value: float) -> None:
    """Bucket ``i`` at scale ``s`` holds ``(2**(i / 2**s), 2**((i + 1) / 2**s)]``."""
    if scale <= 0:
        lower, upper = Fraction(2) ** (index << -scale), Fraction(2) ** ((index + 1) << -scale)
        assert lower < Fraction(value) <= upper, (value, index, scale)
    else:
        position = math.log2(value) * (1 << scale)
        assert index - EPS < position <= index + 1 + EPS, (value, index, scale, position)


@settings(max_examples=60, deadline=None)
@example([1.0, 1.3407807929942058e154], 4)  # just below 2**512: the logarithm rounds up
@given(st.lists(values, min_size=1, max_size=60), st.sampled_from([2, 4, 20, 160]))
def test_counts_add_up_and_every_value_fits_its_bucket(recorded, max_size):
    point = record_all(recorded, max_size=max_size)
    assert point.count == len(recorded)
    assert point.zero_count == recorded.count(0.0)
    assert sum(point.positive.bucket_counts) == sum(1 for v in recorded if v > 0)
    assert sum(point.negative.bucket_counts) == sum(1 for v in recorded if v < 0)
    assert point.count == point.zero_count + sum(point.positive.bucket_counts) + sum(
        point.negative.bucket_counts
    )
    assert len(point.positive.bucket_counts) <= max_size
    assert len(point.negative.bucket_counts) <= max_size
    assert -10 <= point.scale <= 20
    assert point.min == min(recorded) and point.max == max(recorded)
    assert point.sum == reduce(operator.add, recorded, 0)
    # Every value lies in a bucket that has a count, at the final scale.
    for value in recorded:
        if value == 0:
            continue
        buckets = point.positive if value > 0 else point.negative
        index = map_to_index(abs(value), point.scale)
        assert_contains(index, point.scale, abs(value))
        offset = index - buckets.offset
        assert 0 <= offset < len(buckets.bucket_counts)
        assert buckets.bucket_counts[offset] > 0


@settings(max_examples=200, deadline=None)
@given(positive, st.integers(min_value=-10, max_value=20))
def test_single_value_bucket_bounds_contain_it(value, scale) -> None:
    point = record_all([value], max_scale=scale)
    assert point.scale == scale
    assert point.positive.bucket_counts == [1]
    assert_contains(point.positive.offset, scale, value)


@pytest.mark.parametrize("scale", [-3, 0, 1, 5, 20])
@pytest.mark.parametrize("exponent", [-1022, -5, 0, 1, 100, 1023])
def test_powers_of_two_are_upper_bounds(scale, exponent) -> None:
    value = math.ldexp(1.0, exponent)
    point = record_all([value], max_scale=scale)
    # 2**e is the inclusive upper bound of the bucket below index (e << scale) (scale >= 0).
    if scale >= 0:
        assert point.positive.offset == (exponent << scale) - 1
    else:
        assert point.positive.offset == (exponent - 1) >> -scale


def test_downscaling_merges_buckets() -> None:
    point = record_all([1.5, 3.0, 1e6], max_size=4, max_scale=20)
    # 1.5 .. 1e6 spans ~19.9 powers of two: with 4 buckets the scale must drop to -3.
    assert point.scale == -3
    assert sum(point.positive.bucket_counts) == 3
    assert len(point.positive.bucket_counts) <= 4
