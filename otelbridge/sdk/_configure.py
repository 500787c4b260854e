"""``otelbridge.sdk.configure``, which loads the configuration (and with it every signal) only
when it is called: importing a leaf such as ``otelbridge.sdk.resources`` stays as cheap as
importing ``opentelemetry.sdk.resources`` (``tests/sdk/test_import_cost.py`` counts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from otelbridge.sdk.configuration import Providers
    from otelbridge.sdk.configuration._types import Overrides


def configure(**overrides: Unpack[Overrides]) -> Providers:
    """Build the SDK from the ``OTEL_*`` environment and ``overrides``; see
    :func:`otelbridge.sdk.configuration.configure`."""
    from otelbridge.sdk.configuration import configure as build

    return build(**overrides)
