"""Per-provider state that tracers and spans read on every call, flattened for speed.

A :class:`TracerProvider` owns one ``Pipeline`` and updates it in place when processors are
added (with the hooks ``_processor.hooks_of`` builds), so tracers and live spans always see the
current processors without extra lookups. Of the trace SDK it imports only the leaf modules
``sampling`` and ``id_generator``: tracers, spans and processors depend on it, never the other
way.
"""

from __future__ import annotations

import sys
from functools import partial
from random import getrandbits
from typing import TYPE_CHECKING, Callable, Optional, Tuple

from otelbridge.sdk.trace.id_generator import RandomIdGenerator
from otelbridge.sdk.trace.sampling import fast_rules

if TYPE_CHECKING:
    from opentelemetry.context import Context

    from otelbridge.sdk.resources import Resource
    from otelbridge.sdk.trace._limits import SpanLimits
    from otelbridge.sdk.trace._self_metrics import SpanMetrics
    from otelbridge.sdk.trace._span import ReadableSpan, Span
    from otelbridge.sdk.trace.id_generator import IdGenerator
    from otelbridge.sdk.trace.sampling import Rules, Sampler

_UNLIMITED = sys.maxsize


def _count(limit: Optional[int]) -> int:
    return _UNLIMITED if limit is None else limit


class Pipeline:
    __slots__ = (
        "draw_span_id",
        "draw_trace_id",
        "fast_rules",
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
        self.set_sampler(sampler)
        self.generate_span_id = id_generator.generate_span_id
        self.generate_trace_id = id_generator.generate_trace_id
        # The tracer's first try at an id: for our RandomIdGenerator one C call (no method
        # frame), whose zero draw (once in 2**64) the tracer replaces by a generate_* call,
        # which never returns zero; any other generator is asked directly.
        self.draw_span_id: Callable[[], int] = self.generate_span_id
        self.draw_trace_id: Callable[[], int] = self.generate_trace_id
        if type(id_generator) is RandomIdGenerator:
            self.draw_span_id = partial(getrandbits, 64)
            self.draw_trace_id = partial(getrandbits, 128)
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
        #: The processors' hooks (``_processor.Hooks``), set by the provider.
        self.on_start: Tuple[Callable[[Span, Optional[Context]], None], ...] = ()
        self.on_end: Tuple[Callable[[ReadableSpan], None], ...] = ()

    def set_sampler(self, sampler: Sampler) -> None:
        self.sampler = sampler
        self.fast_rules: Optional[Rules] = fast_rules(sampler)
