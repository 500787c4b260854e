"""Make ``jaeger_client.Config(...).initialize_tracer()`` / ``new_tracer()`` return the shim.

``new_tracer`` is wrapped (with wrapt, whenever ``jaeger_client.config`` gets imported) to build a
:class:`TracerShim` instead of a Jaeger tracer: no agent channel, reporter or sampler thread is
started. ``initialize_tracer`` calls ``new_tracer`` and so makes that shim OpenTracing's global
tracer, keeping Jaeger's "only the first call counts" rule. The shim carries the config's
service name and process tags (as resource attributes) and its sampler (const, probabilistic,
rate limiting; remote sampling falls back to the installed sampler). It propagates with what
``OTEL_PROPAGATORS`` names when that is set; otherwise with W3C trace context and baggage plus the
Jaeger (or, with ``propagation: b3``, the B3) headers the rest of the fleet still speaks, and the
global propagator gets that legacy format too, so native instrumentation speaks it as well.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any, Callable, Dict, Optional

import wrapt
from opentelemetry import propagate

from otelbridge.bridge.derive import derived_provider, jaeger_propagator, with_legacy
from otelbridge.bridge.rate_limiting import RateLimitingSampler
from otelbridge.sdk.configuration import ConfigurationError
from otelbridge.sdk.resources import SERVICE_NAME
from otelbridge.sdk.trace import sampling
from otelbridge.shims.opentracing import TracerShim

_logger = logging.getLogger(__name__)

_MODULE = "jaeger_client.config"

_lock = threading.Lock()
_hook_registered = False
# The installed bridge tracer while patched; None once unpatched.
_tracer: Optional[TracerShim] = None
_propagators_configured = True


def patch(tracer: TracerShim, propagators_configured: bool = True) -> Callable[[], None]:
    """Patch ``jaeger_client`` now or when it gets imported; returns the function that unpatches.

    ``propagators_configured`` is False when nobody chose the propagators (no
    ``OTEL_PROPAGATORS``, no ``propagator=``): Config tracers then add their legacy format.
    """
    global _tracer, _hook_registered, _propagators_configured
    with _lock:
        _tracer = tracer
        _propagators_configured = propagators_configured
        if not _hook_registered:
            _hook_registered = True
            wrapt.register_post_import_hook(_wrap, _MODULE)
        else:
            module = sys.modules.get(_MODULE)
            if module is not None:
                _wrap(module)
    return _unpatch


def _wrap(module: Any) -> None:
    config = module.Config
    if _tracer is None or isinstance(config.__dict__["new_tracer"], wrapt.FunctionWrapper):
        return
    config.new_tracer = wrapt.FunctionWrapper(config.__dict__["new_tracer"], _new_tracer)


def _unpatch() -> None:
    global _tracer
    with _lock:
        _tracer = None
        module = sys.modules.get(_MODULE)
        if module is None:
            return
        wrapper = module.Config.__dict__["new_tracer"]
        if isinstance(wrapper, wrapt.FunctionWrapper):
            module.Config.new_tracer = wrapper.__wrapped__


def _new_tracer(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    tracer = _tracer
    if tracer is None:
        return wrapped(*args, **kwargs)
    return tracer_for_config(tracer, instance)


def tracer_for_config(base: TracerShim, config: Any) -> TracerShim:
    """A shim for one ``jaeger_client.Config``, recording through ``base``'s pipeline."""
    provider = derived_provider(
        base.tracer_provider, _resource_attributes(config), _sampler(config)
    )
    propagation = config.config.get("propagation")
    if propagation != "b3" and (
        config.trace_id_header != "uber-trace-id" or config.baggage_header_prefix != "uberctx-"
    ):
        _logger.warning(
            "custom jaeger headers (%s, %s*) are not supported; using uber-trace-id, uberctx-*",
            config.trace_id_header,
            config.baggage_header_prefix,
        )
    if _propagators_configured:
        # OTEL_PROPAGATORS (or install(propagator=...)) decides, for the Config tracer too.
        return TracerShim(provider, attribute_names=base.attribute_names)
    # Nothing chosen: the fleet's default W3C plus the format this service used to speak, for
    # this tracer and for native instrumentation (the global propagator).
    propagator = with_legacy(propagate.get_global_textmap(), jaeger_propagator(propagation))
    propagate.set_global_textmap(propagator)
    return TracerShim(
        provider,
        text_map_propagator=propagator,
        http_headers_propagator=propagator,
        attribute_names=base.attribute_names,
    )


def _resource_attributes(config: Any) -> Dict[str, Any]:
    """The service name and Jaeger's process-wide tracer tags (``tags``, ``JAEGER_TAGS``)."""
    attributes = {
        str(key): value if isinstance(value, (str, bool, int, float)) else str(value)
        for key, value in config.tags.items()
    }
    if config.service_name:
        attributes[SERVICE_NAME] = config.service_name
    return attributes


def _sampler_number(kind: str, param: Any) -> float:
    """The sampler's numeric ``param`` (jaeger-client fails on a missing one with a TypeError)."""
    try:
        return float(param)
    except (TypeError, ValueError):
        raise ConfigurationError(
            f"jaeger sampler {kind!r} needs a numeric 'param', got {param!r}"
        ) from None


def _sampler(config: Any) -> Any:
    """The OpenTelemetry sampler equivalent to the config's Jaeger sampler, or None."""
    settings: Any = config.config.get("sampler") or {}
    kind = settings.get("type") if isinstance(settings, dict) else None
    param: Any = settings.get("param") if isinstance(settings, dict) else None
    if kind == "const":
        decision = str(param).lower() in ("1", "true")
        return sampling.ParentBased(sampling.ALWAYS_ON if decision else sampling.ALWAYS_OFF)
    if kind == "probabilistic":
        return sampling.ParentBased(sampling.TraceIdRatioBased(_sampler_number(kind, param)))
    if kind in ("ratelimiting", "rate_limiting"):
        return sampling.ParentBased(RateLimitingSampler(_sampler_number(kind, param)))
    if kind:
        _logger.warning(
            "jaeger sampler %r has no OpenTelemetry equivalent here; using the installed sampler",
            kind,
        )
    return None
