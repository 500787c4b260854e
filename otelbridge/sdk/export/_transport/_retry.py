"""Delays between attempts: exponential backoff with jitter, capped."""

from __future__ import annotations

import random
from typing import NamedTuple


class Backoff(NamedTuple):
    """Delays when the receiver gives no hint: ``initial * multiplier**n`` capped at ``maximum``,
    each scaled by a random factor in ``1 ± jitter`` (so that many clients do not retry in step).

    :data:`RETRIES` spaces the retries inside one export; :data:`PROBES` spaces, during an
    outage, the single attempts that a :class:`~otelbridge.sdk.trace.export.BatchSpanProcessor`
    makes with its oldest batch: capped at one second, so that a receiver that is back is found
    within a second, at the cost of one connection attempt a second while it is down.
    """

    initial: float = 1.0
    multiplier: float = 2.0
    maximum: float = 5.0
    jitter: float = 0.2

    def delay(self, retry: int) -> float:
        base = min(self.initial * self.multiplier ** min(retry, 64), self.maximum)
        return base * random.uniform(1.0 - self.jitter, 1.0 + self.jitter)


RETRIES = Backoff()
PROBES = Backoff(initial=0.1, maximum=1.0)
