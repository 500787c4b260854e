"""The instrumentation scope: who produced a span
(mirrors ``opentelemetry.sdk.util.instrumentation``)."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping, Optional

from otelbridge.sdk.util.attributes import clean_attributes

if TYPE_CHECKING:
    from opentelemetry.util.types import Attributes, AttributeValue


class InstrumentationScope:
    """Name, version, schema URL and attributes of the library that created the telemetry.

    Immutable and hashable so that providers can cache one tracer per scope.
    """

    __slots__ = ("_attributes", "_hash", "_name", "_schema_url", "_version")

    def __init__(
        self,
        name: str,
        version: Optional[str] = None,
        schema_url: Optional[str] = None,
        attributes: Attributes = None,
    ) -> None:
        self._name = name
        self._version = version
        self._schema_url = schema_url or ""
        cleaned, _ = clean_attributes(attributes, None, None)
        self._attributes: Mapping[str, AttributeValue] = MappingProxyType(cleaned)
        self._hash = hash((name, version, self._schema_url))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self._name}, {self._version}, {self._schema_url}, "
            f"{dict(self._attributes)})"
        )

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InstrumentationScope):
            return NotImplemented
        return (
            self._name == other._name
            and self._version == other._version
            and self._schema_url == other._schema_url
            and self._attributes == other._attributes
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, InstrumentationScope):
            return NotImplemented
        return (self._name, self._version or "", self._schema_url) < (
            other._name,
            other._version or "",
            other._schema_url,
        )

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> Optional[str]:
        return self._version

    @property
    def schema_url(self) -> str:
        return self._schema_url

    @property
    def attributes(self) -> Mapping[str, AttributeValue]:
        return self._attributes

    def to_json(self, indent: Optional[int] = 4) -> str:
        return json.dumps(
            {
                "name": self._name,
                "version": self._version,
                "schema_url": self._schema_url,
                "attributes": dict(self._attributes),
            },
            indent=indent,
        )
