"""Propagators by ``OTEL_PROPAGATORS`` name, preferring otelbridge's over same-named plugins.

``opentelemetry.propagate`` resolves each name to the *first* ``opentelemetry_propagator`` entry
point that ``importlib.metadata`` lists, an order set by ``sys.path`` and directory listing,
so with opentelemetry-api and opentelemetry-propagator-* installed, ``b3`` may mean either package's
class. :func:`get_propagator` removes the doubt: our names (and the ``otelbridge_*`` aliases, also
registered as entry points) always give ours; other names fall back to the entry points.
"""

from __future__ import annotations

import logging
import os
from typing import Callable, Dict, List, Optional

from opentelemetry.environment_variables import OTEL_PROPAGATORS
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.propagators.textmap import TextMapPropagator

from otelbridge.sdk.propagation.b3 import B3MultiFormat, B3SingleFormat
from otelbridge.sdk.propagation.baggage import W3CBaggagePropagator
from otelbridge.sdk.propagation.cloud_trace import CloudTraceFormatPropagator
from otelbridge.sdk.propagation.jaeger import JaegerPropagator
from otelbridge.sdk.propagation.opencensus_binary import OpenCensusBinaryPropagator
from otelbridge.sdk.propagation.ottrace import OTTracePropagator
from otelbridge.sdk.propagation.tracecontext import TraceContextTextMapPropagator
from otelbridge.sdk.util.entry_points import entry_points_in

__all__ = [
    "ALIAS_PREFIX",
    "PROPAGATORS",
    "UnknownPropagatorError",
    "get_propagator",
    "propagator_from_env",
]

_logger = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "opentelemetry_propagator"
#: Prefix of the unambiguous entry-point names (``otelbridge_b3`` ...).
ALIAS_PREFIX = "otelbridge_"
DEFAULT = "tracecontext,baggage"

PROPAGATORS: Dict[str, Callable[[], TextMapPropagator]] = {
    "tracecontext": TraceContextTextMapPropagator,
    "baggage": W3CBaggagePropagator,
    "b3": B3SingleFormat,
    "b3multi": B3MultiFormat,
    "jaeger": JaegerPropagator,
    "ottrace": OTTracePropagator,
    "opencensus": OpenCensusBinaryPropagator,
    "xcloudtrace": CloudTraceFormatPropagator,
}


class UnknownPropagatorError(ValueError):
    """No propagator of ours and no installed entry point has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Propagator {name} not found. It is either misspelled or not installed.")
        self.name = name


def get_propagator(name: str) -> TextMapPropagator:
    """A new propagator for ``name``: ours if we have it, else the installed entry point.

    Raises :class:`UnknownPropagatorError` (a ``ValueError``, as ``opentelemetry.propagate``
    raises) for a name nobody registers.
    """
    name = name.strip()
    ours = PROPAGATORS.get(name[len(ALIAS_PREFIX) :] if name.startswith(ALIAS_PREFIX) else name)
    if ours is not None:
        return ours()
    entry_point = entry_points_in(ENTRY_POINT_GROUP).get(name)
    if entry_point is None:
        raise UnknownPropagatorError(name)
    propagator: TextMapPropagator = entry_point.load()()
    return propagator


def propagator_from_env(value: Optional[str] = None) -> CompositePropagator:
    """The composite ``OTEL_PROPAGATORS`` (or ``value``) asks for, with our implementations.

    ``none`` anywhere means no propagation; repeated names count once. Install it with
    ``opentelemetry.propagate.set_global_textmap(propagator_from_env())``.
    """
    configured = os.environ.get(OTEL_PROPAGATORS, DEFAULT) if value is None else value
    names: List[str] = []
    for name in configured.split(","):
        name = name.strip()
        if name.lower() == "none":
            return CompositePropagator([])
        if name and name not in names:
            names.append(name)
    return CompositePropagator([get_propagator(name) for name in names])
