"""The metrics signal: readers (from exporters by name) and the MeterProvider."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, List, Optional, Union

from opentelemetry import metrics as metrics_api
from opentelemetry.metrics import _internal as metrics_internal

from otelbridge.sdk.configuration._errors import unknown_value
from otelbridge.sdk.environment_variables import OTEL_METRICS_EXPORTER
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.util.entry_points import entry_points_in

if TYPE_CHECKING:
    from otelbridge.sdk.configuration._types import Overrides
    from otelbridge.sdk.metrics.export import MetricExporter

_logger = logging.getLogger(__name__)

NAME = "metrics"
EXPORTER_GROUP = "otelbridge_metrics_exporter"
OVERRIDES = frozenset({"metric_readers", "metric_exporters", "views"})


def _from_registry(name: str, setting: str) -> Any:
    """Instantiate what ``otelbridge_metrics_exporter`` registers as ``name``: an exporter,
    or a ready reader (``prometheus``); of no declared type: whatever the entry point loads."""
    registered = entry_points_in(EXPORTER_GROUP)
    if name not in registered:
        raise unknown_value(setting, name, ["none", *sorted(registered)])
    return registered[name].load()()


def _as_reader(exporter_or_reader: Union[MetricExporter, MetricReader]) -> MetricReader:
    """Readers are used as they are; exporters get a periodic reader
    (``OTEL_METRIC_EXPORT_INTERVAL``/``TIMEOUT``)."""
    if isinstance(exporter_or_reader, MetricReader):
        return exporter_or_reader
    return PeriodicExportingMetricReader(exporter_or_reader)


def exporter_names() -> List[str]:
    raw = os.environ.get(OTEL_METRICS_EXPORTER, "").strip()
    if raw:
        names = [n.strip().lower() for n in raw.split(",") if n.strip()]
        return [] if "none" in names else names
    # The spec's default is otlp; without an otlp exporter installed we export nothing.
    return ["otlp"] if "otlp" in entry_points_in(EXPORTER_GROUP) else []


def build_readers(overrides: Overrides) -> List[MetricReader]:
    """``metric_readers`` plus ``metric_exporters`` (instances or names), which win over
    ``OTEL_METRICS_EXPORTER``. Readers given without exporters, the variable unset, are the
    whole pipeline: the spec's default (OTLP) is for code that chose none, and would send to an
    endpoint nobody set up (a migrated program serving Prometheus only, as it did before)."""
    readers: List[MetricReader] = list(overrides.get("metric_readers") or ())
    given = overrides.get("metric_exporters")
    if given is None and readers and not os.environ.get(OTEL_METRICS_EXPORTER, "").strip():
        given = []
    if given is None:
        items: List[Union[MetricExporter, MetricReader]] = [
            _from_registry(n, OTEL_METRICS_EXPORTER) for n in exporter_names()
        ]
    else:
        items = [
            _from_registry(item, "metric_exporters") if isinstance(item, str) else item
            for item in given
            if item != "none"
        ]
    return readers + [_as_reader(item) for item in items]


def build(resource: Resource, overrides: Overrides) -> MeterProvider:
    return MeterProvider(
        metric_readers=build_readers(overrides),
        resource=resource,
        views=overrides.get("views") or (),
    )


def installed() -> Optional[MeterProvider]:
    """The global meter provider when it is ours (set by an earlier configure or the bridge)."""
    provider = metrics_internal._METER_PROVIDER
    return provider if isinstance(provider, MeterProvider) else None


def reconfigure(
    provider: MeterProvider, resource: Optional[Resource], overrides: Overrides
) -> None:
    """Apply what a later ``configure()`` gives to an installed provider (migrated code under
    the bridge configures its own): readers and exporters are added, views shape the
    instruments created from now on, and a new ``resource`` is reported under."""
    if overrides.get("metric_readers") or overrides.get("metric_exporters"):
        given: Overrides = {
            "metric_readers": overrides.get("metric_readers") or (),
            "metric_exporters": overrides.get("metric_exporters") or (),
        }
        for reader in build_readers(given):
            provider.add_metric_reader(reader)
    if overrides.get("views"):
        provider._add_views(overrides["views"])
    if resource is not None:
        provider._reconfigure(resource)


def install(provider: MeterProvider) -> None:
    metrics_api.set_meter_provider(provider)
    if metrics_api.get_meter_provider() is not provider:
        _logger.warning(
            "A global MeterProvider was already set; opentelemetry-api allows setting it once "
            "per process, so the new one is only reachable through the returned Providers"
        )
