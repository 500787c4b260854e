"""The traces signal: sampler, exporters, processors and the TracerProvider."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, List, Optional, Union

from opentelemetry import trace as trace_api

from otelbridge.sdk.configuration._errors import ConfigurationError, unknown_value
from otelbridge.sdk.environment_variables import (
    OTEL_TRACES_EXPORTER,
    OTEL_TRACES_SAMPLER_ARG,
)
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace import SpanLimits, SpanProcessor, TracerProvider
from otelbridge.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from otelbridge.sdk.trace.sampling import Sampler, sampler_from_env, sampler_from_name
from otelbridge.sdk.util.entry_points import entry_points_in

if TYPE_CHECKING:
    from otelbridge.sdk.configuration._types import Overrides
    from otelbridge.sdk.trace.export import SpanExporter

_logger = logging.getLogger(__name__)

NAME = "traces"
EXPORTER_GROUP = "otelbridge_traces_exporter"
OVERRIDES = frozenset(
    {"sampler", "sampler_arg", "span_exporters", "span_processor", "span_limits", "id_generator"}
)
_PROCESSORS = ("batch", "simple")


def build_sampler(overrides: Overrides) -> Sampler:
    sampler: Union[Sampler, str, None] = overrides.get("sampler")
    try:
        if sampler is None:
            return sampler_from_env()
        if isinstance(sampler, str):
            arg = overrides.get("sampler_arg", os.environ.get(OTEL_TRACES_SAMPLER_ARG))
            return sampler_from_name(sampler, None if arg is None else str(arg), "sampler")
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    return sampler


def exporter_by_name(name: str, setting: str = OTEL_TRACES_EXPORTER) -> Any:
    """Instantiate the exporter registered as ``name`` in ``otelbridge_traces_exporter`` (of no
    declared type: whatever the entry point loads)."""
    registered = entry_points_in(EXPORTER_GROUP)
    if name not in registered:
        raise unknown_value(setting, name, ["none", *sorted(registered)])
    return registered[name].load()()


def exporter_names() -> List[str]:
    raw = os.environ.get(OTEL_TRACES_EXPORTER, "").strip()
    if raw:
        names = [n.strip().lower() for n in raw.split(",") if n.strip()]
        return [] if "none" in names else names
    # The spec's default is otlp; without an otlp exporter installed we export nothing.
    return ["otlp"] if "otlp" in entry_points_in(EXPORTER_GROUP) else []


def build_exporters(overrides: Overrides) -> List[SpanExporter]:
    """``span_exporters`` (instances or names) wins over ``OTEL_TRACES_EXPORTER``."""
    given = overrides.get("span_exporters")
    if given is None:
        return [exporter_by_name(name) for name in exporter_names()]
    return [
        exporter_by_name(item, "span_exporters") if isinstance(item, str) else item
        for item in given
        if item != "none"
    ]


def _processor_for(exporter: SpanExporter, kind: str) -> SpanProcessor:
    if kind == "simple":
        return SimpleSpanProcessor(exporter)
    return BatchSpanProcessor(exporter)


def _processor_kind(overrides: Overrides) -> str:
    kind: str = overrides.get("span_processor", "batch")
    if kind not in _PROCESSORS:
        raise unknown_value("span_processor", kind, _PROCESSORS)
    return kind


def build(resource: Resource, overrides: Overrides) -> TracerProvider:
    kind = _processor_kind(overrides)
    span_limits: Optional[SpanLimits] = overrides.get("span_limits")
    provider = TracerProvider(
        sampler=build_sampler(overrides),
        resource=resource,
        span_limits=span_limits if span_limits is not None else SpanLimits(),
        id_generator=overrides.get("id_generator"),
    )
    for exporter in build_exporters(overrides):
        provider.add_span_processor(_processor_for(exporter, kind))
    return provider


def installed() -> Optional[TracerProvider]:
    """The global tracer provider when it is ours (set by an earlier configure or the bridge)."""
    provider = trace_api._TRACER_PROVIDER
    return provider if isinstance(provider, TracerProvider) else None


def reconfigure(
    provider: TracerProvider, resource: Optional[Resource], overrides: Overrides
) -> None:
    """Apply the explicit ``overrides`` (and a new ``resource``) to an installed provider."""
    kind = _processor_kind(overrides)
    processors = None
    if "span_exporters" in overrides:
        processors = [_processor_for(exporter, kind) for exporter in build_exporters(overrides)]
    provider._reconfigure(
        resource=resource,
        sampler=build_sampler(overrides) if "sampler" in overrides else None,
        span_processors=processors,
    )


def install(provider: TracerProvider) -> None:
    trace_api.set_tracer_provider(provider)
    if trace_api.get_tracer_provider() is not provider:
        _logger.warning(
            "A global TracerProvider was already set; opentelemetry-api allows setting it once "
            "per process, so the new one is only reachable through the returned Providers"
        )
