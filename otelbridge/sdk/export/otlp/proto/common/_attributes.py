"""Wire encoding of attributes (``KeyValue``/``AnyValue``), resources and scopes.

Resources and scopes repeat in every batch, so their encodings are cached by object identity
(the cache holds the object, so an id is never reused while its entry lives).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from opentelemetry.proto.common.v1.common_pb2 import (
    AnyValue,
    ArrayValue,
    InstrumentationScope,
    KeyValue,
    KeyValueList,
)
from opentelemetry.proto.resource.v1.resource_pb2 import Resource

from otelbridge.sdk.export.otlp.proto.common._wire import (
    SMALL_VARINTS,
    length_delimited,
    pack_double,
    tag,
    utf8,
    varint,
)

if TYPE_CHECKING:
    from typing import TypeVar

    from otelbridge.sdk.export._types import ResourceData, ScopeData

    T = TypeVar("T")

_logger = logging.getLogger(__name__)

_KV_KEY = tag(KeyValue, "key")
_KV_VALUE = tag(KeyValue, "value")
_STRING = tag(AnyValue, "string_value")
_BOOL = tag(AnyValue, "bool_value")
_INT = tag(AnyValue, "int_value")
_DOUBLE = tag(AnyValue, "double_value")
_ARRAY = tag(AnyValue, "array_value")
_KVLIST = tag(AnyValue, "kvlist_value")
_BYTES = tag(AnyValue, "bytes_value")
_ARRAY_VALUES = tag(ArrayValue, "values")
_KVLIST_VALUES = tag(KeyValueList, "values")
_TRUE = _BOOL + b"\x01"
_FALSE = _BOOL + b"\x00"
_EMPTY_VALUE = _KV_VALUE + b"\x00"

_RESOURCE_ATTRIBUTES = tag(Resource, "attributes")
_RESOURCE_DROPPED = tag(Resource, "dropped_attributes_count")
_SCOPE_NAME = tag(InstrumentationScope, "name")
_SCOPE_VERSION = tag(InstrumentationScope, "version")
_SCOPE_ATTRIBUTES = tag(InstrumentationScope, "attributes")

_CACHE_LIMIT = 1024
# Attribute key -> encoded ``KeyValue.key`` field. Keys repeat across spans far more than values.
_key_fields: dict[str, bytes] = {}


def encode_value(value: Any) -> bytes:  # untyped: see encode_attributes
    """The body of an ``AnyValue`` holding ``value`` (empty for ``None``)."""
    kind = type(value)
    if kind is str:
        return length_delimited(_STRING, value.encode())
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is int:
        return _INT + varint(value)
    if kind is float:
        return _DOUBLE + pack_double(value)
    return _encode_other_value(value)


def _encode_other_value(value: object) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bool):
        return _TRUE if value else _FALSE
    if isinstance(value, str):
        return length_delimited(_STRING, value.encode())
    if isinstance(value, int):
        return _INT + varint(int(value))
    if isinstance(value, float):
        return _DOUBLE + pack_double(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return length_delimited(_BYTES, bytes(value))
    if isinstance(value, Mapping):
        return length_delimited(_KVLIST, encode_attributes(value, _KVLIST_VALUES))
    if isinstance(value, (list, tuple)):
        items = [length_delimited(_ARRAY_VALUES, encode_value(item)) for item in value]
        return length_delimited(_ARRAY, b"".join(items))
    raise TypeError(f"cannot encode attribute value of type {type(value).__name__}")


def _key_field(key: str) -> bytes:
    field = _key_fields.get(key)
    if field is None:
        if len(_key_fields) >= _CACHE_LIMIT:
            _key_fields.clear()
        field = _key_fields[key] = length_delimited(_KV_KEY, key.encode())
    return field


# Whole ``KeyValue.value`` fields for the commonest values, precomputed.
_SMALL_INT_VALUES = [length_delimited(_KV_VALUE, _INT + varint(i)) for i in range(1 << 12)]
_SHORT_STRING_PREFIXES = [
    _KV_VALUE + varint(len(_STRING) + 1 + n) + _STRING + varint(n) for n in range(120)
]
_TRUE_VALUE = length_delimited(_KV_VALUE, _TRUE)
_FALSE_VALUE = length_delimited(_KV_VALUE, _FALSE)


def _value_field(value: Any) -> bytes:  # untyped: see encode_attributes
    """The ``KeyValue.value`` field for a value of any supported type."""
    kind = type(value)
    if kind is str:
        data: bytes = value.encode()
        if len(data) < 120:
            return _SHORT_STRING_PREFIXES[len(data)] + data
        return length_delimited(_KV_VALUE, length_delimited(_STRING, data))
    if kind is bool:
        return _TRUE_VALUE if value else _FALSE_VALUE
    if value is None:
        return _EMPTY_VALUE
    return length_delimited(_KV_VALUE, encode_value(value))


# Untyped values: the loop dispatches on ``type(value)`` held in a local, which mypy does not
# narrow on, and a value of any other type is logged and skipped.
def encode_attributes(attributes: Optional[Mapping[str, Any]], field: bytes) -> bytes:
    """Each attribute as one ``KeyValue`` under the repeated field whose key is ``field``.

    Short keys and small ints take a path without function calls; a value that cannot be
    encoded is logged and skipped, like the reference exporter does.
    """
    if not attributes:
        return b""
    out: list[bytes] = []
    append = out.append
    keys = _key_fields
    small_ints = _SMALL_INT_VALUES
    short_strings = _SHORT_STRING_PREFIXES
    for key, value in attributes.items():
        try:
            kind = type(value)
            if kind is str:
                data = value.encode()
                value_field = (
                    short_strings[len(data)] + data if len(data) < 120 else _value_field(value)
                )
            elif kind is int and 0 <= value < 4096:
                value_field = small_ints[value]
            else:
                value_field = _value_field(value)
            body = (keys.get(key) or _key_field(key)) + value_field
        except (TypeError, ValueError, OverflowError, UnicodeError) as error:
            _logger.warning("Dropping attribute %r from the OTLP export: %s", key, error)
            continue
        size = len(body)
        append(field + (SMALL_VARINTS[size] if size < 16384 else varint(size)) + body)
    return b"".join(out)


def _cached(cache: dict[int, tuple[T, bytes]], obj: T, encode: Callable[[T], bytes]) -> bytes:
    entry = cache.get(id(obj))
    if entry is not None and entry[0] is obj:
        return entry[1]
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    encoded = encode(obj)
    cache[id(obj)] = (obj, encoded)
    return encoded


def _encode_resource(resource: ResourceData) -> bytes:
    dropped = getattr(resource, "dropped_attributes", 0)
    return encode_attributes(resource.attributes, _RESOURCE_ATTRIBUTES) + (
        _RESOURCE_DROPPED + varint(dropped) if dropped else b""
    )


def _encode_scope(scope: Optional[ScopeData]) -> bytes:
    if scope is None:
        return b""
    out = [length_delimited(_SCOPE_NAME, utf8(scope.name))] if scope.name else []
    if scope.version:
        out.append(length_delimited(_SCOPE_VERSION, utf8(scope.version)))
    out.append(encode_attributes(scope.attributes, _SCOPE_ATTRIBUTES))
    return b"".join(out)


_resources: dict[int, tuple[ResourceData, bytes]] = {}
_scopes: dict[int, tuple[Optional[ScopeData], bytes]] = {}


def resource_body(resource: ResourceData) -> bytes:
    """The body of the ``Resource`` message for an SDK resource (cached)."""
    return _cached(_resources, resource, _encode_resource)


def scope_body(scope: Optional[ScopeData]) -> bytes:
    """The body of the ``InstrumentationScope`` message for an SDK scope or ``None`` (cached)."""
    return _cached(_scopes, scope, _encode_scope)
