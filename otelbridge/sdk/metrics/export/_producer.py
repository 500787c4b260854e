"""``MetricProducer``: a third-party metric source merged into every collection.

The OpenCensus stats shim plugs in here. A reader built with ``metric_producers=[...]`` (or
given one later with ``register_producer``) appends each producer's scope metrics to the
SDK's own, under the SDK's resource.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Sequence

from otelbridge.sdk.metrics._point import ScopeMetrics


class MetricProducer(ABC):
    """Produces metrics on demand, already aggregated, grouped by instrumentation scope."""

    @abstractmethod
    def produce(self, timeout_millis: float = 10_000) -> Sequence[ScopeMetrics]:
        """The metrics to add to the collection in progress; must not block past the timeout."""
