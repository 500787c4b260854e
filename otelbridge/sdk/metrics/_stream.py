"""A metric stream: one reader's view of one instrument, holding a cell per attribute set.

The hot path is :meth:`MetricStream.record`: the attribute set's key is the frozenset of its
items (equal dict contents give equal keys whatever their order), and the lookup plus the cell
update happen under the stream's lock, which keeps concurrent adds exact and lets collection
swap the cells out atomically for delta temporality.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple

from opentelemetry.util.types import Attributes

from otelbridge.sdk.metrics._point import DataPointT, DataT, Metric
from otelbridge.sdk.metrics._temporality import AggregationTemporality

_logger = logging.getLogger(__name__)

OVERFLOW_ATTRIBUTE = "otel.metric.overflow"
_OVERFLOW_KEY: FrozenSet[Tuple[str, Any]] = frozenset({(OVERFLOW_ATTRIBUTE, True)})
_EMPTY: FrozenSet[Tuple[str, Any]] = frozenset()

CellFactory = Callable[[Dict[str, Any]], Any]
DataBuilder = Callable[[List[DataPointT], AggregationTemporality], DataT]


def attributes_key(attributes: Dict[str, Any]) -> FrozenSet[Tuple[str, Any]]:
    """A hashable key equal for equal contents; sequence values become tuples."""
    try:
        return frozenset(attributes.items())
    except TypeError:
        return frozenset(
            (key, tuple(value) if isinstance(value, (list, bytearray)) else value)
            for key, value in attributes.items()
        )


class MetricStream:
    """Aggregates one instrument's measurements for one reader (after one view).

    ``drain`` streams hand over their cells at each collection (delta temporality, observable
    instruments); the others keep accumulating (cumulative). With
    ``subtract_previous``, observed totals are turned into deltas against the last collection.
    """

    __slots__ = (
        "_build",
        "_cells",
        "_drain",
        "_keys",
        "_last_collect",
        "_limit",
        "_lock",
        "_new_cell",
        "_previous",
        "_start",
        "description",
        "name",
        "temporality",
        "unit",
    )

    def __init__(
        self,
        *,
        name: str,
        description: str,
        unit: str,
        new_cell: CellFactory,
        build: DataBuilder,
        temporality: AggregationTemporality,
        drain: bool,
        subtract_previous: bool,
        attribute_keys: Optional[FrozenSet[str]],
        limit: int,
        start: int,
    ) -> None:
        self.name = name
        self.description = description
        self.unit = unit
        self.temporality = temporality
        self._new_cell = new_cell
        self._build = build
        self._drain = drain
        self._previous: Optional[Dict[FrozenSet[Tuple[str, Any]], Any]] = (
            {} if subtract_previous else None
        )
        self._keys = attribute_keys
        self._limit = limit
        self._start = start
        self._last_collect = start
        self._lock = threading.Lock()
        self._cells: Dict[FrozenSet[Tuple[str, Any]], Any] = {}

    def record(self, value: float, attributes: Attributes) -> None:
        if attributes:
            if self._keys is not None:
                attributes = {k: v for k, v in attributes.items() if k in self._keys}
            try:
                key = frozenset(attributes.items())
            except TypeError:
                key = attributes_key(dict(attributes))
        else:
            key = _EMPTY
        lock = self._lock
        lock.acquire()
        try:
            cell = self._cells.get(key)
            if cell is None:
                cell = self._add_cell(key, attributes)
            cell.update(value)
        finally:
            lock.release()

    def _add_cell(self, key: FrozenSet[Tuple[str, Any]], attributes: Attributes) -> Any:
        """A new cell for ``key``; past the cardinality limit, the shared overflow cell."""
        cells = self._cells
        if len(cells) >= self._limit - 1:
            overflow = cells.get(_OVERFLOW_KEY)
            if overflow is not None:
                return overflow
            key, attributes = _OVERFLOW_KEY, {OVERFLOW_ATTRIBUTE: True}
            _logger.warning(
                "Metric stream %r reached its cardinality limit of %d attribute sets; further "
                "sets are aggregated under %s=true",
                self.name,
                self._limit,
                OVERFLOW_ATTRIBUTE,
            )
        cell = self._new_cell(dict(attributes) if attributes else {})
        cells[key] = cell
        return cell

    def collect(self, now: int) -> Optional[Metric]:
        """This collection's metric, or ``None`` when no series has data."""
        cumulative = self.temporality is AggregationTemporality.CUMULATIVE
        start = self._start if cumulative else self._last_collect
        self._last_collect = now
        with self._lock:
            cells = self._cells
            if self._drain:
                self._cells = {}
            else:  # cumulative cells keep changing: take the snapshot under the lock
                points = [cell.point(start, now) for cell in cells.values()]
        if self._drain:
            if self._previous is not None:
                self._subtract_previous(cells)
            points = [cell.point(start, now) for cell in cells.values()]
        if not points:
            return None
        return Metric(self.name, self.description, self.unit, self._build(points, self.temporality))

    def _subtract_previous(self, cells: Dict[FrozenSet[Tuple[str, Any]], Any]) -> None:
        previous = self._previous
        assert previous is not None
        self._previous = {key: cell.value for key, cell in cells.items()}
        for key, cell in cells.items():
            cell.value -= previous.get(key, 0)
