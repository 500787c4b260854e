"""otelbridge's own OpenTelemetry SDK: a faster drop-in for ``opentelemetry.sdk``.

Nothing here imports other otelbridge subpackages.
"""

from otelbridge.sdk.configuration import configure

__all__ = ["configure"]
