"""Exemplar filters: which measurements may become exemplars (spec: ExemplarFilter).

Each built-in filter also has a private fast form (``_sampler``, from ``_FAST_FORMS``) that
instruments call on every measurement: ``None`` for never (so ``always_off`` costs nothing), a
constant for always, and for ``trace_based`` one read of the current context's span.
"""

from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from typing import Any, Callable, Dict, Optional, Type

from opentelemetry import context as context_api
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
from opentelemetry.trace.propagation import _SPAN_KEY
from opentelemetry.util.types import Attributes

from otelbridge.sdk.environment_variables import OTEL_METRICS_EXEMPLAR_FILTER

Sampler = Callable[[float, Attributes, Optional[Context]], bool]

_runtime = getattr(context_api, "_RUNTIME_CONTEXT", None)
_var = _runtime._current_context if type(_runtime) is ContextVarsRuntimeContext else None


class ExemplarFilter(ABC):
    """Decides whether a measurement is offered to the exemplar reservoir."""

    @abstractmethod
    def should_sample(
        self, value: float, time_unix_nano: int, attributes: Attributes, context: Context
    ) -> bool:
        """Whether this measurement may become an exemplar."""

    def _sampler(self) -> Optional[Sampler]:
        """The per-measurement check instruments call (``None``: never sample): the built-in
        filters' fast forms, else (also for subclasses, which may override ``should_sample``)
        a call of ``should_sample``."""
        if type(self) in _FAST_FORMS:
            return _FAST_FORMS[type(self)]
        should_sample = self.should_sample

        def sample(value: float, attributes: Attributes, context: Optional[Context]) -> bool:
            if context is None:
                context = context_api.get_current()
            return should_sample(value, time.time_ns(), attributes, context)

        return sample


class AlwaysOnExemplarFilter(ExemplarFilter):
    """Every measurement may become an exemplar."""

    def should_sample(
        self, value: float, time_unix_nano: int, attributes: Attributes, context: Context
    ) -> bool:
        return True


class AlwaysOffExemplarFilter(ExemplarFilter):
    """No measurement becomes an exemplar (exemplars off)."""

    def should_sample(
        self, value: float, time_unix_nano: int, attributes: Attributes, context: Context
    ) -> bool:
        return False


class TraceBasedExemplarFilter(ExemplarFilter):
    """Measurements recorded inside a sampled span may become exemplars (the default)."""

    def should_sample(
        self, value: float, time_unix_nano: int, attributes: Attributes, context: Context
    ) -> bool:
        span_context = trace.get_current_span(context).get_span_context()
        return bool(span_context.is_valid and span_context.trace_flags.sampled)


def _always(value: float, attributes: Attributes, context: Optional[Context]) -> bool:
    return True


def _in_sampled_span(value: float, attributes: Attributes, context: Optional[Context]) -> bool:
    if context is None:
        context = _var.get() if _var is not None else context_api.get_current()
    span: Any = context.get(_SPAN_KEY)  # a Context holds objects; under this key, an API Span
    if span is None:
        return False
    span_context = span.get_span_context()
    return bool(span_context.trace_flags & 1 and span_context.is_valid)


_FAST_FORMS: Dict[type, Optional[Sampler]] = {
    AlwaysOnExemplarFilter: _always,
    AlwaysOffExemplarFilter: None,
    TraceBasedExemplarFilter: _in_sampled_span,
}

_BY_NAME: Dict[str, Type[ExemplarFilter]] = {
    "always_on": AlwaysOnExemplarFilter,
    "always_off": AlwaysOffExemplarFilter,
    "trace_based": TraceBasedExemplarFilter,
}


def exemplar_filter_from_env() -> ExemplarFilter:
    """The filter ``OTEL_METRICS_EXEMPLAR_FILTER`` names (default ``trace_based``)."""
    from otelbridge.sdk.configuration._errors import unknown_value

    name = os.environ.get(OTEL_METRICS_EXEMPLAR_FILTER, "").strip().lower() or "trace_based"
    chosen = _BY_NAME.get(name)
    if chosen is None:
        raise unknown_value(OTEL_METRICS_EXEMPLAR_FILTER, name, sorted(_BY_NAME))
    return chosen()
