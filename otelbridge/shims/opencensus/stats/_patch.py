"""Installing the stats shim: OpenCensus' recorder and view manager use :data:`STORE`.

Patched (on the classes, so every recorder, view manager and context sees it):
``MeasurementMap.measure_int_put/measure_float_put/record``, ``MeasureToViewMap.register_view/
get_view/get_metrics/record``, and ``ViewManager.register_exporter/unregister_exporter``
(legacy stats exporters are neutralised and named once in the log: values leave through
OpenTelemetry readers only). Views registered in OpenCensus before installing are adopted
with their data; uninstalling hands every view, with its data, back to OpenCensus' own map.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any, Callable, List, Optional, Tuple

from opencensus.metrics import transport as oc_transport
from opencensus.stats import measure_to_view_map as oc_map
from opencensus.stats import measurement_map as oc_measurement_map
from opencensus.stats import stats as oc_stats
from opencensus.stats import view_manager as oc_view_manager

from otelbridge.sdk.util.fork import renew_locks_after_fork
from otelbridge.shims.opencensus.stats import _record, _transport
from otelbridge.shims.opencensus.stats._exporters import neutralise
from otelbridge.shims.opencensus.stats._store import STORE

_logger = logging.getLogger(__name__)
_lock = threading.Lock()
renew_locks_after_fork(sys.modules[__name__], "_lock")
_saved: Optional[List[Tuple[Any, str, Any]]] = None


def _register_view(self: Any, view: Any, timestamp: str) -> None:
    self._exported_views = None
    STORE.register(view, timestamp)


def _get_view(self: Any, view_name: str, timestamp: str) -> Any:
    return STORE.get_view(view_name)


def _get_metrics(self: Any, timestamp: Any) -> Any:
    return STORE.get_metrics(timestamp)


def _map_record(
    self: Any, tags: Any, measurement_map: Any, timestamp: Any, attachments: Any = None
) -> None:
    _record.record_values(tags, measurement_map, attachments)


def _register_exporter(self: Any, exporter: Any) -> None:
    neutralise(exporter, "view_manager.register_exporter")


def _unregister_exporter(self: Any, exporter: Any) -> None:
    """Nothing was registered."""


_PATCHES: Tuple[Tuple[type, str, Callable[..., Any]], ...] = (
    (oc_measurement_map.MeasurementMap, "measure_int_put", _record.measure_int_put),
    (oc_measurement_map.MeasurementMap, "measure_float_put", _record.measure_float_put),
    (oc_measurement_map.MeasurementMap, "record", _record.record),
    (oc_map.MeasureToViewMap, "register_view", _register_view),
    (oc_map.MeasureToViewMap, "get_view", _get_view),
    (oc_map.MeasureToViewMap, "get_metrics", _get_metrics),
    (oc_map.MeasureToViewMap, "record", _map_record),
    (oc_view_manager.ViewManager, "register_exporter", _register_exporter),
    (oc_view_manager.ViewManager, "unregister_exporter", _unregister_exporter),
)
# Module functions patched the same way (modules are not types, hence a second table).
_FUNCTIONS: Tuple[Tuple[Any, str, Callable[..., Any]], ...] = (
    (oc_transport, "get_exporter_thread", _transport.get_exporter_thread),
)


def _default_map() -> Any:
    return oc_stats.stats.view_manager.measure_to_view_map


def installed() -> bool:
    return _saved is not None


def install() -> None:
    """Route OpenCensus stats into the shim's store (idempotent)."""
    global _saved
    with _lock:
        if _saved is not None:
            return
        default = _default_map()
        for view_datas in list(default._measure_to_view_data_list_map.values()):
            for view_data in view_datas:
                STORE.adopt(view_data)
        for exporter in list(default.exporters):
            neutralise(exporter, "registered before the bridge")
        _saved = [(cls, name, cls.__dict__[name]) for cls, name, _ in _PATCHES]
        _saved += [(module, name, getattr(module, name)) for module, name, _ in _FUNCTIONS]
        for target, name, replacement in (*_PATCHES, *_FUNCTIONS):
            setattr(target, name, replacement)


def uninstall() -> None:
    """Restore OpenCensus' recorder, giving its default map every view with its data."""
    global _saved
    with _lock:
        if _saved is None:
            return
        for cls, name, original in _saved:
            setattr(cls, name, original)
        _saved = None
        default = _default_map()
        for series in STORE.views():
            view_datas = default._measure_to_view_data_list_map[series.view.measure.name]
            if all(vd is not series.view_data for vd in view_datas):
                view_datas.append(series.view_data)
            default._registered_views[series.view.name] = series.view
            default._registered_measures.setdefault(series.view.measure.name, series.view.measure)
        default._exported_views = None
        STORE.clear()
