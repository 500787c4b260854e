"""Build and install the SDK from the ``OTEL_*`` environment plus keyword overrides."""

from otelbridge.sdk.configuration._check import check_environment
from otelbridge.sdk.configuration._configure import (
    Providers,
    configure,
    tracer_provider_from_env,
)
from otelbridge.sdk.configuration._errors import ConfigurationError

__all__ = [
    "ConfigurationError",
    "Providers",
    "check_environment",
    "configure",
    "tracer_provider_from_env",
]
