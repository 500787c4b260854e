from __future__ import annotations

from typing import Callable, Optional

import pytest
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState

MakeContext = Callable[..., Context]


def _make(
    trace_id: int,
    span_id: int,
    flags: int = 1,
    state: Optional[TraceState] = None,
    base: Optional[Context] = None,
) -> Context:
    span_context = SpanContext(trace_id, span_id, False, TraceFlags(flags), state)
    return trace.set_span_in_context(NonRecordingSpan(span_context), base or Context())


@pytest.fixture
def make_context() -> MakeContext:
    """Builds a context holding a span with the given ids (what inject reads)."""
    return _make


@pytest.fixture
def span_of() -> Callable[[Context], SpanContext]:
    """The span context an extract put into a context (INVALID_SPAN_CONTEXT if none)."""
    return lambda context: trace.get_current_span(context).get_span_context()
