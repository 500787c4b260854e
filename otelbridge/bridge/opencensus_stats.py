"""The OpenCensus stats half of the bridge: OpenCensus views and registries reported by the
OpenTelemetry meter provider's readers.

Nothing of OpenCensus is imported here: the stats shim is installed when the application
imports ``opencensus.stats.stats`` (where the recorder and view manager live) or
``opencensus.metrics.transport`` (exporter threads), through ``wrapt``'s post-import hooks
(at once if already imported), and ``PRODUCER`` is then registered with every reader.

Installing the shim bypasses OpenCensus' exporters, so it is only done when there are
readers to report the values: with no meter provider, or one that is not otelbridge's
(whose readers cannot take producers), OpenCensus stats are left as they are and the log
says why.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import threading
from typing import Any, Callable, List, Optional

import wrapt
from opentelemetry.metrics import MeterProvider as ApiMeterProvider

from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import MetricReader

_logger = logging.getLogger(__name__)
_MODULES = ("opencensus.stats.stats", "opencensus.metrics.transport")
_lock = threading.RLock()  # hooks may run inside patch(), under the lock
_hooks_registered = False
_pending: Optional[List[MetricReader]] = None  # readers waiting for OpenCensus to be imported
_installed: Optional[List[MetricReader]] = None  # readers given the producer
_installing = False  # the shim's own imports fire the other hook: ignore it meanwhile


def available() -> bool:
    """True when OpenCensus can be imported (without importing it)."""
    try:
        return importlib.util.find_spec("opencensus.stats") is not None
    except ImportError:  # no opencensus package at all
        return False


def patch(meter_provider: Optional[ApiMeterProvider]) -> Callable[[], None]:
    """Install the stats shim for ``meter_provider``'s readers once OpenCensus is imported;
    returns the undo step."""
    global _pending, _hooks_registered
    if not isinstance(meter_provider, MeterProvider):
        _logger.info(
            "OpenCensus stats are left to OpenCensus: the bridge has no otelbridge "
            "MeterProvider to report them (got %r)",
            meter_provider,
        )
        return _nothing
    if not available():
        return _nothing
    with _lock:
        _pending = meter_provider._metric_readers()
        if not _hooks_registered:
            _hooks_registered = True
            for name in _MODULES:
                wrapt.register_post_import_hook(_on_import, name)  # runs now if imported
        else:
            for name in _MODULES:
                if name in sys.modules:
                    _on_import(None)
                    break
    return _unpatch


def _on_import(module: Any) -> None:
    global _installed, _installing
    with _lock:
        if _pending is None or _installed is not None or _installing:
            return
        _installing = True
        try:
            # The stats shim lives in the package of the trace shim, which imports OpenCensus'
            # tracer; importing that first lets the trace half's own import hook run before
            # the trace shim is imported, not halfway through its import.
            importlib.import_module("opencensus.trace.tracer")
            from otelbridge.shims.opencensus import stats as stats_shim

            stats_shim.install()
        finally:
            _installing = False
        for reader in _pending:
            reader.register_producer(stats_shim.PRODUCER)
        _installed = _pending


def _unpatch() -> None:
    global _pending, _installed
    with _lock:
        installed, _pending, _installed = _installed, None, None
        if installed is None:
            return
        from otelbridge.shims.opencensus import stats as stats_shim

        for reader in installed:
            reader.unregister_producer(stats_shim.PRODUCER)
        stats_shim.uninstall()


def _nothing() -> None:
    """Nothing was installed."""
