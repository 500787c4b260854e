"""Where OpenCensus and OpenTelemetry keep the current span, and how the shim keeps them as one.

OpenTelemetry's context is the truth: an OpenCensus span started through the shim is attached to
it (with the OpenCensus span object under :data:`OC_SPAN_KEY`), so native spans started inside
are its children. OpenCensus' ``execution_context`` slot for the current span is written too, so
code that reads it, or sets it (``opencensus-ext-threading`` copying it into a thread, gRPC's
server interceptor), keeps working; :func:`parent_of` reconciles the two.

OpenCensus has no detach tokens: a span remembers the context it replaced and puts it back when
it ends, if it is still the current one.

With contextvars runtime contexts on both sides (the usual case) the ContextVars are used
directly, skipping the generic accessors on the hot path.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

from opencensus.trace import execution_context
from opentelemetry import context as context_api
from opentelemetry.context import Context, create_key
from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
from opentelemetry.trace.propagation import _SPAN_KEY as SPAN_KEY

__all__ = [
    "OC_SPAN_KEY",
    "SPAN_KEY",
    "get_current",
    "get_oc_span",
    "replace_current",
    "set_oc_span",
]

#: The OpenCensus span shim that is current in an OpenTelemetry context.
OC_SPAN_KEY = create_key("opencensus-shim-span")

_runtime = getattr(context_api, "_RUNTIME_CONTEXT", None)
if type(_runtime) is ContextVarsRuntimeContext:
    _var = _runtime._current_context
    get_current: Callable[[], Context] = _var.get
    replace_current: Callable[[Context], Any] = _var.set
else:  # another OTEL_PYTHON_CONTEXT: its public functions (the token is not needed)
    get_current = context_api.get_current
    replace_current = context_api.attach


_span_slot = execution_context._current_span_slot
_span_var = getattr(_span_slot, "contextvar", None)
if _span_var is not None:
    #: The span in OpenCensus' execution context, or None (a C-level call, no Python frame).
    get_oc_span: Callable[[], Any] = partial(_span_var.get, None)
    set_oc_span: Callable[[Any], Any] = _span_var.set
else:  # opencensus-ext-gevent swaps in thread-local slots
    get_oc_span = _span_slot.get
    set_oc_span = _span_slot.set
