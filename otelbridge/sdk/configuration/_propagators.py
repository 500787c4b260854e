"""The global propagator ``configure()`` installs: ``OTEL_PROPAGATORS`` names resolved to
otelbridge's propagators (the API alone may pick another package's class for a name both
register, see :mod:`otelbridge.sdk.propagation.registry`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opentelemetry.environment_variables import OTEL_PROPAGATORS
from opentelemetry.propagators.textmap import TextMapPropagator

from otelbridge.sdk.configuration._errors import unknown_value
from otelbridge.sdk.propagation.registry import (
    ENTRY_POINT_GROUP,
    PROPAGATORS,
    UnknownPropagatorError,
    propagator_from_env,
)
from otelbridge.sdk.util.entry_points import entry_points_in

if TYPE_CHECKING:
    from otelbridge.sdk.configuration._types import Overrides

OVERRIDES = frozenset({"propagators"})


def build(overrides: Overrides) -> TextMapPropagator:
    """``overrides["propagators"]`` (a propagator, or names as in ``OTEL_PROPAGATORS``), else
    the variable; an unknown name raises ``ConfigurationError``."""
    chosen = overrides.get("propagators")
    if isinstance(chosen, TextMapPropagator):
        return chosen
    try:
        return propagator_from_env(None if chosen is None else str(chosen))
    except UnknownPropagatorError as exc:
        setting = OTEL_PROPAGATORS if chosen is None else "propagators"
        accepted = sorted({*PROPAGATORS, *entry_points_in(ENTRY_POINT_GROUP), "none"})
        raise unknown_value(setting, exc.name, accepted) from None


def install(propagator: TextMapPropagator) -> None:
    # Imported here: importing opentelemetry.propagate reads OTEL_PROPAGATORS and raises on a bad
    # name, which must reach the user as the one-line ConfigurationError of build() instead.
    from opentelemetry import propagate

    propagate.set_global_textmap(propagator)
