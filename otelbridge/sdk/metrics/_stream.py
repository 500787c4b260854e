"""A metric stream: one reader's view of one instrument, holding a cell per attribute set.

The hot path is :meth:`MetricStream.record`: the attribute set's key is the frozenset of its
items (equal dict contents give equal keys whatever their order), and the lookup plus the cell
update happen under the stream's lock, which keeps concurrent adds exact and lets collection
swap the cells out atomically for delta temporality.

Measurements the exemplar filter samples arrive through :meth:`MetricStream.offer` instead:
the same update, plus the series' exemplar reservoir (made at its first offer).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple

from opentelemetry.context import Context
from opentelemetry.util.types import Attributes

from otelbridge.sdk.metrics._exemplar import ExemplarReservoir, FixedSizeExemplarReservoirABC
from otelbridge.sdk.metrics._point import DataPointT, DataT, Metric
from otelbridge.sdk.metrics._temporality import AggregationTemporality

_logger = logging.getLogger(__name__)

OVERFLOW_ATTRIBUTE = "otel.metric.overflow"
_OVERFLOW_KEY: FrozenSet[Tuple[str, Any]] = frozenset({(OVERFLOW_ATTRIBUTE, True)})
_EMPTY: FrozenSet[Tuple[str, Any]] = frozenset()

CellFactory = Callable[[Dict[str, Any]], Any]
DataBuilder = Callable[[List[DataPointT], AggregationTemporality], DataT]
ReservoirFactory = Callable[[], ExemplarReservoir]
Key = FrozenSet[Tuple[str, Any]]


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
        "_new_reservoir",
        "_previous",
        "_reservoirs",
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
        new_reservoir: ReservoirFactory,
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
        self._cells: Dict[Key, Any] = {}
        self._new_reservoir = new_reservoir
        self._reservoirs: Dict[Key, ExemplarReservoir] = {}

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

    def _renew_locks(self) -> None:
        """New locks in a forked child (see ``ReaderPipeline._renew_locks``)."""
        self._lock = threading.Lock()
        for reservoir in self._reservoirs.values():
            if isinstance(reservoir, FixedSizeExemplarReservoirABC):
                reservoir._lock = threading.Lock()

    def offer(self, value: float, attributes: Attributes, context: Context) -> None:
        """Record a measurement the exemplar filter sampled and offer it to the reservoir
        with all its attributes (the view may keep fewer)."""
        measured = attributes
        if attributes:
            if self._keys is not None:
                attributes = {k: v for k, v in attributes.items() if k in self._keys}
            key = attributes_key(dict(attributes))
        else:
            key = _EMPTY
        with self._lock:
            cell: Any = self._cells.get(key)
            if cell is None:
                cell = self._add_cell(key, attributes)
                if cell is self._cells.get(_OVERFLOW_KEY):
                    key = _OVERFLOW_KEY
            cell.update(value)
            reservoir = self._reservoirs.get(key)
            if reservoir is None:
                reservoir = self._reservoirs[key] = self._new_reservoir()
        reservoir.offer(value, time.time_ns(), measured, context)

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
            cells, reservoirs = self._cells, self._reservoirs
            if self._drain:
                self._cells, self._reservoirs = {}, {}
            else:  # cumulative cells keep changing: take the snapshot under the lock
                points = _points(cells, reservoirs, start, now)
        if self._drain:
            if self._previous is not None:
                self._subtract_previous(cells)
            points = _points(cells, reservoirs, start, now)
        if not points:
            return None
        return Metric(self.name, self.description, self.unit, self._build(points, self.temporality))

    def _subtract_previous(self, cells: Dict[FrozenSet[Tuple[str, Any]], Any]) -> None:
        previous = self._previous
        assert previous is not None
        self._previous = {key: cell.value for key, cell in cells.items()}
        for key, cell in cells.items():
            cell.value -= previous.get(key, 0)


def _points(
    cells: Dict[Key, Any], reservoirs: Dict[Key, ExemplarReservoir], start: int, now: int
) -> List[Any]:
    """Each cell's point, with the exemplars its reservoir kept since the last collection."""
    if not reservoirs:
        return [cell.point(start, now) for cell in cells.values()]
    points = []
    for key, cell in cells.items():
        reservoir = reservoirs.get(key)
        if reservoir is None:
            points.append(cell.point(start, now))
        else:
            points.append(cell.point(start, now, reservoir.collect(cell.attributes)))
    return points
