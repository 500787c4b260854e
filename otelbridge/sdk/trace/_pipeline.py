"""Per-provider state that tracers and spans read on every call, flattened for speed.

A :class:`TracerProvider` owns one ``Pipeline`` and updates it in place when processors are
added, so tracers and live spans always see the current processors without extra lookups.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Tuple

if TYPE_CHECKING:
    from otelbridge.sdk.resources import Resource
    from otelbridge.sdk.trace._limits import SpanLimits
    from otelbridge.sdk.trace._processor import SpanProcessor
    from otelbridge.sdk.trace._self_metrics import SpanMetrics
    from otelbridge.sdk.trace.id_generator import IdGenerator
    from otelbridge.sdk.trace.sampling import FastDecide, Sampler

_UNLIMITED = sys.maxsize


def _count(limit: Optional[int]) -> int:
    return _UNLIMITED if limit is None else limit


class Pipeline:
    __slots__ = (
        "fast_decide",
        "generate_span_id",
        "generate_trace_id",
        "max_attribute_length",
        "max_event_attributes",
        "max_events",
        "max_link_attributes",
        "max_links",
        "max_span_attributes",
        "on_end",
        "on_start",
        "random_trace_id",
        "resource",
        "sampler",
        "span_metrics",
    )

    def __init__(
        self,
        resource: Resource,
        sampler: Sampler,
        id_generator: IdGenerator,
        limits: SpanLimits,
    ) -> None:
        self.resource = resource
        self.sampler = sampler
        self.fast_decide: Optional[FastDecide] = getattr(sampler, "_fast_decide", None)
        self.generate_span_id = id_generator.generate_span_id
        self.generate_trace_id = id_generator.generate_trace_id
        # The W3C random-trace-id flag (0x02) for root spans; foreign generators from before
        # is_trace_id_random existed count as not random.
        is_random = getattr(id_generator, "is_trace_id_random", None)
        self.random_trace_id = 0x02 if is_random is not None and is_random() else 0
        # Counts and lengths as plain ints (sys.maxsize = unlimited): no None checks per call.
        self.max_span_attributes = _count(limits.max_span_attributes)
        self.max_attribute_length = _count(limits.max_span_attribute_length)
        self.max_events = _count(limits.max_events)
        self.max_links = _count(limits.max_links)
        self.max_event_attributes = _count(limits.max_event_attributes)
        self.max_link_attributes = _count(limits.max_link_attributes)
        self.span_metrics: Optional[SpanMetrics] = None
        self.on_start: Tuple[Callable[..., Any], ...] = ()
        self.on_end: Tuple[Callable[[Any], Any], ...] = ()

    def set_processors(self, processors: Sequence[SpanProcessor]) -> None:
        """Cache the processors' bound hooks; processors whose ``on_start`` is the no-op base
        implementation are not called at span start at all."""
        from otelbridge.sdk.trace._processor import SpanProcessor

        self.on_start = tuple(
            p.on_start for p in processors if type(p).on_start is not SpanProcessor.on_start
        )
        self.on_end = tuple(p.on_end for p in processors)
