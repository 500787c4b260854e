"""``MeterProvider``: owns the resource, the views and one pipeline per reader."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence

from opentelemetry import metrics as api
from opentelemetry.util.types import Attributes

from otelbridge.sdk.metrics._exemplar import ExemplarFilter, exemplar_filter_from_env
from otelbridge.sdk.metrics._instrument import _Instrument
from otelbridge.sdk.metrics._meter import Meter
from otelbridge.sdk.metrics._pipeline import ReaderPipeline, ViewRegistry
from otelbridge.sdk.metrics._point import MetricsData
from otelbridge.sdk.metrics.export import MetricReader
from otelbridge.sdk.metrics.view import View
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.util.env import sdk_disabled
from otelbridge.sdk.util.fork import renew_locks_after_fork
from otelbridge.sdk.util.instrumentation import InstrumentationScope
from otelbridge.sdk.util.lifecycle import Lifecycle, shutdown_at_exit

if TYPE_CHECKING:
    from otelbridge.sdk.metrics._stream import MetricStream

_logger = logging.getLogger(__name__)


class MetricsTimeoutError(Exception):
    """A flush did not finish within its timeout."""


class MeterProvider(api.MeterProvider):
    """Entry point of the metrics SDK.

    Views are fixed at construction (as in the spec); readers may also be added and removed
    later (:meth:`add_metric_reader`). Every instrument gets one stream per reader and
    matching view. ``exemplar_filter`` chooses which measurements may become exemplars
    (default: ``OTEL_METRICS_EXEMPLAR_FILTER``, else ``trace_based``). With
    ``OTEL_SDK_DISABLED=true`` meters are no-ops.
    """

    def __init__(
        self,
        metric_readers: Sequence[MetricReader] = (),
        resource: Optional[Resource] = None,
        exemplar_filter: Optional[ExemplarFilter] = None,
        shutdown_on_exit: bool = True,
        views: Sequence[View] = (),
    ) -> None:
        self._resource = Resource.create() if resource is None else resource
        self._exemplar_filter = (
            exemplar_filter_from_env() if exemplar_filter is None else exemplar_filter
        )
        self._sample = self._exemplar_filter._sampler()
        self._views = ViewRegistry(views)
        self._pipelines: Dict[int, ReaderPipeline] = {}
        # Per reader (by id), the streams of each instrument (by id), so that adding or
        # removing a reader can rebuild every instrument's recorders.
        self._streams: Dict[int, Dict[int, List[MetricStream]]] = {}
        self._instruments: List[_Instrument] = []
        self._readers_lock = threading.RLock()
        for reader in metric_readers:
            self.add_metric_reader(reader)
        self._meters: Dict[InstrumentationScope, Meter] = {}
        self._lock = threading.Lock()
        renew_locks_after_fork(self, "_lock", "_readers_lock")
        self._disabled = sdk_disabled()
        self._lifecycle = Lifecycle("MeterProvider")
        if shutdown_on_exit:
            shutdown_at_exit(self)

    @property
    def resource(self) -> Resource:
        return self._resource

    def _reconfigure(self, resource: Resource) -> None:
        """Report under ``resource`` from now on (``configure()`` does, when this provider is
        already the global one). Readers stay as they are: the spec fixes them at construction."""
        self._resource = resource
        for pipeline in self._pipelines.values():
            pipeline._resource = resource

    def _add_views(self, views: Sequence[View]) -> None:
        """Register ``views`` late (``configure()`` does, when this provider is already the
        global one, as under the bridge). Instruments they match are given new streams: what
        they recorded before is dropped, so configure views before recording."""
        with self._readers_lock:
            self._views.add(views)
            for instrument in self._instruments:
                if not any(view._match(instrument) for view in views):
                    continue
                _logger.info("Views configured late: %r gets new streams", instrument.name)
                for key, pipeline in self._pipelines.items():
                    pipeline.remove(instrument, self._streams[key].get(id(instrument), []))
                    self._streams[key][id(instrument)] = pipeline.add(instrument)
                self._bind(instrument)

    def get_meter(
        self,
        name: str,
        version: Optional[str] = None,
        schema_url: Optional[str] = None,
        attributes: Attributes = None,
    ) -> api.Meter:
        if self._disabled:
            return api.NoOpMeter(name, version=version, schema_url=schema_url)
        if not name:
            _logger.warning("Meter name %r is invalid; using an empty name", name)
            name = ""
        scope = InstrumentationScope(name, version, schema_url, attributes)
        with self._lock:
            meter = self._meters.get(scope)
            if meter is None:
                meter = self._meters[scope] = Meter(scope, self._register)
        return meter

    def _metric_readers(self) -> List[MetricReader]:
        """The registered readers (the bridge hands them producers)."""
        with self._readers_lock:
            return [pipeline.reader for pipeline in self._pipelines.values()]

    def add_metric_reader(self, metric_reader: MetricReader) -> None:
        """Register a reader; instruments created before it are read by it from now on."""
        with self._readers_lock:
            key = id(metric_reader)
            if key in self._pipelines:
                _logger.warning("%r is already registered with this MeterProvider", metric_reader)
                return
            metric_reader._set_collect_callback(self._collect)
            pipeline = ReaderPipeline(metric_reader, self._resource, self._views)
            self._streams[key] = {id(i): pipeline.add(i) for i in self._instruments}
            self._pipelines[key] = pipeline
            for instrument in self._instruments:
                self._bind(instrument)

    def remove_metric_reader(self, metric_reader: MetricReader) -> None:
        """Stop feeding a reader and shut it down (as opentelemetry-sdk does)."""
        with self._readers_lock:
            key = id(metric_reader)
            if self._pipelines.pop(key, None) is None:
                _logger.warning("%r is not registered with this MeterProvider", metric_reader)
                return
            del self._streams[key]
            for instrument in self._instruments:
                self._bind(instrument)
        metric_reader.shutdown()

    def _register(self, instrument: _Instrument) -> None:
        with self._readers_lock:
            self._instruments.append(instrument)
            for key, pipeline in self._pipelines.items():
                self._streams[key][id(instrument)] = pipeline.add(instrument)
            self._bind(instrument)

    def _bind(self, instrument: _Instrument) -> None:
        """Swap in the instrument's recorders (one tuple assignment: recording threads see
        the old or the new tuple, never a partial one; offers are swapped first)."""
        key = id(instrument)
        streams = [s for found in self._streams.values() for s in found.get(key, ())]
        instrument._sample = self._sample
        instrument._offers = tuple(stream.offer for stream in streams)
        instrument._recorders = tuple(stream.record for stream in streams)

    def _collect(self, reader: MetricReader, timeout_millis: float) -> Optional[MetricsData]:
        if self._lifecycle.stopped:
            _logger.warning("Cannot collect: the MeterProvider is shut down")
            return None
        pipeline = self._pipelines.get(id(reader))
        if pipeline is None:
            _logger.warning("%r cannot collect: it was removed from its MeterProvider", reader)
            return None
        self._views.warn_unused_once()
        return pipeline.collect(timeout_millis)

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        """Have every reader collect (and export) now, sharing one deadline; raises
        :class:`MetricsTimeoutError` when it passes before every reader had its turn."""
        deadline = time.monotonic() + timeout_millis / 1000
        flushed = True
        for pipeline in list(self._pipelines.values()):
            remaining_millis = (deadline - time.monotonic()) * 1000
            if remaining_millis <= 0:
                raise MetricsTimeoutError("Timed out while flushing metric readers")
            flushed = pipeline.reader.force_flush(timeout_millis=remaining_millis) and flushed
        return flushed

    def shutdown(self, timeout_millis: float = 30_000) -> None:
        """Shut every reader down (periodic readers export one last time); once only."""
        if not self._lifecycle.begin_shutdown():
            return
        readers = [pipeline.reader for pipeline in self._pipelines.values()]
        for reader in readers:
            try:
                reader.shutdown(timeout_millis=timeout_millis)
            except Exception:
                _logger.exception("Shutting down %r failed", reader)
        self._lifecycle.end_shutdown()
