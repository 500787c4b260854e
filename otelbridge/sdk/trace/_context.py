"""Fast access to the current span in the OpenTelemetry context.

With the default contextvars runtime context (almost always), we read and set its ContextVar
directly instead of going through ``opentelemetry.context``'s generic functions; with any other
runtime context we use the public API.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from opentelemetry import context as context_api
from opentelemetry.context import Context
from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
from opentelemetry.trace import Span
from opentelemetry.trace.propagation import _SPAN_KEY

_runtime = getattr(context_api, "_RUNTIME_CONTEXT", None)
_var = _runtime._current_context if type(_runtime) is ContextVarsRuntimeContext else None
_set_item = dict.__setitem__
_logger = logging.getLogger(__name__)
SPAN_KEY = _SPAN_KEY


def current_span(context: Optional[Context] = None) -> Optional[Span]:
    """The span in ``context`` (default: the current context), or ``None``."""
    if context is None:
        context = _var.get() if _var is not None else context_api.get_current()
    return context.get(_SPAN_KEY)  # type: ignore[return-value]


def attach(key: str, value: object) -> Any:
    """Make a copy of the current context with ``key`` set current; returns the token for
    :func:`detach`."""
    if _var is None:
        return context_api.attach(context_api.set_value(key, value))
    new = Context(_var.get())
    _set_item(new, key, value)
    return _var.set(new)


def detach(token: Any) -> None:
    if _var is None:
        context_api.detach(token)
        return
    try:
        _var.reset(token)
    except ValueError:  # token from another context, e.g. a generator resumed elsewhere
        _logger.exception("Failed to detach context")
