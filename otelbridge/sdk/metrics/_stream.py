"""A metric stream: one reader's view of one instrument, holding a cell per attribute set.

The hot path is :meth:`MetricStream.record`: under the stream's lock (which keeps concurrent
adds exact and lets collection swap the cells out atomically for delta temporality), an
attribute set equal to the previous measurement's goes straight to the cell remembered with it;
any other is looked up by its key, the frozenset of its items (equal dict contents give equal
keys whatever their order), and then remembered.

Measurements the exemplar filter samples arrive through :meth:`MetricStream.offer` instead:
the same update, plus the series' exemplar reservoir (made at its first offer).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    FrozenSet,
    List,
    Mapping,
    Optional,
    Protocol,
    Tuple,
    Union,
)

from opentelemetry.context import Context
from opentelemetry.util.types import Attributes, AttributeValue

from otelbridge.sdk.metrics._exemplar import ExemplarReservoir, FixedSizeExemplarReservoirABC
from otelbridge.sdk.metrics._point import DataPointT, DataT, Metric
from otelbridge.sdk.metrics._temporality import AggregationTemporality

if TYPE_CHECKING:
    from otelbridge.sdk.metrics._exemplar import Exemplar

_logger = logging.getLogger(__name__)

OVERFLOW_ATTRIBUTE = "otel.metric.overflow"


class Cell(Protocol):
    """One attribute set's aggregate (``_cells.SumCell``, ``HistogramCell``, ...)."""

    attributes: Dict[str, AttributeValue]

    def update(self, value: Union[int, float]) -> None: ...

    def point(
        self, start: int, now: int, exemplars: Optional[List[Exemplar]] = ...
    ) -> DataPointT: ...


#: A set of attribute items; values are hashable (lists become tuples, see ``sequences_key``).
Key = FrozenSet[Tuple[str, object]]
_OVERFLOW_KEY: Key = frozenset({(OVERFLOW_ATTRIBUTE, True)})
_EMPTY: Key = frozenset()

CellFactory = Callable[[Dict[str, AttributeValue]], Cell]
DataBuilder = Callable[[List[DataPointT], AggregationTemporality], DataT]
ReservoirFactory = Callable[[], ExemplarReservoir]
#: ``MetricStream._last`` before any lookup and after a drain: equal to no attribute set, so
#: its cell is never read (hence the ignore: it is no cell).
_NOTHING_REMEMBERED: Tuple[object, Cell] = (object(), None)  # type: ignore[assignment]


def sequences_key(attributes: Mapping[str, AttributeValue]) -> Key:
    """The key of a set with unhashable (list) values: they become tuples."""
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
        "_last",
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
        self._previous: Optional[Dict[Key, Union[int, float]]] = (
            {} if subtract_previous else None
        )
        self._keys = attribute_keys
        self._limit = limit
        self._start = start
        self._last_collect = start
        self._lock = threading.Lock()
        self._cells: Dict[Key, Cell] = {}
        self._new_reservoir = new_reservoir
        self._reservoirs: Dict[Cell, ExemplarReservoir] = {}  # by cell
        self._last: Tuple[object, Cell] = _NOTHING_REMEMBERED

    def record(self, value: float, attributes: Attributes) -> None:
        """Add one measurement to its attribute set's cell (the hot path; ``acquire`` and
        ``release`` rather than ``with``, which makes two bound methods per call on 3.11)."""
        lock = self._lock
        lock.acquire()
        try:
            remembered, cell = self._last
            if attributes != remembered:
                cell = self._lookup(attributes)
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
        with self._lock:
            cell = self._lookup(attributes)
            cell.update(value)
            reservoir = self._reservoirs.get(cell)
            if reservoir is None:
                reservoir = self._reservoirs[cell] = self._new_reservoir()
        reservoir.offer(value, time.time_ns(), attributes, context)

    def _lookup(self, attributes: Attributes) -> Cell:
        """The cell of ``attributes`` (after the view's attribute filter), added if new; past
        the cardinality limit, the shared overflow cell. Called under the lock.

        Measurements often repeat the previous one's attribute set (a loop, a handler with
        fixed labels), so the cell found last is remembered in ``_last`` with its attributes
        (``None`` when the measurement had none): ``record`` skips the key and the lookup
        for a set equal to them. That is sound for any cell: a set equal to a cell's
        attributes has that cell's key (the view keeps all of it; dict and key equality both
        compare values with ``==``). A cell with unhashable (list) values is not remembered,
        as the caller could change a list in place.
        """
        kept: Mapping[str, AttributeValue] = {}
        remember = True
        if not attributes:
            key = _EMPTY
        else:
            kept = attributes
            if self._keys is not None:
                kept = {k: v for k, v in attributes.items() if k in self._keys}
            try:
                key = frozenset(kept.items())
            except TypeError:
                key, remember = sequences_key(kept), False
        cell = self._cells.get(key)
        if cell is None:
            cell = self._add_cell(key, kept)
        if remember:
            self._last = (None if attributes is None else cell.attributes, cell)
        return cell

    def _add_cell(self, key: Key, kept: Mapping[str, AttributeValue]) -> Cell:
        """A new cell for ``key``; past the cardinality limit, the shared overflow cell."""
        cells = self._cells
        if len(cells) >= self._limit - 1:
            overflow = cells.get(_OVERFLOW_KEY)
            if overflow is not None:
                return overflow
            key, kept = _OVERFLOW_KEY, {OVERFLOW_ATTRIBUTE: True}
            _logger.warning(
                "Metric stream %r reached its cardinality limit of %d attribute sets; further "
                "sets are aggregated under %s=true",
                self.name,
                self._limit,
                OVERFLOW_ATTRIBUTE,
            )
        cell = cells[key] = self._new_cell(dict(kept))
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
                self._last = _NOTHING_REMEMBERED
            else:  # cumulative cells keep changing: take the snapshot under the lock
                points = _points(cells, reservoirs, start, now)
        if self._drain:
            if self._previous is not None:
                self._subtract_previous(cells)
            points = _points(cells, reservoirs, start, now)
        if not points:
            return None
        return Metric(self.name, self.description, self.unit, self._build(points, self.temporality))

    # Only sum cells (observed totals) come here; ``Cell`` does not say they have a ``value``.
    def _subtract_previous(self, cells: Dict[Key, Any]) -> None:
        previous = self._previous
        assert previous is not None
        self._previous = {key: cell.value for key, cell in cells.items()}
        for key, cell in cells.items():
            cell.value -= previous.get(key, 0)


def _points(
    cells: Dict[Key, Cell], reservoirs: Dict[Cell, ExemplarReservoir], start: int, now: int
) -> List[DataPointT]:
    """Each cell's point, with the exemplars its reservoir kept since the last collection."""
    if not reservoirs:
        return [cell.point(start, now) for cell in cells.values()]
    points = []
    for cell in cells.values():
        reservoir = reservoirs.get(cell)
        if reservoir is None:
            points.append(cell.point(start, now))
        else:
            points.append(cell.point(start, now, reservoir.collect(cell.attributes)))
    return points
