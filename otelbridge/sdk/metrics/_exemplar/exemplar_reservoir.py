"""Exemplar reservoirs: where offered measurements wait for the next collection.

A reservoir belongs to one series (cell) and is created at its first offer, so series that
never see a sampled measurement cost nothing. ``collect`` hands over and resets, so each
collection reports the exemplars offered since the previous one (as opentelemetry-sdk does).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from bisect import bisect_left
from random import randrange
from typing import Any, Callable, Dict, List, Optional, Sequence

from opentelemetry.context import Context
from opentelemetry.trace.propagation import _SPAN_KEY
from opentelemetry.util.types import Attributes

from otelbridge.sdk.metrics._exemplar.exemplar import Exemplar


class ExemplarReservoir(ABC):
    """Keeps sampled measurements; constructors accept ``**kwargs`` (aggregation settings)."""

    @abstractmethod
    def offer(
        self, value: float, time_unix_nano: int, attributes: Attributes, context: Context
    ) -> None:
        """Offer one measurement (already passed by the exemplar filter)."""

    @abstractmethod
    def collect(self, point_attributes: Attributes) -> List[Exemplar]:
        """The exemplars kept since the last collection (then reset); their
        ``filtered_attributes`` leave out what ``point_attributes`` already has."""


def _exemplar(
    value: float, time_unix_nano: int, attributes: Attributes, context: Optional[Context]
) -> Exemplar:
    span: Any = None if context is None else context.get(_SPAN_KEY)  # an API Span, if set
    span_context = None if span is None else span.get_span_context()
    if span_context is None or not span_context.is_valid:
        return Exemplar(attributes, value, time_unix_nano)
    return Exemplar(attributes, value, time_unix_nano, span_context.span_id, span_context.trace_id)


def _filtered(exemplar: Exemplar, point_attributes: Attributes) -> Exemplar:
    attributes = exemplar.filtered_attributes
    kept = (
        {k: v for k, v in attributes.items() if k not in (point_attributes or {})}
        if attributes
        else None
    )
    return Exemplar(
        kept, exemplar.value, exemplar.time_unix_nano, exemplar.span_id, exemplar.trace_id
    )


class FixedSizeExemplarReservoirABC(ExemplarReservoir):
    """``size`` slots; subclasses choose the slot of each offer (or none)."""

    def __init__(self, size: int, **kwargs: Any) -> None:
        self._size = size
        self._slots: Dict[int, Exemplar] = {}
        self._lock = threading.Lock()

    @abstractmethod
    def _find_bucket_index(
        self, value: float, time_unix_nano: int, attributes: Attributes, context: Context
    ) -> Optional[int]:
        """The slot for this measurement, or ``None`` to drop it."""

    def _reset(self) -> None:
        """Forget per-period state after a collection."""

    def offer(
        self, value: float, time_unix_nano: int, attributes: Attributes, context: Context
    ) -> None:
        with self._lock:
            index = self._find_bucket_index(value, time_unix_nano, attributes, context)
            if index is not None:
                self._slots[index] = _exemplar(value, time_unix_nano, attributes, context)

    def collect(self, point_attributes: Attributes) -> List[Exemplar]:
        with self._lock:
            slots, self._slots = self._slots, {}
            self._reset()
        return [_filtered(slots[index], point_attributes) for index in sorted(slots)]


class SimpleFixedSizeExemplarReservoir(FixedSizeExemplarReservoirABC):
    """Uniform sample of ``size`` measurements per collection period (reservoir sampling)."""

    def __init__(self, size: int = 1, **kwargs: Any) -> None:
        super().__init__(size, **kwargs)
        self._seen = 0

    def _reset(self) -> None:
        self._seen = 0

    def _find_bucket_index(
        self, value: float, time_unix_nano: int, attributes: Attributes, context: Context
    ) -> Optional[int]:
        self._seen += 1
        if self._seen <= self._size:
            return self._seen - 1
        index = randrange(self._seen)
        return index if index < self._size else None


class AlignedHistogramBucketExemplarReservoir(FixedSizeExemplarReservoirABC):
    """The last measurement of each histogram bucket ``(boundaries[i-1], boundaries[i]]``."""

    def __init__(self, boundaries: Sequence[float], **kwargs: Any) -> None:
        super().__init__(len(boundaries) + 1, **kwargs)
        self._boundaries = list(boundaries)

    def _find_bucket_index(
        self, value: float, time_unix_nano: int, attributes: Attributes, context: Context
    ) -> Optional[int]:
        return bisect_left(self._boundaries, value)


ExemplarReservoirBuilder = Callable[..., ExemplarReservoir]
