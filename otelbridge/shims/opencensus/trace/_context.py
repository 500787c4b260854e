"""Where OpenCensus and OpenTelemetry keep the current span: in one place, OpenTelemetry's context.

OpenTelemetry's context is the truth: an OpenCensus span started through the shim is attached to
it (with the OpenCensus span object under :data:`OC_SPAN_KEY`), so native spans started inside
are its children. OpenCensus' ``execution_context`` slot for the current span is replaced, when
this module is imported, by :class:`SpanSlot`, which reads and writes that same key: one store, so
the two cannot disagree and a span costs no second context variable. Code that sets the slot
itself (``opencensus-ext-threading`` copying it into a thread, gRPC's server interceptor) sets
OpenTelemetry's current span too when it gives a span of the shim.

OpenCensus has no detach tokens: a span remembers the context it replaced and puts it back when
it ends, if it is still the current one.

With the contextvars runtime context (the usual case) its ContextVar is used directly, skipping
the generic accessors on the hot path.
"""

from __future__ import annotations

from typing import Any, Callable

from opencensus.common.runtime_context import RuntimeContext
from opencensus.trace import execution_context
from opentelemetry import context as context_api
from opentelemetry.context import Context, create_key
from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
from opentelemetry.trace.propagation import _SPAN_KEY as SPAN_KEY

from otelbridge.shims.opencensus.trace.span import SpanMethods

__all__ = [
    "OC_SPAN_KEY",
    "SPAN_KEY",
    "SpanSlot",
    "get_current",
    "get_oc_span",
    "replace_current",
    "restore_oc_span",
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


def get_oc_span() -> Any:
    """The span in OpenCensus' execution context, or None."""
    return get_current().get(OC_SPAN_KEY)


def set_oc_span(span: Any) -> None:
    """Make ``span`` OpenCensus' current span; a span of the shim becomes OpenTelemetry's
    current span too (a span of OpenCensus itself, made before install, or None, cannot)."""
    current = get_current()
    if isinstance(span, SpanMethods):
        replace_current(Context({**current, SPAN_KEY: span.unwrap(), OC_SPAN_KEY: span}))
    else:
        replace_current(Context({**current, OC_SPAN_KEY: span}))


def restore_oc_span(span: Any) -> None:
    """Make ``span`` OpenCensus' current span again, leaving OpenTelemetry's as it is (a span
    ending while a native span it started is still attached)."""
    replace_current(Context({**get_current(), OC_SPAN_KEY: span}))


class SpanSlot:
    """OpenCensus' ``current_span`` runtime-context slot, kept in OpenTelemetry's context (the
    interface of OpenCensus' own slots: ``get``, ``set``, ``clear``)."""

    name = "current_span"

    @staticmethod
    def get() -> Any:
        return get_oc_span()

    @staticmethod
    def set(value: Any) -> None:
        set_oc_span(value)

    @staticmethod
    def clear() -> None:
        set_oc_span(None)


def _install_slot() -> None:
    """Put :class:`SpanSlot` where OpenCensus keeps its current-span slot: the runtime context's
    slot table (``RuntimeContext.current_span``) and ``execution_context``'s own reference. The
    span in OpenCensus' slot until now, if any, moves over."""
    slots = getattr(RuntimeContext, "_slots", None)
    previous = getattr(execution_context, "_current_span_slot", None)
    if slots is None or isinstance(previous, SpanSlot):
        return
    span = previous.get() if previous is not None else None
    slot = SpanSlot()
    slots["current_span"] = slot
    execution_context._current_span_slot = slot
    if span is not None:
        slot.set(span)


_install_slot()
