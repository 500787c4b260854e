"""What every transport is given (:class:`TransportConfig`), does (:class:`Transport`) and
returns (:class:`Attempt`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Dict, NamedTuple, Optional, Protocol

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0


def parse_timeout(value: Optional[str], variable: str) -> float:
    """Seconds from a timeout variable's milliseconds; the default when unset or invalid."""
    if value is None:
        return DEFAULT_TIMEOUT_S
    try:
        return max(float(value) / 1000.0, 0.0)
    except ValueError:
        _logger.warning("Invalid %s %r; using %ss", variable, value, DEFAULT_TIMEOUT_S)
        return DEFAULT_TIMEOUT_S


@dataclass(frozen=True)
class TransportConfig:
    """Everything a transport needs, resolved once when the exporter is built.

    ``headers`` are kept out of ``repr`` so that they never reach a log line.
    """

    endpoint: str
    insecure: bool
    timeout: float
    compression: Optional[str]
    headers: Dict[str, str] = field(repr=False)
    certificate_file: Optional[str] = None
    client_key_file: Optional[str] = None
    client_certificate_file: Optional[str] = None


class Attempt(NamedTuple):
    """The outcome of sending one request once."""

    ok: bool
    retryable: bool = False
    #: Delay the receiver asked for (RetryInfo or Retry-After), in seconds.
    retry_after: Optional[float] = None
    #: Short description for logs; never contains request headers.
    error: str = ""
    #: The serialized ``Export*ServiceResponse`` of a successful attempt.
    response: bytes = b""
    #: The connection failed (refused, reset, gRPC UNAVAILABLE without a retry hint): the
    #: sender calls :meth:`Transport.reconnect` before the next attempt.
    broken: bool = False


class Transport(Protocol):
    """Sends one serialized request once (gRPC or HTTP); not thread-safe: the sender serialises."""

    def prepare(self, body: bytes) -> bytes:
        """What goes on the wire for ``body`` (compressed when configured); done once per export."""

    def send(self, payload: bytes, timeout: float) -> Attempt:
        """One attempt, at most ``timeout`` seconds; never raises for network or server errors."""

    def reconnect(self) -> None:
        """Drop the connection (gRPC channel, HTTP pool) and make a new one: after a broken
        connection, and in a forked child, which must not use its parent's."""

    def close(self) -> None:
        """Release the connection for good."""
