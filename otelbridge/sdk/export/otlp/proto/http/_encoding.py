"""How an OTLP/HTTP exporter encodes its bodies: binary protobuf, or OTLP/JSON when
``OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL`` / ``OTEL_EXPORTER_OTLP_PROTOCOL`` is ``http/json``."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Protocol

from google.protobuf.message import Message

from otelbridge.sdk.export._transport import ResponseType
from otelbridge.sdk.export.otlp._config import HTTP_JSON, resolve_protocol
from otelbridge.sdk.export.otlp.proto.common import _json

PROTOBUF_CONTENT_TYPE = "application/x-protobuf"


class ResponseClass(ResponseType, Protocol):
    """A generated ``Export*ServiceResponse`` class: read from bytes, or made empty (JSON)."""

    def __call__(self) -> Message: ...


class HttpEncoding(NamedTuple):
    """The ``Content-Type``, the batch encoder and the reader of the response body."""

    content_type: str
    encode: Callable[[Any], bytes]
    response_type: ResponseType


def http_encoding(
    signal: str,
    serialize: Callable[[Any], bytes],
    build: Callable[[Any], Message],
    response_type: ResponseClass,
) -> HttpEncoding:
    """``serialize`` writes the binary request directly; for JSON the request is ``build``-t as
    a generated message first, then mapped (see :mod:`..common._json`)."""
    if resolve_protocol(signal) == HTTP_JSON:

        def encode_json(batch: Any) -> bytes:
            return _json.dumps(build(batch))

        return HttpEncoding(_json.CONTENT_TYPE, encode_json, _json.JsonResponse(response_type))
    return HttpEncoding(PROTOBUF_CONTENT_TYPE, serialize, response_type)
