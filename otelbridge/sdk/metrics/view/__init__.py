"""Views and aggregations (mirrors ``opentelemetry.sdk.metrics.view``)."""

from otelbridge.sdk.metrics.view._aggregation import (
    Aggregation,
    DefaultAggregation,
    DropAggregation,
    ExplicitBucketHistogramAggregation,
    ExponentialBucketHistogramAggregation,
    LastValueAggregation,
    SumAggregation,
)
from otelbridge.sdk.metrics.view._view import View

__all__ = [
    "Aggregation",
    "DefaultAggregation",
    "DropAggregation",
    "ExplicitBucketHistogramAggregation",
    "ExponentialBucketHistogramAggregation",
    "LastValueAggregation",
    "SumAggregation",
    "View",
]
