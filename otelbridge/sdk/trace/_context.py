"""Fast access to the current span in the OpenTelemetry context.

With the default contextvars runtime context (almost always), we read and set its ContextVar
directly instead of going through ``opentelemetry.context``'s generic functions; with any other
runtime context we use the public API.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Optional, Tuple

from opentelemetry import context as context_api
from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY, Context
from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
from opentelemetry.trace import Span
from opentelemetry.trace.propagation import _SPAN_KEY

if TYPE_CHECKING:
    from contextvars import Token

_runtime = getattr(context_api, "_RUNTIME_CONTEXT", None)
_var = _runtime._current_context if type(_runtime) is ContextVarsRuntimeContext else None
_set_item = dict.__setitem__
#: The runtime context's ContextVar's bound methods (``None`` with a non-default runtime
#: context), for the hot paths: one C call each, with no method lookup per span.
GET_CONTEXT = None if _var is None else _var.get
SET_CONTEXT = None if _var is None else _var.set
RESET_CONTEXT = None if _var is None else _var.reset
_logger = logging.getLogger(__name__)
SPAN_KEY = _SPAN_KEY


def current_span(context: Optional[Context] = None) -> Optional[Span]:
    """The span in ``context`` (default: the current context), or ``None``."""
    if context is None:
        context = GET_CONTEXT() if GET_CONTEXT is not None else context_api.get_current()
    return context.get(_SPAN_KEY)  # type: ignore[return-value]  # the key holds a span


def attach(key: str, value: object) -> Token[Context]:
    """Make a copy of the current context with ``key`` set current; returns the token for
    :func:`detach`."""
    if _var is None:
        return context_api.attach(context_api.set_value(key, value))
    new = Context(GET_CONTEXT())  # type: ignore[misc]  # set with _var
    _set_item(new, key, value)
    return SET_CONTEXT(new)  # type: ignore[misc]  # set with _var


#: The last (current context, that context with suppression on) pair, as one tuple so that
#: threads read a consistent pair. Exports from the same context (the usual case: spans ending
#: at the top of a request) reuse the derived context instead of copying the current one.
_last_suppressed: Tuple[Optional[Context], Optional[Context]] = (None, None)


def suppressed(current: Context) -> Context:
    """``current`` with instrumentation suppressed: the cached one while ``current`` is the
    context it was derived from (contexts are immutable), else derived and cached."""
    global _last_suppressed
    parent, derived = _last_suppressed
    if parent is not current or derived is None:
        derived = Context(current)
        _set_item(derived, _SUPPRESS_INSTRUMENTATION_KEY, True)
        _last_suppressed = (current, derived)
    return derived


def attach_suppressed() -> Token[Context]:
    """Attach the current context with instrumentation suppressed (around an exporter's I/O);
    returns the token for :func:`detach`."""
    if _var is None:
        return context_api.attach(context_api.set_value(_SUPPRESS_INSTRUMENTATION_KEY, True))
    return SET_CONTEXT(suppressed(GET_CONTEXT()))  # type: ignore[misc]  # set with _var


def detach(token: Token[Context]) -> None:
    if _var is None:
        context_api.detach(token)
        return
    try:
        RESET_CONTEXT(token)  # type: ignore[misc]  # set with _var
    except ValueError:  # token from another context, e.g. a generator resumed elsewhere
        _logger.exception("Failed to detach context")
