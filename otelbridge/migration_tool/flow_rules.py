"""OpenTracing's part of the whole-project inference (``engine/index.py``): which names make
which kinds of object, what their members return, which members betray them."""

from __future__ import annotations

from typing import Optional

from otelbridge.migration_tool.engine.index import MIGRATED
from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.names import (
    CHILD_SPAN_CALLS,
    GLOBAL_TRACER_ATTRS,
    JAEGER_CONFIG,
    MIGRATED_MODULES,
    MOCK_TRACERS,
    TRACER_FACTORIES,
)

#: The OpenTracing (and jaeger-client) classes a type hint may name -> the kind it describes.
_TRACERS = ("opentracing.Tracer", "opentracing.tracer.Tracer", "jaeger_client.Tracer")
_SPANS = ("opentracing.Span", "opentracing.span.Span", "jaeger_client.Span")
_SPAN_CONTEXTS = ("opentracing.SpanContext", "opentracing.span.SpanContext")
ANNOTATIONS = {
    **dict.fromkeys((*_TRACERS, "jaeger_client.tracer.Tracer"), Kind.TRACER),
    **dict.fromkeys((*_SPANS, "jaeger_client.span.Span"), Kind.SPAN),
    **dict.fromkeys(
        (*_SPAN_CONTEXTS, "jaeger_client.SpanContext", "jaeger_client.span_context.SpanContext"),
        Kind.SPAN_CONTEXT,
    ),
    **dict.fromkeys(("opentracing.Scope", "opentracing.scope.Scope"), Kind.SCOPE),
}
_CHAINABLE = frozenset(
    {"set_tag", "log_kv", "log_event", "log", "set_operation_name", "set_baggage_item"}
)
_TRACER_CALLS = {
    "start_span": Kind.SPAN,
    "start_active_span": Kind.SCOPE,
    "extract": Kind.EXTRACTED,
}
#: Members only OpenTracing objects have: evidence of the kind of a receiver of unknown origin.
EVIDENCE = {
    "start_active_span": Kind.TRACER,
    "active_span": Kind.TRACER,
    "scope_manager": Kind.TRACER,
    "set_tag": Kind.SPAN,
    "log_kv": Kind.SPAN,
    "log_event": Kind.SPAN,
    "set_operation_name": Kind.SPAN,
    "get_baggage_item": Kind.SPAN,
    "set_baggage_item": Kind.SPAN,
    "finished_spans": Kind.LEGACY,
}


class OpenTracingRules:
    """:class:`~otelbridge.migration_tool.engine.index.Rules` for OpenTracing and jaeger-client."""

    kept = Kind.LEGACY.value

    def external(self, qualified: str, called: bool) -> Optional[str]:
        if called and qualified.startswith(MIGRATED_MODULES):
            return MIGRATED
        if not called:
            return Kind.TRACER.value if qualified in GLOBAL_TRACER_ATTRS else None
        if qualified in TRACER_FACTORIES:
            return Kind.TRACER.value
        if qualified == JAEGER_CONFIG:
            return Kind.JAEGER_CONFIG.value
        if qualified in CHILD_SPAN_CALLS:
            return Kind.SPAN.value
        return None

    def member(self, owner: str, member: str, called: bool) -> Optional[str]:
        if owner == MIGRATED:
            return MIGRATED if called else None
        kind = Kind(owner)
        found: Optional[Kind] = None
        if kind in (Kind.SPAN, Kind.CURRENT_SPAN):
            if called and member in _CHAINABLE:
                found = kind
            elif not called and member == "context":
                found = Kind.SPAN_CONTEXT
            elif not called and member == "tracer":
                found = Kind.TRACER
        elif kind is Kind.TRACER:
            found = _TRACER_CALLS.get(member) if called else None
            if not called and member == "active_span":
                found = Kind.CURRENT_SPAN
        elif kind is Kind.SCOPE and not called and member == "span":
            found = Kind.CURRENT_SPAN
        elif (
            kind is Kind.JAEGER_CONFIG and called and member in ("initialize_tracer", "new_tracer")
        ):
            found = Kind.TRACER
        return None if found is None else found.value

    def evidence(self, member: str) -> Optional[str]:
        kind = EVIDENCE.get(member)
        return None if kind is None else kind.value

    def annotation(self, qualified: str) -> Optional[str]:
        kind = ANNOTATIONS.get(qualified)
        return None if kind is None else kind.value


class GlobalStandInRules(OpenTracingRules):
    """The same flows, asked a finer question: does a tracer symbol only ever hold tracers the
    OpenTracing global tracer stands in for (``tracer``: the global tracer, a jaeger set-up, the
    no-op tracer), or may it hold another one (``other tracer``: a ``MockTracer``; a project
    object or a parameter nobody fills is no kind at all)? See ``legacy.has_global_stand_in``."""

    OTHER = "other tracer"

    def external(self, qualified: str, called: bool) -> Optional[str]:
        if called and qualified in MOCK_TRACERS:
            return self.OTHER
        return super().external(qualified, called)

    def member(self, owner: str, member: str, called: bool) -> Optional[str]:
        return None if owner == self.OTHER else super().member(owner, member, called)

    def evidence(self, member: str) -> Optional[str]:
        return None  # used as a tracer says nothing of which tracer

    def annotation(self, qualified: str) -> Optional[str]:
        return None
