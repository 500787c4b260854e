"""Checking the ``OTEL_*`` settings before anything is built: one policy for every bad value.

A bad value raises one :class:`ConfigurationError` whose one line names the variable, the bad
value and the accepted values. :func:`configure` checks first (so no exporter warns, falls back or
half-builds), and ``otelbridge run`` checks before it starts the program, so that a typo stops the
launch instead of giving an untraced run. Checking builds nothing and opens nothing.
"""

from __future__ import annotations

import os
from typing import List, Mapping

from opentelemetry.environment_variables import OTEL_PROPAGATORS

from otelbridge.sdk.configuration import _metrics, _traces
from otelbridge.sdk.configuration._errors import ConfigurationError, unknown_value
from otelbridge.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_PROTOCOL,
    OTEL_METRICS_EXPORTER,
    OTEL_TRACES_EXPORTER,
)
from otelbridge.sdk.export.otlp._config import PROTOCOLS, signal_variable
from otelbridge.sdk.propagation.registry import (
    ALIAS_PREFIX,
    DEFAULT,
    ENTRY_POINT_GROUP,
    PROPAGATORS,
)
from otelbridge.sdk.trace.sampling import sampler_from_env
from otelbridge.sdk.util.entry_points import entry_points_in


def check_environment(overrides: Mapping[str, object] = {}) -> None:
    """Raise :class:`ConfigurationError` for the first ``OTEL_*`` value that cannot be used.

    Settings that ``overrides`` (the keywords of :func:`configure`) replace are not checked.
    """
    if "sampler" not in overrides:
        try:
            sampler_from_env()
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
    if "span_exporters" not in overrides:
        _check_names(OTEL_TRACES_EXPORTER, _traces.exporter_names(), _traces.EXPORTER_GROUP)
    if "metric_exporters" not in overrides:
        _check_names(OTEL_METRICS_EXPORTER, _metrics.exporter_names(), _metrics.EXPORTER_GROUP)
    for signal in ("traces", "metrics"):
        for variable in (
            signal_variable(OTEL_EXPORTER_OTLP_PROTOCOL, signal),
            OTEL_EXPORTER_OTLP_PROTOCOL,
        ):
            value = os.environ.get(variable, "").strip()
            if value and value not in PROTOCOLS:
                raise unknown_value(variable, value, PROTOCOLS)
    if "propagators" not in overrides:
        check_propagators()


def check_propagators() -> None:
    """``OTEL_PROPAGATORS`` names only propagators that exist (ours or installed plugins)."""
    registered = entry_points_in(ENTRY_POINT_GROUP)
    accepted: List[str] = ["none", *PROPAGATORS]
    accepted += sorted(name for name in registered if name not in accepted)
    for name in os.environ.get(OTEL_PROPAGATORS, DEFAULT).split(","):
        name = name.strip()
        bare = name[len(ALIAS_PREFIX) :] if name.startswith(ALIAS_PREFIX) else name
        if name and name.lower() != "none" and bare not in PROPAGATORS and name not in registered:
            raise unknown_value(OTEL_PROPAGATORS, name, accepted)


def _check_names(variable: str, names: List[str], group: str) -> None:
    registered = entry_points_in(group)
    for name in names:
        if name not in registered:
            raise unknown_value(variable, name, ["none", *sorted(registered)])
