"""Replacing and restoring OpenTelemetry's and OpenTracing's process-wide globals.

``opentelemetry.trace.set_tracer_provider`` (and the meter equivalent) works once per process
and ignores later calls, so a bridge that can be uninstalled and installed again cannot use it
alone. Here each replacement gives the API a fresh "set once" guard before setting the new
provider, and a :class:`Snapshot` keeps the old provider *and* the old guard, so that restoring
puts the process back exactly as it was: if no provider had been set, the application may still
set its own afterwards.

Tracers and meters handed out by the API's proxies before a replacement bind to the provider
that was global when they were first used; restoring cannot unbind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import opentracing
from opentelemetry import propagate
from opentelemetry import trace as trace_api
from opentelemetry.metrics import MeterProvider
from opentelemetry.metrics import _internal as metrics_internal
from opentelemetry.propagators.textmap import TextMapPropagator
from opentelemetry.util._once import Once


@dataclass(frozen=True)
class Snapshot:
    """Everything :func:`restore` puts back."""

    tracer_provider: Optional[trace_api.TracerProvider]
    tracer_once: Once
    meter_provider: Optional[MeterProvider]
    meter_once: Once
    textmap: TextMapPropagator
    opentracing_tracer: opentracing.Tracer
    opentracing_registered: bool


def snapshot() -> Snapshot:
    return Snapshot(
        tracer_provider=trace_api._TRACER_PROVIDER,
        tracer_once=trace_api._TRACER_PROVIDER_SET_ONCE,
        meter_provider=metrics_internal._METER_PROVIDER,
        meter_once=metrics_internal._METER_PROVIDER_SET_ONCE,
        textmap=propagate.get_global_textmap(),
        opentracing_tracer=opentracing.tracer,
        opentracing_registered=opentracing.is_tracer_registered,
    )


def replace_tracer_provider(provider: trace_api.TracerProvider) -> None:
    """Make ``provider`` the global tracer provider, even if one was set already."""
    trace_api._TRACER_PROVIDER_SET_ONCE = Once()
    trace_api.set_tracer_provider(provider)


def replace_meter_provider(provider: MeterProvider) -> None:
    """Make ``provider`` the global meter provider, even if one was set already."""
    metrics_internal._METER_PROVIDER_SET_ONCE = Once()
    metrics_internal.set_meter_provider(provider)


def replace_opentracing_tracer(tracer: opentracing.Tracer) -> None:
    """Make ``tracer`` what ``opentracing.global_tracer()`` and ``opentracing.tracer`` return."""
    opentracing.set_global_tracer(tracer)


def restore(saved: Snapshot) -> None:
    """Put back every global :func:`snapshot` saw."""
    trace_api._TRACER_PROVIDER = saved.tracer_provider
    trace_api._TRACER_PROVIDER_SET_ONCE = saved.tracer_once
    metrics_internal._METER_PROVIDER = saved.meter_provider
    metrics_internal._METER_PROVIDER_SET_ONCE = saved.meter_once
    propagate.set_global_textmap(saved.textmap)
    opentracing.tracer = saved.opentracing_tracer
    opentracing.is_tracer_registered = saved.opentracing_registered
