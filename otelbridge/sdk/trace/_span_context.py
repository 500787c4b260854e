"""Positions in ``opentelemetry.trace.SpanContext``, a tuple subclass: the hot path reads it by
index, which is cheaper than its properties, and names the index with these constants."""

from typing import Final

TRACE_ID: Final = 0
SPAN_ID: Final = 1
IS_REMOTE: Final = 2
TRACE_FLAGS: Final = 3
TRACE_STATE: Final = 4
IS_VALID: Final = 5
SAMPLED: Final = 0x01  #: the sampled bit of ``TRACE_FLAGS``
