"""The one error type configuration raises."""

from __future__ import annotations

from typing import Iterable


class ConfigurationError(ValueError):
    """A setting has a value the SDK does not understand."""


def unknown_value(setting: str, value: object, accepted: Iterable[str]) -> ConfigurationError:
    """'OTEL_X='bad' is not supported; accepted values: a, b' in one place."""
    choices = ", ".join(accepted) or "(none installed)"
    return ConfigurationError(f"{setting}={value!r} is not supported; accepted values: {choices}")
