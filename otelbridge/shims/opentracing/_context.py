"""Where the shim keeps its state inside OpenTelemetry's context.

An activation writes the OpenTelemetry span, the OpenTracing scope and the baggage into one new
context with a single dict copy, instead of three chained ``set_value`` calls. That needs the
API's own key objects for the current span and the baggage, which the API keeps private; they
have been stable since opentelemetry-api 1.0.

With the default contextvars runtime context, ``get_current`` and ``attach`` are the methods of
its ContextVar itself, skipping two Python calls each on the hot path; any other runtime
context (``OTEL_PYTHON_CONTEXT``) goes through the public functions.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Callable, Mapping

from opentelemetry import context as context_api
from opentelemetry.baggage import _BAGGAGE_KEY as BAGGAGE_KEY
from opentelemetry.context import Context, create_key
from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
from opentelemetry.trace import NonRecordingSpan, SpanContext
from opentelemetry.trace.propagation import _SPAN_KEY as SPAN_KEY

__all__ = [
    "BAGGAGE_KEY",
    "EMPTY_BAGGAGE",
    "SCOPE_KEY",
    "SPAN_KEY",
    "attach",
    "get_current",
    "remote_context",
]

_runtime = getattr(context_api, "_RUNTIME_CONTEXT", None)
if type(_runtime) is ContextVarsRuntimeContext:
    _var = _runtime._current_context
    get_current: Callable[[], Context] = _var.get
    attach: Callable[[Context], object] = _var.set
else:
    get_current = context_api.get_current
    attach = context_api.attach

# The active ScopeShim; ScopeManagerShim.active compares it with the current span.
SCOPE_KEY = create_key("opentracing-shim-scope")

EMPTY_BAGGAGE: Mapping[str, object] = MappingProxyType({})


def remote_context(span_context: SpanContext, baggage: Mapping[str, object]) -> Context:
    """A fresh context carrying only ``span_context`` (as parent) and ``baggage``."""
    values: dict[str, object] = {SPAN_KEY: NonRecordingSpan(span_context)}
    if baggage:
        values[BAGGAGE_KEY] = dict(baggage)
    return Context(values)
