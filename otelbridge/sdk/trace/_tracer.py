"""The :class:`Tracer`: starts spans, asks the sampler, makes spans current."""

from __future__ import annotations

import functools
import inspect
import logging
from time import time_ns
from typing import TYPE_CHECKING, Any, Callable, Final, Optional, Sequence, TypeVar

from opentelemetry import trace as trace_api
from opentelemetry.context import Context
from opentelemetry.trace import (
    DEFAULT_TRACE_STATE,
    Link,
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    TraceFlags,
)
from opentelemetry.trace.status import Status, StatusCode

from otelbridge.sdk.trace._context import GET_CONTEXT, SPAN_KEY, attach, current_span, detach
from otelbridge.sdk.trace._span import Span
from otelbridge.sdk.trace._span_context import (
    IS_REMOTE,
    IS_VALID,
    SAMPLED,
    TRACE_FLAGS,
    TRACE_ID,
    TRACE_STATE,
)
from otelbridge.sdk.trace.sampling import NO_PARENT, Decision
from otelbridge.sdk.util.instrumentation import InstrumentationScope

if TYPE_CHECKING:
    from types import TracebackType

    from opentelemetry.util.types import Attributes

    from otelbridge.sdk.resources import Resource
    from otelbridge.sdk.trace._pipeline import Pipeline
    from otelbridge.sdk.trace.sampling import Sampler

    #: The arguments of :meth:`Tracer.start_span`, in its order.
    StartSpanArgs = tuple[
        str,
        Optional[Context],
        SpanKind,
        Attributes,
        Optional[Sequence[Link]],
        Optional[int],
        bool,
        bool,
    ]

_logger = logging.getLogger(__name__)

#: Trace flags by value: bit 0x01 sampled, bit 0x02 random trace id (W3C Trace Context Level 2).
_FLAGS = tuple(TraceFlags(value) for value in range(4))
_RANDOM = TraceFlags.RANDOM_TRACE_ID
_RECORD_AND_SAMPLE = Decision.RECORD_AND_SAMPLE
_DROP = Decision.DROP
_INTERNAL = SpanKind.INTERNAL
# Our ids are valid by construction, so skip SpanContext.__new__'s checks.
_new_context = tuple.__new__
# A span is made with ``_new_object(Span)`` and its ``__init__`` called from Python: CPython
# runs that frame inline, where calling the class enters ``__init__`` from C (about 300 machine
# instructions more a span on 3.11).
_new_object = object.__new__

F = TypeVar("F", bound=Callable[..., Any])


class Tracer(trace_api.Tracer):
    """Creates spans for one instrumentation scope. Obtain it from
    :meth:`TracerProvider.get_tracer`."""

    __slots__ = ("_instrumentation_scope", "_pipeline", "_span_type")

    def __init__(
        self,
        pipeline: Pipeline,
        instrumentation_scope: InstrumentationScope,
        span_type: type[Span] = Span,
    ) -> None:
        self._pipeline = pipeline
        self._instrumentation_scope = instrumentation_scope
        # What recording spans are made of: a shim may pass a subclass of Span that is also its
        # legacy span (one object instead of a wrapper); it must not override ``__init__``.
        self._span_type = span_type

    @property
    def instrumentation_scope(self) -> InstrumentationScope:
        return self._instrumentation_scope

    @property
    def resource(self) -> Resource:
        return self._pipeline.resource

    @property
    def sampler(self) -> Sampler:
        return self._pipeline.sampler

    def start_span(
        self,
        name: str,
        context: Optional[Context] = None,
        kind: SpanKind = _INTERNAL,
        attributes: Attributes = None,
        links: Optional[Sequence[Link]] = None,
        start_time: Optional[int] = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
    ) -> trace_api.Span:
        pipeline = self._pipeline
        # current_span() and get_span_context() inlined for the common cases (the hot path)
        parent_span: Optional[trace_api.Span]
        if context is None and GET_CONTEXT is not None:
            parent_span = GET_CONTEXT().get(SPAN_KEY)  # type: ignore[assignment]  # a span: no cast
        else:
            parent_span = current_span(context)
        parent: Optional[SpanContext] = None
        if parent_span is not None:
            if type(parent_span) is Span or type(parent_span) is self._span_type:
                parent = parent_span._context  # type: ignore[attr-defined]  # one of ours
            else:
                parent = parent_span.get_span_context()
            if not parent[IS_VALID]:  # type: ignore[index]  # span contexts are never None
                parent = None
        if parent is None:
            trace_id = pipeline.draw_trace_id() or pipeline.generate_trace_id()
            trace_state = DEFAULT_TRACE_STATE
            random_flag = pipeline.random_trace_id
            situation = NO_PARENT
        else:
            trace_id = parent[TRACE_ID]
            trace_state = parent[TRACE_STATE]
            parent_flags = parent[TRACE_FLAGS]
            random_flag = parent_flags & _RANDOM  # inherited, as the trace id is
            # sampling.situation(parent), inlined
            situation = 1 + 2 * parent[IS_REMOTE] + (parent_flags & SAMPLED)
        rules = pipeline.fast_rules
        if rules is not None:
            rule = rules[situation]
            decision = rule if isinstance(rule, Decision) else rule(parent, trace_id)
        else:
            result = pipeline.sampler.should_sample(
                context, trace_id, name, kind, attributes, links
            )
            decision = result.decision
            attributes = result.attributes
            trace_state = result.trace_state or DEFAULT_TRACE_STATE
        span_id = pipeline.draw_span_id() or pipeline.generate_span_id()
        metrics = pipeline.span_metrics
        live = None if metrics is None else metrics.started(parent, decision)
        if decision is _DROP:
            return NonRecordingSpan(
                _new_context(
                    SpanContext,
                    (trace_id, span_id, False, _FLAGS[random_flag], trace_state, True),
                )
            )
        flags = _FLAGS[random_flag | 1] if decision is _RECORD_AND_SAMPLE else _FLAGS[random_flag]
        span = _new_object(self._span_type)  # and __init__ called here: CPython runs it inline
        span.__init__(  # type: ignore[misc]  # Span's own __init__ (see _span_type)
            name,
            _new_context(SpanContext, (trace_id, span_id, False, flags, trace_state, True)),
            parent,
            pipeline,
            self._instrumentation_scope,
            kind,
            attributes,
            links,
            time_ns() if start_time is None else start_time,
            record_exception,
            set_status_on_exception,
        )
        if live is not None:
            span._live = live
        for on_start in pipeline.on_start:
            try:
                on_start(span, context)
            except Exception:
                _logger.exception("Span processor failed in on_start for span %r", name)
        return span

    def start_as_current_span(  # type: ignore[override]  # a class, not the API generator: cheaper
        self,
        name: str,
        context: Optional[Context] = None,
        kind: SpanKind = _INTERNAL,
        attributes: Attributes = None,
        links: Optional[Sequence[Link]] = None,
        start_time: Optional[int] = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
        end_on_exit: bool = True,
    ) -> CurrentSpan:
        """A context manager (or decorator) that starts a span on entry and makes it current."""
        return CurrentSpan(
            self,
            (
                name,
                context,
                kind,
                attributes,
                links,
                start_time,
                record_exception,
                set_status_on_exception,
            ),
            end_on_exit,
        )


# Positions in CurrentSpan._args, the arguments of Tracer.start_span in its order.
_RECORD_EXCEPTION: Final = 6
_SET_STATUS_ON_EXCEPTION: Final = 7


class CurrentSpan:
    """What :meth:`Tracer.start_as_current_span` returns: a plain class instead of a generator
    context manager, which is several times cheaper. Used as a decorator, it starts a fresh
    span for every call (sync or async)."""

    __slots__ = ("_args", "_end_on_exit", "_span", "_token", "_tracer")

    def __init__(self, tracer: Tracer, args: StartSpanArgs, end_on_exit: bool) -> None:
        self._tracer = tracer
        self._args = args
        self._end_on_exit = end_on_exit

    def __enter__(self) -> trace_api.Span:
        span = self._tracer.start_span(*self._args)
        self._span = span
        self._token = attach(SPAN_KEY, span)
        return span

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        detach(self._token)
        span = self._span
        # Same rules as opentelemetry.trace.use_span: Exception subclasses only.
        if exc is not None and isinstance(exc, Exception) and span.is_recording():
            if self._args[_RECORD_EXCEPTION]:
                span.record_exception(exc)
            if self._args[_SET_STATUS_ON_EXCEPTION]:
                span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        if self._end_on_exit:
            span.end()

    def __call__(self, func: F) -> F:
        tracer, args, end_on_exit = self._tracer, self._args, self._end_on_exit
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*a: Any, **kw: Any) -> Any:
                with CurrentSpan(tracer, args, end_on_exit):
                    return await func(*a, **kw)

            return async_wrapper  # type: ignore[return-value]  # wraps func: its signature

        @functools.wraps(func)
        def wrapper(*a: Any, **kw: Any) -> Any:
            with CurrentSpan(tracer, args, end_on_exit):
                return func(*a, **kw)

        return wrapper  # type: ignore[return-value]  # wraps func: its signature
