"""The shim's one process-wide stats store: registered views, grouped by measure name.

OpenCensus keeps its views in a context variable, so a ``StatsRecorder`` built in another
thread records into a disconnected map; here every recorder, view manager and thread shares
this store. Measures are matched by name (a second measure object with the same name is the
same measure). Registration copies the tuple of views of a measure (copy-on-write), so
recording reads it without a lock.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from opencensus.stats.view_data import ViewData

from otelbridge.sdk.util.fork import register_at_fork
from otelbridge.shims.opencensus.stats._views import ViewSeries, series_for

_logger = logging.getLogger(__name__)


class StatsStore:
    """Views by name and by measure name; warns once per unregistered measure name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_name: Dict[str, ViewSeries] = {}
        self.by_measure: Dict[str, Tuple[ViewSeries, ...]] = {}
        self._measures: Dict[str, Any] = {}
        self._warned: Set[str] = set()
        register_at_fork(self, after_in_child=StatsStore._renew_locks)

    def _renew_locks(self) -> None:
        """A child forked mid-record or mid-collection inherits the store's lock or a view's
        taken: it gets new ones. Views and their values are kept (the child goes on with the
        same cumulative series, as with OpenCensus itself)."""
        self._lock = threading.Lock()
        for series in self.by_name.values():
            series.lock = threading.Lock()

    def register(self, view: Any, start_time: str) -> Optional[ViewSeries]:
        """Add ``view`` (OpenCensus' rules: the same view again is ignored, a different view
        under a taken name warns and is ignored); returns its series or ``None``."""
        return self.adopt(ViewData(view=view, start_time=start_time, end_time=start_time))

    def adopt(self, view_data: ViewData) -> Optional[ViewSeries]:
        """Add a view with the data it already holds (views registered before install)."""
        view = view_data.view
        with self._lock:
            existing = self.by_name.get(view.name)
            if existing is not None:
                if existing.view is not view:
                    _logger.warning(
                        "A different OpenCensus view named %r is already registered; ignored",
                        view.name,
                    )
                return None
            measure = view.measure
            known = self._measures.setdefault(measure.name, measure)
            if known is not measure and type(known) is not type(measure):
                _logger.warning(
                    "OpenCensus measure %r is registered as %s; view %r uses a %s of that name",
                    measure.name,
                    type(known).__name__,
                    view.name,
                    type(measure).__name__,
                )
            series = series_for(view_data)
            self.by_name[view.name] = series
            self.by_measure[measure.name] = (*self.by_measure.get(measure.name, ()), series)
            return series

    def warn_unregistered(self, measure: Any) -> None:
        name = getattr(measure, "name", measure)
        if name not in self._warned:
            self._warned.add(name)
            _logger.warning(
                "OpenCensus measure %r has no registered view; its values are dropped", name
            )

    def views(self) -> List[ViewSeries]:
        with self._lock:
            return list(self.by_name.values())

    def get_view(self, name: str) -> Optional[ViewData]:
        series = self.by_name.get(name)
        return None if series is None else series.snapshot()

    def get_metrics(self, timestamp: datetime) -> Iterator[Any]:
        """OpenCensus ``Metric`` objects, one per view holding data."""
        for series in self.views():
            metric = series.to_metric(timestamp)
            if metric is not None:
                yield metric

    def clear(self) -> None:
        with self._lock:
            self.by_name.clear()
            self.by_measure.clear()
            self._measures.clear()
            self._warned.clear()


STORE = StatsStore()
