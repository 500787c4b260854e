"""``google.rpc.Status`` with a ``RetryInfo`` detail: how an OTLP receiver asks a client to wait.

gRPC carries it in the ``grpc-status-details-bin`` trailer; OTLP/HTTP may send it as the body of
an error response. The two messages are tiny, so they are read and written here rather than
pulling in the googleapis protos; ``Any`` and ``Duration`` come from protobuf itself.
"""

from __future__ import annotations

from typing import Optional

from google.protobuf.any_pb2 import Any as AnyMessage
from google.protobuf.duration_pb2 import Duration

from otelbridge.sdk.export.otlp.proto.common._wire import iter_fields, length_delimited, varint

STATUS_DETAILS_KEY = "grpc-status-details-bin"
RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo"


def encode_status(code: int, message: str, retry_after: Optional[float] = None) -> bytes:
    """A serialized ``google.rpc.Status``; with a ``RetryInfo`` when ``retry_after`` is set."""
    out = (b"\x08" + varint(code) if code else b"") + length_delimited(b"\x12", message.encode())
    if retry_after is not None:
        delay = Duration()
        delay.FromNanoseconds(int(retry_after * 1e9))
        retry_info = length_delimited(b"\x0a", delay.SerializeToString())
        detail = AnyMessage(type_url=RETRY_INFO_TYPE, value=retry_info).SerializeToString()
        out += length_delimited(b"\x1a", detail)
    return out


def decode_status(data: bytes) -> tuple[str, Optional[float]]:
    """The message and the ``RetryInfo`` delay in seconds (``None`` without one) of a Status."""
    message, retry_after = "", None
    try:
        for number, value in iter_fields(data):
            if number == 2 and isinstance(value, bytes):
                message = value.decode("utf-8", "replace")
            elif number == 3 and isinstance(value, bytes):
                detail = AnyMessage.FromString(value)
                if detail.type_url.endswith("google.rpc.RetryInfo"):
                    retry_after = _retry_delay(detail.value)
    except (ValueError, IndexError):
        pass  # not a Status: keep what was read
    return message, retry_after


def _retry_delay(retry_info: bytes) -> Optional[float]:
    for number, value in iter_fields(retry_info):
        if number == 1 and isinstance(value, bytes):
            return float(Duration.FromString(value).ToNanoseconds()) / 1e9
    return None
