"""``configure()``: one small builder per signal, run in order, installed globally.

Adding a signal means writing a module with ``NAME``, ``OVERRIDES``, ``build(resource,
overrides)`` and ``install(provider)`` and listing it in ``SIGNALS``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Dict, Optional

from otelbridge.sdk.configuration import _metrics, _propagators, _resource, _traces
from otelbridge.sdk.configuration._check import check_environment
from otelbridge.sdk.configuration._errors import ConfigurationError
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.util.env import sdk_disabled

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from otelbridge.sdk.configuration._types import Overrides

_logger = logging.getLogger(__name__)

SIGNALS = (_traces, _metrics)
_COMMON = frozenset({"set_global"})


class Providers:
    """What :func:`configure` built, by signal; :meth:`shutdown` flushes and stops them all."""

    def __init__(self, resource: Optional[Resource], by_signal: Dict[str, Any]) -> None:
        self.resource = resource
        self.by_signal = by_signal

    @property
    def disabled(self) -> bool:
        """``True`` when ``OTEL_SDK_DISABLED`` turned the SDK off (nothing was built)."""
        return not self.by_signal

    @property
    def tracer_provider(self) -> Optional[TracerProvider]:
        provider: Optional[TracerProvider] = self.by_signal.get(_traces.NAME)
        return provider

    @property
    def meter_provider(self) -> Optional[MeterProvider]:
        provider: Optional[MeterProvider] = self.by_signal.get(_metrics.NAME)
        return provider

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return all(p.force_flush(timeout_millis) for p in self.by_signal.values())

    def shutdown(self) -> None:
        for provider in self.by_signal.values():
            provider.shutdown()

    def __repr__(self) -> str:
        return f"Providers({', '.join(self.by_signal) or 'disabled'})"


def tracer_provider_from_env() -> TracerProvider:
    """What ``OTEL_PYTHON_TRACER_PROVIDER=otelbridge`` gives ``opentelemetry.trace``: the traces
    pipeline built from the environment alone. A bad setting is logged, not raised, because
    this runs inside the API's lazy ``get_tracer_provider()``."""
    try:
        return _traces.build(_resource.build_resource({}), {})
    except ValueError as exc:
        _logger.error("%s; using a TracerProvider without exporters", exc)
        return TracerProvider()


def configure(**overrides: Unpack[Overrides]) -> Providers:
    """Build every signal's provider from the ``OTEL_*`` environment, with ``overrides``
    winning, and make them the global providers (unless ``set_global=False``).

    Where one of our providers is global already (an earlier ``configure()``, or
    ``otelbridge.bridge.install()``), the explicit overrides are applied to it instead (resource,
    sampler, span exporters; see :func:`_traces.reconfigure`), since the API allows one global
    provider per process.

    Overrides: ``service_name``, ``resource_attributes``, ``resource``; traces: ``sampler``
    (a Sampler or an ``OTEL_TRACES_SAMPLER`` name), ``sampler_arg``, ``span_exporters``
    (exporters or registered names), ``span_processor`` (``"batch"`` or ``"simple"``),
    ``span_limits``, ``id_generator``; metrics: ``metric_readers``, ``metric_exporters``
    (exporters, readers or registered names), ``views``; ``propagators`` (a propagator or
    ``OTEL_PROPAGATORS``-style names, resolved to otelbridge's propagators and installed as
    the global textmap). With ``OTEL_SDK_DISABLED=true`` nothing is built.
    Unknown names or values raise :class:`ConfigurationError` naming the setting and the
    accepted values.
    """
    accepted = _COMMON | _resource.OVERRIDES | _propagators.OVERRIDES
    for signal in SIGNALS:
        accepted |= signal.OVERRIDES
    unknown = sorted(set(overrides) - accepted)
    if unknown:
        raise ConfigurationError(
            f"configure() got unknown override(s) {', '.join(unknown)}; "
            f"accepted: {', '.join(sorted(accepted))}"
        )
    if sdk_disabled():
        _logger.info("OTEL_SDK_DISABLED is true: otelbridge SDK not configured")
        return Providers(None, {})
    check_environment(overrides)
    propagator = _propagators.build(overrides)
    resource = _resource.build_resource(overrides)
    set_global = overrides.get("set_global", True)
    given_resource = resource if _resource.OVERRIDES & set(overrides) else None
    providers: Dict[str, Any] = {}
    reconfigured = False
    for signal in SIGNALS:
        installed = signal.installed() if set_global else None
        if installed is not None:  # an earlier configure() or the bridge: update it in place
            signal.reconfigure(installed, given_resource, overrides)
            providers[signal.NAME] = installed
            reconfigured = True
        else:
            providers[signal.NAME] = signal.build(resource, overrides)
            if set_global:
                signal.install(providers[signal.NAME])
    # Updating in place keeps the installed propagator too (the bridge's may speak a legacy
    # format as well, see docs/opentracing.md), unless one is given explicitly.
    if set_global and (not reconfigured or "propagators" in overrides):
        _propagators.install(propagator)
    return Providers(resource, providers)
