"""``otelbridge.sdk.configure``, which loads the configuration (and with it every signal) only
when it is called: importing a leaf such as ``otelbridge.sdk.resources`` stays as cheap as
importing ``opentelemetry.sdk.resources`` (``tests/sdk/test_import_cost.py`` counts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from otelbridge.sdk.configuration import Providers


def configure(**overrides: Any) -> Providers:
    """Build the SDK from the ``OTEL_*`` environment and ``overrides``; see
    :func:`otelbridge.sdk.configuration.configure`."""
    from otelbridge.sdk.configuration import configure as build

    return build(**overrides)
