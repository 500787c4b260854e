"""Our ``google.rpc.Status`` + ``RetryInfo`` codec against the messages googleapis-common-protos
generates (what gRPC servers and the reference exporters use), in both directions."""

from __future__ import annotations

from google.protobuf.duration_pb2 import Duration
from google.rpc.error_details_pb2 import RetryInfo
from google.rpc.status_pb2 import Status
from hypothesis import given
from hypothesis import strategies as st

from otelbridge.sdk.export._transport._rpc_status import decode_status, encode_status

delays = st.integers(min_value=0, max_value=10**6).map(lambda ms: ms / 1000)


@given(code=st.integers(min_value=0, max_value=16), message=st.text(max_size=40), delay=delays)
def test_what_we_write_is_a_google_rpc_status(code: int, message: str, delay: float) -> None:
    status = Status.FromString(encode_status(code, message, delay))
    assert (status.code, status.message) == (code, message)
    (detail,) = status.details
    retry_info = RetryInfo()
    assert detail.Unpack(retry_info)
    assert retry_info.retry_delay.ToNanoseconds() == int(delay * 1e9)
    assert Status.FromString(encode_status(code, message)).details == []


@given(message=st.text(max_size=40), delay=delays)
def test_we_read_what_googleapis_writes(message: str, delay: float) -> None:
    status = Status(code=14, message=message)
    duration = Duration()
    duration.FromNanoseconds(int(delay * 1e9))
    status.details.add().Pack(RetryInfo(retry_delay=duration))
    assert decode_status(status.SerializeToString()) == (message, int(delay * 1e9) / 1e9)
    assert decode_status(Status(code=8, message=message).SerializeToString()) == (message, None)
