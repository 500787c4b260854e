"""The transport-independent part of every push exporter: retries, outage state, counters,
shutdown and fork."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Optional, Protocol

from otelbridge.sdk.export._transport._base import Attempt, Transport, TransportConfig
from otelbridge.sdk.export._transport._retry import PROBES, RETRIES, Backoff
from otelbridge.sdk.util.delivery import DELIVERED, Delivery
from otelbridge.sdk.util.fork import register_at_fork

_logger = logging.getLogger(__name__)


class ExportStats:
    """Public counters of one exporter (documented in docs/exporters.md).

    Every item an exporter was given ends in exactly one of: ``exported``, ``failed`` (given up
    by the exporter: permanent error, retries exhausted in ``export``, or exported after
    shutdown), or handed back to a processor that keeps it (see ``try_export``).
    """

    __slots__ = ("exported", "failed", "rejected")

    def __init__(self) -> None:
        self.exported = 0  #: items the receiver accepted
        self.failed = 0  #: items this exporter gave up
        self.rejected = 0  #: items the receiver reported in a partial success

    def __repr__(self) -> str:
        return (
            f"ExportStats(exported={self.exported}, failed={self.failed}, rejected={self.rejected})"
        )


class ResponseType(Protocol):
    """A generated ``Export*ServiceResponse`` class (it has ``FromString``)."""

    def FromString(self, data: bytes) -> Any: ...


class Sender:
    """Sends encoded batches through a :class:`Transport` with the OTLP retry rules.

    While the receiver answers, one :meth:`deliver` retries transient failures within the export
    timeout (unless the caller keeps the batch and retries itself). Once it gave up on a transient
    error the receiver counts as *down*: later calls make one attempt each (a probe) until one
    succeeds, and :attr:`Delivery.retry_in` says when to probe next (the receiver's RetryInfo or
    Retry-After, else ``probes``: a capped exponential backoff with jitter). A broken connection
    is re-made before the next attempt.
    """

    def __init__(
        self,
        transport: Transport,
        config: TransportConfig,
        kind: str,
        response_type: Optional[ResponseType] = None,
        rejected_field: str = "",
        backoff: Backoff = RETRIES,
        probes: Backoff = PROBES,
    ) -> None:
        self._transport = transport
        self.config = config
        self._kind = kind
        self._response_type = response_type
        self._rejected_field = rejected_field
        self._backoff = backoff
        self._probes = probes
        self._closed = False
        self._outages = 0  # exports in a row given up on a transient error
        self._fresh_state()
        self.stats = ExportStats()
        register_at_fork(
            self,
            before=_before_fork,
            after_in_parent=_after_fork_in_parent,
            after_in_child=_after_fork_in_child,
        )

    def _fresh_state(self) -> None:
        self._lock = threading.Lock()  # one delivery at a time, retry waits included
        self._in_call = threading.Lock()  # held during one attempt only; see _before_fork
        self._no_more_retries = threading.Event()

    def deliver(
        self, body: bytes, count: int, timeout: Optional[float] = None, retry: bool = True
    ) -> Delivery:
        """Send one encoded batch of ``count`` items; failures are not counted here (the caller
        either keeps the batch or calls :meth:`give_up`). ``timeout`` (seconds) can only
        shorten the configured export timeout. ``retry=False`` makes one attempt: for a caller
        that keeps the batch and comes back after :attr:`Delivery.retry_in`."""
        if self._closed:
            return Delivery(ok=False, error="exporter already shut down")
        with self._lock:
            payload = self._transport.prepare(body)
            attempt = self._attempt_until_done(payload, timeout, retry)
            if attempt.ok:
                self._outages = 0
                self.stats.exported += count
                self._check_partial_success(attempt.response)
                return DELIVERED
            if not attempt.retryable:
                return Delivery(ok=False, error=attempt.error)
            self._outages += 1
            retry_in = attempt.retry_after
            if retry_in is None:
                retry_in = self._probes.delay(self._outages - 1)
            return Delivery(ok=False, retry_in=retry_in, error=attempt.error)

    def _attempt_until_done(self, payload: bytes, timeout: Optional[float], retry: bool) -> Attempt:
        """Attempts until success, a permanent failure, the deadline or :meth:`stop_retrying`;
        a single one while the receiver is down or without ``retry``. A retry happens only if
        it can start before the deadline."""
        budget = self.config.timeout if timeout is None else min(timeout, self.config.timeout)
        deadline = time.monotonic() + budget
        retries = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Attempt(ok=False, retryable=True, error="export timeout exceeded")
            with self._in_call:
                attempt = self._transport.send(payload, remaining)
            if attempt.broken:
                self._transport.reconnect()
            if attempt.ok or not attempt.retryable or self._outages or not retry:
                return attempt
            wait = attempt.retry_after
            if wait is None:
                wait = self._backoff.delay(retries)
            retries += 1
            if time.monotonic() + wait >= deadline or self._no_more_retries.wait(wait):
                return attempt

    def give_up(self, count: int, error: str) -> None:
        """Count ``count`` items as lost and say so in one log line."""
        self.stats.failed += count
        _logger.warning(
            "Failed to export %d %s to %s: %s", count, self._kind, self.config.endpoint, error
        )

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
                self.config.endpoint,
                rejected,
                self._kind,
                partial.error_message,
            )

    def stop_retrying(self) -> None:
        """End any retry wait now; later deliveries make one attempt each (shutdown is near)."""
        self._no_more_retries.set()

    def shutdown(self, timeout: float = 30.0) -> None:
        """Interrupt any retry wait, let an in-flight attempt finish, close the transport;
        later deliveries fail at once."""
        self._closed = True
        self._no_more_retries.set()
        if self._lock.acquire(timeout=timeout):
            self._lock.release()
        self._transport.close()


class SenderOwner:
    """What an exporter that sends through a :class:`Sender` shows of it: counters, endpoint,
    ``repr`` (never the headers), and :meth:`stop_retrying` for processors and readers."""

    _sender: Sender

    @property
    def stats(self) -> ExportStats:
        """Items exported, given up and rejected by this exporter so far."""
        return self._sender.stats

    @property
    def endpoint(self) -> str:
        return self._sender.config.endpoint

    def stop_retrying(self) -> None:
        """End a retry wait now and make single attempts from now on (the caller shuts down)."""
        self._sender.stop_retrying()

    def __repr__(self) -> str:
        return f"{type(self).__module__}.{type(self).__name__}(endpoint={self.endpoint!r})"


def _before_fork(sender: Sender) -> None:
    """Wait for an attempt in flight (at most its timeout; never for a retry wait): gRPC resets
    itself in the child only when no thread is inside a call at the moment of the fork."""
    sender._in_call.acquire()


def _after_fork_in_parent(sender: Sender) -> None:
    if sender._in_call.locked():
        sender._in_call.release()


def _after_fork_in_child(sender: Sender) -> None:
    """A lock taken by a parent thread mid-export stays taken in the child, and the parent's
    connection must not be shared: the child gets new ones, and counters of its own."""
    if sender._closed:
        return
    retries_stopped = sender._no_more_retries.is_set()
    sender._fresh_state()
    if retries_stopped:
        sender._no_more_retries.set()
    sender._outages = 0
    sender.stats = ExportStats()  # the child counts its own items
    sender._transport.reconnect()
