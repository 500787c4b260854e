"""The OTLP/JSON mapping (OTLP/HTTP with ``Content-Type: application/json``).

It is the protobuf JSON mapping with the OTLP exceptions: trace and span ids are hex strings
(not base64), enum values are integers, keys are lowerCamelCase. Requests are first built as the
generated messages (the same ones the binary encoders fill), then mapped here, so both encodings
carry exactly the same data.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Callable, Dict, TypeVar

from google.protobuf import json_format
from google.protobuf.message import Message

CONTENT_TYPE = "application/json"

_ID_FIELDS = frozenset({"traceId", "spanId", "parentSpanId"})

M = TypeVar("M", bound=Message)


def _convert_ids(node: Any, convert: Callable[[str], str]) -> Any:
    if isinstance(node, dict):
        return {
            key: convert(value) if key in _ID_FIELDS else _convert_ids(value, convert)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_convert_ids(item, convert) for item in node]
    return node


def _base64_to_hex(value: str) -> str:
    return base64.b64decode(value).hex()


def _hex_to_base64(value: str) -> str:
    return base64.b64encode(bytes.fromhex(value)).decode()


def to_otlp_json(message: Message) -> Dict[str, Any]:
    """The OTLP/JSON form of a request or response: protobuf JSON, hex ids, integer enums."""
    as_dict = json_format.MessageToDict(message, use_integers_for_enums=True)
    return _convert_ids(as_dict, _base64_to_hex)  # type: ignore[no-any-return]  # dict in, dict out


def from_otlp_json(data: Dict[str, Any], message_type: Callable[[], M]) -> M:
    """Parse an OTLP/JSON document (hex ids) into a new ``message_type``; unknown fields are
    ignored, as the OTLP specification requires of receivers."""
    return json_format.ParseDict(
        _convert_ids(data, _hex_to_base64), message_type(), ignore_unknown_fields=True
    )


def dumps(message: Message) -> bytes:
    """The compact UTF-8 OTLP/JSON body of ``message``."""
    return json.dumps(to_otlp_json(message), separators=(",", ":")).encode()


class JsonResponse:
    """Reads an OTLP/JSON ``Export*ServiceResponse`` body where the sender expects a generated
    response class (``FromString``), so that a partial success over JSON is not lost."""

    def __init__(self, response_type: Callable[[], Message]) -> None:
        self._response_type = response_type

    def FromString(self, data: bytes) -> Message:
        return from_otlp_json(json.loads(data), self._response_type)
