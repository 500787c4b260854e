"""Trace and span id generation (mirrors ``opentelemetry.sdk.trace.id_generator``)."""

from __future__ import annotations

import abc
import random


class IdGenerator(abc.ABC):
    @abc.abstractmethod
    def generate_span_id(self) -> int:
        """A new, valid (non-zero) 64-bit span id."""

    @abc.abstractmethod
    def generate_trace_id(self) -> int:
        """A new, valid (non-zero) 128-bit trace id."""

    def is_trace_id_random(self) -> bool:
        """Whether at least the 56 low bits of generated trace ids are uniformly random; if so,
        root spans carry the W3C random-trace-id flag (``traceparent ...-03``). ``False``
        unless a generator says otherwise, as in opentelemetry-sdk."""
        return False


class RandomIdGenerator(IdGenerator):
    """Random ids from :func:`random.getrandbits`, never the invalid id 0.

    ``random`` reseeds itself in forked children, so processes never share ids.
    """

    def generate_span_id(self) -> int:
        span_id = random.getrandbits(64)
        while not span_id:
            span_id = random.getrandbits(64)
        return span_id

    def generate_trace_id(self) -> int:
        trace_id = random.getrandbits(128)
        while not trace_id:
            trace_id = random.getrandbits(128)
        return trace_id

    def is_trace_id_random(self) -> bool:
        return True
