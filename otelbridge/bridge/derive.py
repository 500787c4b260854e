"""Providers and propagators for tracers the bridge makes on a legacy library's behalf.

A legacy ``jaeger_client.Config`` names its own service, process tags and sampler; its shim
records through the installed provider's span processors (one pipeline, one exporter) under a
provider with those resource attributes and that sampler.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from opentelemetry import trace as trace_api
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.propagators.textmap import TextMapPropagator

from otelbridge.sdk.propagation.registry import get_propagator
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace import TracerProvider


def derived_provider(
    base: trace_api.TracerProvider, attributes: Mapping[str, Any], sampler: Optional[Any]
) -> trace_api.TracerProvider:
    """``base`` with more resource ``attributes`` and another sampler, sharing its processors.

    Returns ``base`` itself when nothing differs or when it is not our SDK's provider.
    """
    if not isinstance(base, TracerProvider):
        return base
    changed = {
        key: value
        for key, value in attributes.items()
        if base.resource.attributes.get(key) != value
    }
    if not changed and sampler is None:
        return base
    resource = base.resource.merge(Resource(changed)) if changed else base.resource
    return TracerProvider(
        sampler=base.sampler if sampler is None else sampler,
        resource=resource,
        shutdown_on_exit=False,  # the base provider flushes the shared processors at exit
        active_span_processor=base._active_span_processor,
        id_generator=base.id_generator,
        span_limits=base._span_limits,
    )


def jaeger_propagator(propagation: Optional[str]) -> TextMapPropagator:
    """What a jaeger-client tracer with this ``propagation`` setting puts on the wire."""
    return get_propagator("b3multi" if propagation == "b3" else "jaeger")


def with_legacy(propagator: TextMapPropagator, legacy: TextMapPropagator) -> TextMapPropagator:
    """``propagator`` (W3C by default) followed by ``legacy``, unless it already has that format.

    Injecting writes both formats and extracting reads both, so services still on the legacy
    tracer and services already on OpenTelemetry's default both continue the trace.
    """
    parts = list(getattr(propagator, "_propagators", [propagator]))
    if any(type(part) is type(legacy) for part in parts):
        return propagator
    return CompositePropagator([*parts, legacy])
