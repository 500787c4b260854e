"""``OpenCensusMetricProducer``: OpenCensus' metrics joining every OpenTelemetry collection.

It reads the shim's views (``stats.stats``) and every other OpenCensus producer it was
given, for example a ``Registry`` of gauges that the application handed to
``transport.get_exporter_thread``. Sources are held weakly, as OpenCensus' exporter thread
holds them. Everything is reported under one scope named after the shim, with our version.
"""

from __future__ import annotations

import logging
import threading
import weakref
from datetime import datetime
from typing import Any, Iterable, List, Sequence

from opencensus.stats import stats as oc_stats

from otelbridge.sdk.metrics.export import MetricProducer, ScopeMetrics
from otelbridge.sdk.util.fork import renew_locks_after_fork
from otelbridge.sdk.util.instrumentation import InstrumentationScope
from otelbridge.shims.opencensus.stats._convert import Converter
from otelbridge.shims.opencensus.stats._store import STORE
from otelbridge.version import __version__

_logger = logging.getLogger(__name__)
SCOPE = InstrumentationScope("otelbridge.shims.opencensus", __version__)


class OpenCensusMetricProducer(MetricProducer):
    """The shim's views plus the OpenCensus producers added with :meth:`add_source`."""

    def __init__(self, sources: Iterable[Any] = ()) -> None:
        self._lock = threading.Lock()
        renew_locks_after_fork(self, "_lock")
        self._sources: List[weakref.ref[Any]] = []
        self._converter = Converter()
        for source in sources:
            self.add_source(source)

    def add_source(self, source: Any) -> None:
        """Read ``source.get_metrics()`` at every collection (``stats.stats`` is always read)."""
        if source is oc_stats.stats or isinstance(source, type(oc_stats.stats)):
            return
        with self._lock:
            if all(ref() is not source for ref in self._sources):
                self._sources.append(weakref.ref(source))

    def _oc_metrics(self) -> List[Any]:
        found = list(STORE.get_metrics(datetime.utcnow()))
        with self._lock:
            sources = [source for ref in self._sources if (source := ref()) is not None]
        for source in sources:
            try:
                found.extend(source.get_metrics())
            except Exception:
                _logger.exception("OpenCensus metric producer %r failed", source)
        return found

    def produce(self, timeout_millis: float = 10_000) -> Sequence[ScopeMetrics]:
        converted = [self._converter.convert(metric) for metric in self._oc_metrics()]
        metrics = [metric for metric in converted if metric is not None]
        return [ScopeMetrics(SCOPE, metrics, "")] if metrics else []


PRODUCER = OpenCensusMetricProducer()
