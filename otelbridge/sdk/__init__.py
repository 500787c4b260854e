"""otelbridge's own OpenTelemetry SDK: a faster drop-in for ``opentelemetry.sdk``.

Nothing here imports other otelbridge subpackages, and this module imports nothing eagerly that
a leaf module does not need (``configure`` loads the configuration when called).
"""

from otelbridge.sdk._configure import configure

__all__ = ["configure"]
