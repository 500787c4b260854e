"""The gRPC transport of the OTLP/gRPC span and metric exporters.

Requests go out as the bytes our encoders produce (no per-request message objects); the method
paths come from the official service descriptors of ``opentelemetry-proto``.
"""

from __future__ import annotations

from typing import Callable, List, Optional, Protocol, Tuple
from urllib.parse import urlsplit

import grpc

from otelbridge.sdk.export._transport._base import Attempt, TransportConfig
from otelbridge.sdk.export._transport._rpc_status import STATUS_DETAILS_KEY, decode_status
from otelbridge.version import __version__

# Retryable per the OTLP specification; RESOURCE_EXHAUSTED only with a RetryInfo.
RETRYABLE_CODES = frozenset(
    {
        grpc.StatusCode.CANCELLED,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.OUT_OF_RANGE,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DATA_LOSS,
    }
)


class ServiceDescriptor(Protocol):
    full_name: str


def method_path(service_descriptor: ServiceDescriptor) -> str:
    """``/package.Service/Export`` for a service descriptor."""
    return f"/{service_descriptor.full_name}/Export"


def _read(path: Optional[str]) -> Optional[bytes]:
    if not path:
        return None
    with open(path, "rb") as handle:
        return handle.read()


def _target(endpoint: str) -> str:
    return urlsplit(endpoint).netloc if "://" in endpoint else endpoint


class GrpcTransport:
    """One channel per exporter; each attempt is a unary call, deadline = the time remaining.

    The channel is re-made on ``UNAVAILABLE`` (see :meth:`reconnect`): a fresh channel connects
    at once, where the old one would wait out gRPC's own reconnect backoff after an outage.
    """

    def __init__(
        self,
        config: TransportConfig,
        method: str,
        credentials: Optional[grpc.ChannelCredentials] = None,
    ) -> None:
        self._target = _target(config.endpoint)
        self._method = method
        self._options: List[Tuple[str, str]] = [
            ("grpc.primary_user_agent", f"otelbridge-otlp/{__version__}")
        ]
        self._compression = grpc.Compression.Gzip if config.compression == "gzip" else None
        if not config.insecure and credentials is None:
            credentials = grpc.ssl_channel_credentials(
                root_certificates=_read(config.certificate_file),
                private_key=_read(config.client_key_file),
                certificate_chain=_read(config.client_certificate_file),
            )
        self._credentials = credentials
        self._metadata = tuple(config.headers.items()) or None
        self._connect()

    def _connect(self) -> None:
        if self._credentials is None:
            self._channel = grpc.insecure_channel(self._target, self._options, self._compression)
        else:
            self._channel = grpc.secure_channel(
                self._target, self._credentials, self._options, self._compression
            )
        # No serializers: bytes in, bytes out.
        self._call: Callable[..., bytes] = self._channel.unary_unary(self._method)

    def prepare(self, body: bytes) -> bytes:
        return body  # gRPC compresses on the channel

    def send(self, payload: bytes, timeout: float) -> Attempt:
        try:
            response = self._call(payload, timeout=timeout, metadata=self._metadata)
        except grpc.RpcError as error:
            return _failed(error)
        return Attempt(ok=True, response=response)

    def reconnect(self) -> None:
        """A new channel. The old one is left to the garbage collector, not closed: in a forked
        child closing it would act on state shared with the parent."""
        self._connect()

    def close(self) -> None:
        self._channel.close()


def _failed(error: grpc.RpcError) -> Attempt:
    code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
    retry_after = None
    if isinstance(error, grpc.Call):
        for key, value in error.trailing_metadata() or ():
            if key == STATUS_DETAILS_KEY and isinstance(value, bytes):
                retry_after = decode_status(value)[1]
    retryable = code in RETRYABLE_CODES or (
        code is grpc.StatusCode.RESOURCE_EXHAUSTED and retry_after is not None
    )
    details = error.details() if isinstance(error, grpc.Call) else str(error)
    return Attempt(
        ok=False,
        retryable=retryable,
        retry_after=retry_after,
        error=f"{code.name}: {details}",
        # A receiver that asks for a delay is up; UNAVAILABLE without one is a lost connection.
        broken=code is grpc.StatusCode.UNAVAILABLE and retry_after is None,
    )
