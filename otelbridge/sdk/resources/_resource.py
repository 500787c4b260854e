"""The :class:`Resource` value type: immutable attributes plus a schema URL."""

from __future__ import annotations

import json
import logging
import os
import sys
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping, Optional

from otelbridge.sdk.resources._semconv import (
    SERVICE_NAME,
    TELEMETRY_SDK_LANGUAGE,
    TELEMETRY_SDK_NAME,
    TELEMETRY_SDK_VERSION,
)
from otelbridge.sdk.util.attributes import clean_attributes
from otelbridge.version import __version__

if TYPE_CHECKING:
    from opentelemetry.util.types import Attributes, AttributeValue

_logger = logging.getLogger(__name__)

_SDK_ATTRIBUTES = {
    TELEMETRY_SDK_LANGUAGE: "python",
    TELEMETRY_SDK_NAME: "otelbridge",
    TELEMETRY_SDK_VERSION: __version__,
}


class Resource:
    """Immutable attributes describing the entity that produces telemetry."""

    __slots__ = ("_attributes", "_schema_url")

    def __init__(self, attributes: Attributes, schema_url: Optional[str] = None):
        cleaned, _ = clean_attributes(attributes, None, None)
        self._attributes: Mapping[str, AttributeValue] = MappingProxyType(cleaned)
        self._schema_url = schema_url or ""

    @staticmethod
    def create(
        attributes: Attributes = None, schema_url: Optional[str] = None
    ) -> Resource:
        """The SDK's default resource, merged with the configured detectors
        (``OTEL_EXPERIMENTAL_RESOURCE_DETECTORS``, default ``otel``: ``OTEL_RESOURCE_ATTRIBUTES``
        and ``OTEL_SERVICE_NAME``), then with ``attributes``, which win."""
        from otelbridge.sdk.resources._detectors import detected_resource

        resource = _DEFAULT.merge(detected_resource()).merge(Resource(attributes, schema_url))
        if not resource._attributes.get(SERVICE_NAME):
            resource = resource.merge(Resource({SERVICE_NAME: _default_service_name()}))
        return resource

    @staticmethod
    def get_empty() -> Resource:
        return _EMPTY

    @property
    def attributes(self) -> Mapping[str, AttributeValue]:
        return self._attributes

    @property
    def schema_url(self) -> str:
        return self._schema_url

    def merge(self, other: Resource) -> Resource:
        """A resource with both attribute sets; ``other`` wins on conflicts.

        Schema URLs must agree when both are set; otherwise ``self`` is returned unchanged and
        an error is logged, as the specification asks.
        """
        if self._schema_url and other._schema_url and self._schema_url != other._schema_url:
            _logger.error(
                "Cannot merge resources with different schema URLs %r and %r",
                self._schema_url,
                other._schema_url,
            )
            return self
        merged = Resource.__new__(Resource)
        merged._attributes = MappingProxyType({**self._attributes, **other._attributes})
        merged._schema_url = other._schema_url or self._schema_url
        return merged

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resource):
            return NotImplemented
        return self._attributes == other._attributes and self._schema_url == other._schema_url

    def __hash__(self) -> int:
        return hash((json.dumps(dict(self._attributes), sort_keys=True), self._schema_url))

    def __repr__(self) -> str:
        return f"Resource({dict(self._attributes)!r}, {self._schema_url!r})"

    def to_json(self, indent: Optional[int] = 4) -> str:
        return json.dumps(
            {"attributes": dict(self._attributes), "schema_url": self._schema_url}, indent=indent
        )


def _default_service_name() -> str:
    """``unknown_service:<process.executable.name>`` (plain ``unknown_service`` when the
    executable is unknown), as the specification requires."""
    executable = os.path.basename(sys.executable) if sys.executable else ""
    return f"unknown_service:{executable}" if executable else "unknown_service"


_EMPTY = Resource({})
_DEFAULT = Resource(_SDK_ATTRIBUTES)
