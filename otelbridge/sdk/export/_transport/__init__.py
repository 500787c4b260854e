"""The private transport layer under every push exporter (OTLP/gRPC, OTLP/HTTP, Zipkin).

One shape, after httpx's ``_transports``: a :class:`Transport` sends one request once
(:mod:`._grpc`, :mod:`._http`); a :class:`Sender` owns the retry policy, the outage state, the
counters and the life cycle (shutdown, fork) and calls the transport through named methods.
Exporters encode, then hand the bytes to their sender.
"""

from otelbridge.sdk.export._transport._base import (
    Attempt,
    Transport,
    TransportConfig,
    parse_timeout,
)
from otelbridge.sdk.export._transport._retry import Backoff
from otelbridge.sdk.export._transport._sender import (
    ExportStats,
    ResponseType,
    Sender,
    SenderOwner,
)

__all__ = [
    "Attempt",
    "Backoff",
    "ExportStats",
    "ResponseType",
    "Sender",
    "SenderOwner",
    "Transport",
    "TransportConfig",
    "parse_timeout",
]
