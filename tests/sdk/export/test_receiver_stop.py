"""OTLPReceiver.stop() returns in bounded time even while a request is stuck in its consumer."""

from __future__ import annotations

import contextlib
import threading
import time
import urllib.request
from typing import Any

import grpc
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from otelbridge.devtools import receiver as receiver_module
from otelbridge.devtools.receiver import OTLPReceiver


def _send_grpc(endpoint: str) -> None:
    with grpc.insecure_channel(endpoint.split("://", 1)[1]) as channel:
        stub = trace_service_pb2_grpc.TraceServiceStub(channel)  # type: ignore[no-untyped-call]
        with contextlib.suppress(grpc.RpcError):  # cancelled by the stopping server: expected
            stub.Export(trace_service_pb2.ExportTraceServiceRequest(), timeout=10)


def _send_http(endpoint: str) -> None:
    request = urllib.request.Request(
        endpoint + "/v1/traces",
        data=trace_service_pb2.ExportTraceServiceRequest().SerializeToString(),
        headers={"Content-Type": "application/x-protobuf"},
    )
    with contextlib.suppress(OSError):  # the connection closed by the stopping server: expected
        urllib.request.urlopen(request, timeout=10).read()


@pytest.mark.parametrize("protocol", ["grpc", "http"])
def test_stop_is_bounded_while_the_consumer_is_stuck(
    protocol: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(receiver_module, "STOP_SLACK", 0.5)
    entered, release = threading.Event(), threading.Event()

    def stuck(request: Any) -> None:
        entered.set()
        release.wait(10)  # held until the test ends, whatever stop() does

    grpc_port, http_port = (0, None) if protocol == "grpc" else (None, 0)
    rx = OTLPReceiver(stuck, grpc_port=grpc_port, http_port=http_port).start()
    endpoint = rx.grpc_endpoint if protocol == "grpc" else rx.http_endpoint
    sender = threading.Thread(
        target=_send_grpc if protocol == "grpc" else _send_http, args=(endpoint,), daemon=True
    )
    sender.start()
    try:
        assert entered.wait(5), "the request never reached the consumer"
        started = time.monotonic()
        rx.stop(grace=0.2)
        assert time.monotonic() - started < 0.2 + 0.5 + 1.0
    finally:
        release.set()
        sender.join(10)
