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

import importlib.util
import logging
import threading
from typing import Callable, List, Optional

from opentelemetry.metrics import MeterProvider as ApiMeterProvider

from otelbridge.bridge._after_import import AfterImports
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import MetricReader

_logger = logging.getLogger(__name__)
_MODULES = ("opencensus.stats.stats", "opencensus.metrics.transport")
_lock = threading.RLock()  # hooks may run inside patch(), under the lock
_pending: Optional[List[MetricReader]] = None  # readers waiting for OpenCensus to be imported
_installed: Optional[List[MetricReader]] = None  # readers given the producer


def available() -> bool:
    """True when OpenCensus can be imported (without importing it)."""
    try:
        return importlib.util.find_spec("opencensus.stats") is not None
    except ImportError:  # no opencensus package at all
        return False


def patch(meter_provider: Optional[ApiMeterProvider]) -> Callable[[], None]:
    """Install the stats shim for ``meter_provider``'s readers once OpenCensus is imported;
    returns the undo step."""
    global _pending
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
        _hooks.arm()
    return _unpatch


def _on_import() -> None:
    global _installed
    with _lock:
        if _pending is None or _installed is not None:
            return
        from otelbridge.shims.opencensus import stats as stats_shim

        stats_shim.install()
        for reader in _pending:
            reader.register_producer(stats_shim.PRODUCER)
        _installed = _pending


#: The shim imports these OpenCensus modules itself: patching waits until it is complete.
_hooks = AfterImports(_MODULES, "otelbridge.shims.opencensus.stats", _on_import, _lock)


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
