"""What each reader sees: views decide the streams of every instrument, and a collection
runs the observable callbacks, then asks every stream for its metric."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Dict, Iterable, List, Set, Tuple

from otelbridge.sdk.metrics._instrument import _Asynchronous, _Instrument
from otelbridge.sdk.metrics._point import MetricsData, ResourceMetrics, ScopeMetrics
from otelbridge.sdk.metrics._stream import MetricStream
from otelbridge.sdk.metrics.view import Aggregation, DefaultAggregation, View
from otelbridge.sdk.metrics.view._aggregation import StreamSpec
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.util.fork import register_at_fork
from otelbridge.sdk.util.instrumentation import InstrumentationScope

if TYPE_CHECKING:
    from otelbridge.sdk.metrics.export import MetricReader

_logger = logging.getLogger(__name__)


class ViewRegistry:
    """The provider's views, remembering which ever matched so that unused ones warn once."""

    def __init__(self, views: Iterable[View]) -> None:
        self.views = tuple(views)
        self._matched: Set[int] = set()
        self._unchecked = self.views  # not yet looked at by warn_unused_once

    def matching(self, instrument: _Instrument) -> List[View]:
        found = [view for view in self.views if view._match(instrument)]
        self._matched.update(id(view) for view in found)
        return found

    def add(self, views: Iterable[View]) -> None:
        """Views given after construction; they shape the streams created from now on."""
        added = tuple(views)
        self.views += added
        self._unchecked += added

    def warn_unused_once(self) -> None:
        """At the first collection after views were given, warn about each that has matched
        no instrument."""
        if not self._unchecked:
            return
        unchecked, self._unchecked = self._unchecked, ()
        for view in unchecked:
            if id(view) not in self._matched:
                _logger.warning("%r matches no instrument so far; check its criteria", view)


class ReaderPipeline:
    """One reader's metric streams, grouped by scope, and the observable instruments to call."""

    def __init__(self, reader: MetricReader, resource: Resource, views: ViewRegistry) -> None:
        self.reader = reader
        self._resource = resource
        self._views = views
        self._lock = threading.Lock()
        self._collect_lock = threading.Lock()
        self._by_scope: Dict[InstrumentationScope, List[MetricStream]] = {}
        self._observed: List[Tuple[_Asynchronous, List[MetricStream]]] = []
        register_at_fork(self, after_in_child=ReaderPipeline._renew_locks)

    def _renew_locks(self) -> None:
        """A child forked while another parent thread recorded or collected inherits that
        lock taken: it gets new ones, its streams' included (their values are kept)."""
        self._lock = threading.Lock()
        self._collect_lock = threading.Lock()
        for streams in self._by_scope.values():
            for stream in streams:
                stream._renew_locks()

    def _aggregation_for(self, instrument: _Instrument, view_choice: object) -> Aggregation:
        if isinstance(view_choice, Aggregation) and not isinstance(view_choice, DefaultAggregation):
            return view_choice
        return self.reader._instrument_class_aggregation[type(instrument)]

    def add(self, instrument: _Instrument) -> List[MetricStream]:
        """Create (and remember) this reader's streams for a new instrument."""
        cls = type(instrument)
        temporality = self.reader._instrument_class_temporality[cls]
        limit = self.reader._instrument_class_cardinality_limit[cls]
        now = time.time_ns()
        views = self._views.matching(instrument)
        chosen: List[Tuple[Aggregation, StreamSpec]] = []
        if not views:
            spec = StreamSpec(
                instrument.name, instrument.description, None, temporality, limit, now
            )
            chosen.append((self._aggregation_for(instrument, None), spec))
        for view in views:
            spec = StreamSpec(
                view._name or instrument.name,
                instrument.description if view._description is None else view._description,
                view._attribute_keys,
                temporality,
                view._aggregation_cardinality_limit or limit,
                now,
                view._exemplar_reservoir_factory,
            )
            chosen.append((self._aggregation_for(instrument, view._aggregation), spec))
        streams = [
            stream
            for aggregation, spec in chosen
            if (stream := aggregation._stream(instrument, spec)) is not None
        ]
        with self._lock:
            existing = self._by_scope.setdefault(instrument.scope, [])
            taken = {stream.name.lower() for stream in existing}
            for stream in streams:
                if stream.name.lower() in taken:
                    _logger.warning(
                        "Meter %r now has two metric streams named %r (an instrument name "
                        "reused with other settings, or views renaming to the same name)",
                        instrument.scope.name,
                        stream.name,
                    )
                taken.add(stream.name.lower())
            existing.extend(streams)
            if isinstance(instrument, _Asynchronous) and streams:
                self._observed.append((instrument, streams))
        return streams

    def remove(self, instrument: _Instrument, streams: List[MetricStream]) -> None:
        """Forget ``streams`` of ``instrument`` (before :meth:`add` builds it new ones)."""
        with self._lock:
            kept = [s for s in self._by_scope.get(instrument.scope, ()) if s not in streams]
            self._by_scope[instrument.scope] = kept
            self._observed = [entry for entry in self._observed if entry[0] is not instrument]

    def collect(self, timeout_millis: float) -> MetricsData:
        with self._collect_lock:
            with self._lock:
                observed = list(self._observed)
                by_scope = [(scope, list(streams)) for scope, streams in self._by_scope.items()]
            deadline = time.monotonic() + timeout_millis / 1000
            skipped: List[str] = []
            for instrument, streams in observed:
                observations, not_run = instrument._observe(deadline)
                for observation in observations:
                    for stream in streams:
                        stream.record(observation.value, observation.attributes)
                if not_run:
                    skipped.append(instrument.name)
            if skipped:
                _logger.warning(
                    "Collection timed out after %s ms: callbacks of %s were not run, so this "
                    "collection has no points from them (a slow callback delays the others)",
                    timeout_millis,
                    ", ".join(skipped),
                )
            now = time.time_ns()
            scope_metrics = []
            for scope, streams in by_scope:
                metrics = [m for m in (s.collect(now) for s in streams) if m is not None]
                if metrics:
                    scope_metrics.append(ScopeMetrics(scope, metrics, scope.schema_url))
        for producer in list(self.reader._metric_producers):
            try:
                scope_metrics.extend(producer.produce(timeout_millis))
            except Exception:
                _logger.exception("MetricProducer %r failed", producer)
        resource = self._resource
        return MetricsData([ResourceMetrics(resource, scope_metrics, resource.schema_url)])
