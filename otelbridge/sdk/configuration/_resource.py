"""The resource every signal shares: environment, then overrides."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict

from otelbridge.sdk.resources import SERVICE_NAME, Resource

if TYPE_CHECKING:
    from opentelemetry.util.types import AttributeValue

    from otelbridge.sdk.configuration._types import Overrides

OVERRIDES = frozenset({"resource", "resource_attributes", "service_name"})


def build_resource(overrides: Overrides) -> Resource:
    """``resource`` (a Resource) replaces detection entirely; otherwise
    :meth:`Resource.create` with ``resource_attributes`` and ``service_name`` on top."""
    if overrides.get("resource") is not None:
        resource: Resource = overrides["resource"]
        return resource
    attributes: Dict[str, AttributeValue] = dict(overrides.get("resource_attributes") or {})
    if overrides.get("service_name"):
        attributes[SERVICE_NAME] = overrides["service_name"]
    return Resource.create(attributes)
