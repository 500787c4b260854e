"""Retrying one export: exponential backoff with jitter, server hints first, within a deadline."""

from __future__ import annotations

import random
import threading
import time
from typing import Callable, NamedTuple, Optional


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


class Backoff(NamedTuple):
    """Delays between attempts when the receiver gives no hint: ``initial * multiplier**n``,
    capped at ``maximum``, each scaled by a random factor in ``1 ± jitter``."""

    initial: float = 1.0
    multiplier: float = 2.0
    maximum: float = 32.0
    jitter: float = 0.2

    def delay(self, retry: int) -> float:
        base = min(self.initial * self.multiplier**retry, self.maximum)
        return base * random.uniform(1.0 - self.jitter, 1.0 + self.jitter)


def send_with_retry(
    send: Callable[[float], Attempt],
    timeout: float,
    stop: threading.Event,
    backoff: Backoff,
    retry: bool = True,
) -> Attempt:
    """Call ``send(remaining_seconds)`` until it succeeds, fails for good, or time runs out.

    A retry happens only if it can start before the deadline; ``stop`` (shutdown) ends the wait
    at once. With ``retry`` false, one attempt is made.
    """
    deadline = time.monotonic() + timeout
    retries = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Attempt(ok=False, retryable=True, error="export timeout exceeded")
        attempt = send(remaining)
        if attempt.ok or not attempt.retryable or not retry:
            return attempt
        wait = attempt.retry_after if attempt.retry_after is not None else backoff.delay(retries)
        retries += 1
        if time.monotonic() + wait >= deadline or stop.wait(wait):
            return attempt
