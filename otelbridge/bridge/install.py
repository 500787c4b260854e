"""``install()`` / ``uninstall()``: route a process's OpenTracing calls into OpenTelemetry.

Installing configures our SDK (from ``OTEL_*`` variables) unless providers are passed in, makes
them and the propagator OpenTelemetry's globals, makes a :class:`TracerShim` OpenTracing's
global tracer, makes ``jaeger_client.Config`` hand out shims, and routes OpenCensus stats
into the meter provider's readers (:mod:`otelbridge.bridge.opencensus_stats`). Uninstalling
undoes all of it and shuts down the providers the bridge created itself. Both are idempotent
and thread-safe.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Tuple

from opentelemetry import propagate
from opentelemetry import trace as trace_api
from opentelemetry.environment_variables import OTEL_PROPAGATORS
from opentelemetry.metrics import MeterProvider
from opentelemetry.propagators.textmap import TextMapPropagator

from otelbridge.bridge import jaeger, opencensus_stats, opencensus_trace, otel_globals
from otelbridge.bridge.exit_report import ExitReport
from otelbridge.bridge.semconv import attribute_names_from_env
from otelbridge.sdk.propagation.registry import propagator_from_env
from otelbridge.shims.opentracing import TracerShim


@dataclass
class _Installation:
    tracer: TracerShim
    saved: otel_globals.Snapshot
    # Called on uninstall, last first (shutting down what install created, undoing patches).
    undo: List[Callable[[], object]] = field(default_factory=list)


_lock = threading.Lock()
_installation: Optional[_Installation] = None


def install(
    *,
    tracer_provider: Optional[trace_api.TracerProvider] = None,
    meter_provider: Optional[MeterProvider] = None,
    propagator: Optional[TextMapPropagator] = None,
    patch_jaeger: bool = True,
    patch_opencensus: bool = True,
) -> TracerShim:
    """Install the bridge and return the OpenTracing tracer it made global.

    Without ``tracer_provider``, our SDK is configured from the ``OTEL_*`` environment variables
    (exporters, sampler, resource), and ``OTEL_PROPAGATORS`` names the global propagator (built
    from otelbridge's propagators). When already installed, returns the installed tracer and
    changes nothing: call :func:`uninstall` first to install different providers.
    """
    global _installation
    with _lock:
        if _installation is not None:
            return _installation.tracer
        saved = otel_globals.snapshot()
        undo: List[Callable[[], object]] = []
        chosen = propagator is not None or bool(os.environ.get(OTEL_PROPAGATORS, "").strip())
        try:
            configured = tracer_provider is None
            if tracer_provider is None:
                tracer_provider, configured_meter_provider, shutdown = _configure_sdk()
                meter_provider = meter_provider or configured_meter_provider
                propagator = propagator or propagator_from_env()
                undo.append(shutdown)
            otel_globals.replace_tracer_provider(tracer_provider)
            if meter_provider is not None:
                otel_globals.replace_meter_provider(meter_provider)
            if propagator is not None:
                propagate.set_global_textmap(propagator)
            tracer = TracerShim(tracer_provider, attribute_names=attribute_names_from_env())
            otel_globals.replace_opentracing_tracer(tracer)
            if patch_jaeger:
                undo.append(jaeger.patch(tracer, propagators_configured=chosen))
            if patch_opencensus and opencensus_trace.available():
                undo.append(opencensus_trace.install(tracer_provider, configured=configured))
            if patch_opencensus:
                undo.append(opencensus_stats.patch(meter_provider))
        except BaseException:
            _undo(undo)
            otel_globals.restore(saved)
            raise
        _installation = _Installation(tracer, saved, undo)
        return tracer


def uninstall() -> None:
    """Undo :func:`install`: restore the previous globals, unpatch, shut down what it created.

    Does nothing when the bridge is not installed.
    """
    global _installation
    with _lock:
        installation, _installation = _installation, None
        if installation is None:
            return
        otel_globals.restore(installation.saved)
        _undo(installation.undo)


def installed_tracer() -> Optional[TracerShim]:
    """The OpenTracing tracer of the current installation, or None."""
    installation = _installation
    return None if installation is None else installation.tracer


def _undo(steps: List[Callable[[], object]]) -> None:
    for step in reversed(steps):
        step()


def _configure_sdk() -> Tuple[
    trace_api.TracerProvider, Optional[MeterProvider], Callable[[], object]
]:
    """Our SDK configured from ``OTEL_*``: (tracer provider, meter provider or None, shutdown).

    The globals are set by :func:`install` itself, so that :func:`uninstall` can restore them.
    At interpreter exit the providers are shut down and lost spans reported in one line
    (:mod:`otelbridge.bridge.exit_report`).
    """
    from otelbridge.sdk import configure

    providers = configure(set_global=False)
    tracer_provider = providers.tracer_provider or trace_api.NoOpTracerProvider()  # SDK disabled
    report = ExitReport(tracer_provider, providers.shutdown)
    return tracer_provider, providers.meter_provider, report.shutdown
