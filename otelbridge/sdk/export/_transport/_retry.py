"""Delays between attempts: exponential backoff with jitter, capped."""

from __future__ import annotations

import random
from typing import NamedTuple


class Backoff(NamedTuple):
    """Delays when the receiver gives no hint: ``initial * multiplier**n`` capped at ``maximum``,
    each scaled by a random factor in ``1 ± jitter`` (so that many clients do not retry in step).

    The same schedule spaces the retries inside one export and, during an outage, the probes
    that a :class:`~otelbridge.sdk.trace.export.BatchSpanProcessor` makes with its oldest batch.
    """

    initial: float = 1.0
    multiplier: float = 2.0
    maximum: float = 5.0
    jitter: float = 0.2

    def delay(self, retry: int) -> float:
        base = min(self.initial * self.multiplier ** min(retry, 64), self.maximum)
        return base * random.uniform(1.0 - self.jitter, 1.0 + self.jitter)
