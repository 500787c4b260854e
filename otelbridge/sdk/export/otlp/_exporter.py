"""The transport-independent part of every OTLP exporter: retries, outcomes, logging, shutdown."""

from __future__ import annotations

import logging
import threading
from typing import Any, Optional, Protocol

from otelbridge.sdk.export.otlp._config import ExporterConfig
from otelbridge.sdk.export.otlp._retry import Attempt, Backoff, send_with_retry

_logger = logging.getLogger(__name__)


class Transport(Protocol):
    """Sends one serialized request once (gRPC or HTTP)."""

    def prepare(self, body: bytes) -> bytes:
        """What goes on the wire for ``body`` (compressed when configured); done once per export."""

    def send(self, payload: bytes, timeout: float) -> Attempt: ...

    def close(self) -> None: ...


class ExportStats:
    """Counters of one exporter, for tests, ``otelbridge collect`` users and dashboards."""

    __slots__ = ("exported", "failed", "rejected")

    def __init__(self) -> None:
        self.exported = 0  #: items the receiver accepted
        self.failed = 0  #: items lost because every attempt failed
        self.rejected = 0  #: items the receiver reported in a partial success

    def __repr__(self) -> str:
        return (
            f"ExportStats(exported={self.exported}, failed={self.failed}, rejected={self.rejected})"
        )


class ExporterCore:
    """Sends encoded batches through a :class:`Transport` with the OTLP retry rules.

    After an export gave up on a transient error (receiver down), the next export tries once
    only, so that a long outage costs one round trip per batch instead of the whole timeout;
    the first success restores full retries.
    """

    def __init__(
        self,
        transport: Transport,
        config: ExporterConfig,
        kind: str,
        response_type: Any,
        rejected_field: str,
        backoff: Optional[Backoff] = None,
    ) -> None:
        self._transport = transport
        self._config = config
        self._kind = kind
        self._response_type = response_type
        self._rejected_field = rejected_field
        self._backoff = backoff or Backoff()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._unreachable = False
        self.stats = ExportStats()

    @property
    def config(self) -> ExporterConfig:
        return self._config

    def export(self, body: bytes, count: int, timeout: Optional[float] = None) -> bool:
        """Send one encoded batch of ``count`` items; true when the receiver accepted it.

        ``timeout`` (seconds) can only shorten the configured export timeout.
        """
        if self._stop.is_set():
            _logger.warning("Exporter already shut down, dropping %d %s", count, self._kind)
            return False
        with self._lock:
            payload = self._transport.prepare(body)
            attempt = send_with_retry(
                lambda remaining: self._transport.send(payload, remaining),
                self._config.timeout if timeout is None else min(timeout, self._config.timeout),
                self._stop,
                self._backoff,
                retry=not self._unreachable,
            )
            if attempt.ok:
                self._unreachable = False
                self.stats.exported += count
                self._check_partial_success(attempt.response)
                return True
            self._unreachable = attempt.retryable
            self.stats.failed += count
        _logger.warning(
            "Failed to export %d %s to %s: %s",
            count,
            self._kind,
            self._config.endpoint,
            attempt.error,
        )
        return False

    def _check_partial_success(self, response: bytes) -> None:
        if not response or self._response_type is None:
            return
        try:
            partial = self._response_type.FromString(response).partial_success
        except Exception:  # a malformed response body does not undo a 2xx / OK
            return
        rejected = getattr(partial, self._rejected_field)
        if rejected or partial.error_message:
            self.stats.rejected += rejected
            _logger.warning(
                "OTLP receiver %s rejected %d %s: %s",
                self._config.endpoint,
                rejected,
                self._kind,
                partial.error_message,
            )

    def shutdown(self, timeout: float = 30.0) -> None:
        """Interrupt any retry wait, let an in-flight attempt finish, close the transport."""
        self._stop.set()
        if self._lock.acquire(timeout=timeout):
            self._lock.release()
        self._transport.close()


class CoreBackedExporter:
    """``stats``, ``endpoint`` and ``repr`` of exporters that send through an ExporterCore."""

    _core: ExporterCore

    @property
    def stats(self) -> ExportStats:
        """Items exported, failed and rejected by this exporter so far."""
        return self._core.stats

    @property
    def endpoint(self) -> str:
        return self._core.config.endpoint

    def __repr__(self) -> str:
        return f"{type(self).__module__}.{type(self).__name__}(endpoint={self.endpoint!r})"
