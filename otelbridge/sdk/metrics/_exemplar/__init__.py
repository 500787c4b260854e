"""Exemplars (mirrors ``opentelemetry.sdk.metrics._internal.exemplar``)."""

from otelbridge.sdk.metrics._exemplar.exemplar import Exemplar
from otelbridge.sdk.metrics._exemplar.exemplar_filter import (
    AlwaysOffExemplarFilter,
    AlwaysOnExemplarFilter,
    ExemplarFilter,
    TraceBasedExemplarFilter,
    exemplar_filter_from_env,
)
from otelbridge.sdk.metrics._exemplar.exemplar_reservoir import (
    AlignedHistogramBucketExemplarReservoir,
    ExemplarReservoir,
    ExemplarReservoirBuilder,
    FixedSizeExemplarReservoirABC,
    SimpleFixedSizeExemplarReservoir,
)

__all__ = [
    "AlignedHistogramBucketExemplarReservoir",
    "AlwaysOffExemplarFilter",
    "AlwaysOnExemplarFilter",
    "Exemplar",
    "ExemplarFilter",
    "ExemplarReservoir",
    "ExemplarReservoirBuilder",
    "FixedSizeExemplarReservoirABC",
    "SimpleFixedSizeExemplarReservoir",
    "TraceBasedExemplarFilter",
    "exemplar_filter_from_env",
]
