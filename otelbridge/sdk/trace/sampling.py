"""Samplers decide at span start whether a span is recorded and exported
(mirrors ``opentelemetry.sdk.trace.sampling``).

The built-in samplers never change attributes or trace state, so besides the standard
:meth:`Sampler.should_sample` they offer the tracer ``_fast_rules``: one :data:`Rule` per
:data:`Situation` of the new span (no parent, or a local/remote, sampled/not sampled parent),
either the constant decision or an allocation-free ``(parent, trace_id) -> Decision`` function.
``ParentBased`` composes its delegates' rules, so the default ``parentbased_always_on`` decides
with one tuple index and no call. Subclasses that override ``should_sample`` (or ``_decide``)
lose the fast form automatically and are always called through the standard method.
"""

from __future__ import annotations

import abc
import enum
import os
from types import MappingProxyType
from typing import (
    TYPE_CHECKING,
    Callable,
    Final,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from opentelemetry.context import Context
from opentelemetry.trace import Link, SpanContext, SpanKind, get_current_span
from opentelemetry.trace.span import TraceState

from otelbridge.sdk.environment_variables import OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG
from otelbridge.sdk.util.entry_points import entry_points_in

if TYPE_CHECKING:
    from opentelemetry.util.types import Attributes, AttributeValue

FastDecide = Callable[[Optional[SpanContext], int], "Decision"]
#: What a built-in sampler decides in one situation: a constant, or a function to call.
Rule = Union["Decision", FastDecide]
#: A sampler's rules indexed by :data:`Situation` (see :func:`situation`).
Rules = Tuple[Rule, Rule, Rule, Rule, Rule]

# Situations of a new span, the index into Rules. For a parent: 1 + 2 * is_remote + sampled bit.
NO_PARENT: Final = 0
LOCAL_PARENT_NOT_SAMPLED: Final = 1
LOCAL_PARENT_SAMPLED: Final = 2
REMOTE_PARENT_NOT_SAMPLED: Final = 3
REMOTE_PARENT_SAMPLED: Final = 4


class Decision(enum.Enum):
    DROP = 0
    RECORD_ONLY = 1
    RECORD_AND_SAMPLE = 2

    def is_recording(self) -> bool:
        return self is not Decision.DROP

    def is_sampled(self) -> bool:
        return self is Decision.RECORD_AND_SAMPLE


class SamplingResult:
    """A decision plus the attributes and trace state the new span gets."""

    __slots__ = ("attributes", "decision", "trace_state")

    def __init__(
        self,
        decision: Decision,
        attributes: Attributes = None,
        trace_state: Optional[TraceState] = None,
    ) -> None:
        self.decision = decision
        self.attributes: Mapping[str, AttributeValue] = MappingProxyType(dict(attributes or {}))
        self.trace_state = trace_state

    def __repr__(self) -> str:
        return f"SamplingResult({self.decision}, attributes={dict(self.attributes)})"


class Sampler(abc.ABC):
    @abc.abstractmethod
    def should_sample(
        self,
        parent_context: Optional[Context],
        trace_id: int,
        name: str,
        kind: Optional[SpanKind] = None,
        attributes: Attributes = None,
        links: Optional[Sequence[Link]] = None,
        trace_state: Optional[TraceState] = None,
    ) -> SamplingResult:
        """Decide about a span that is about to start."""

    @abc.abstractmethod
    def get_description(self) -> str:
        """A short description, e.g. ``TraceIdRatioBased{0.5}``."""

    def __str__(self) -> str:
        return self.get_description()


def _valid_parent(parent_context: Optional[Context]) -> Optional[SpanContext]:
    span_context = get_current_span(parent_context).get_span_context()
    return span_context if span_context.is_valid else None


def situation(parent: Optional[SpanContext]) -> int:
    """The :data:`Rules` index for a span with this (valid) parent span context (the tracer
    computes the same inline)."""
    if parent is None:
        return NO_PARENT
    return 1 + 2 * parent.is_remote + (parent.trace_flags & 0x01)


def fast_rules(sampler: Sampler) -> Optional[Rules]:
    """The sampler's fast form, or ``None`` when only ``should_sample`` may be called."""
    return getattr(sampler, "_fast_rules", None)


class _BuiltinSampler(Sampler):
    """A sampler whose decision depends only on the parent span context and the trace id."""

    _fast_rules: Optional[Rules]

    def __init__(self) -> None:
        overridden = type(self).should_sample is not _BuiltinSampler.should_sample
        self._fast_rules = None if overridden else (self._rule(),) * 5

    def _rule(self) -> Rule:
        """The same rule in every situation: by default, a call of ``_decide``."""
        return self._decide

    @abc.abstractmethod
    def _decide(self, parent: Optional[SpanContext], trace_id: int) -> Decision: ...

    def should_sample(
        self,
        parent_context: Optional[Context],
        trace_id: int,
        name: str,
        kind: Optional[SpanKind] = None,
        attributes: Attributes = None,
        links: Optional[Sequence[Link]] = None,
        trace_state: Optional[TraceState] = None,
    ) -> SamplingResult:
        parent = _valid_parent(parent_context)
        decision = self._decide(parent, trace_id)
        return SamplingResult(
            decision,
            attributes if decision is not Decision.DROP else None,
            parent.trace_state if parent is not None else None,
        )


class StaticSampler(_BuiltinSampler):
    """Always the same decision."""

    def __init__(self, decision: Decision) -> None:
        self._decision = decision
        super().__init__()

    def _decide(self, parent: Optional[SpanContext], trace_id: int) -> Decision:
        return self._decision

    def _rule(self) -> Rule:
        if type(self)._decide is not StaticSampler._decide:
            return self._decide
        return self._decision

    def get_description(self) -> str:
        return "AlwaysOffSampler" if self._decision is Decision.DROP else "AlwaysOnSampler"


# Bound once for the per-span paths (reading an Enum member from its class is a descriptor call).
_DROP = Decision.DROP
_RECORD_AND_SAMPLE = Decision.RECORD_AND_SAMPLE

ALWAYS_OFF = StaticSampler(Decision.DROP)
ALWAYS_ON = StaticSampler(Decision.RECORD_AND_SAMPLE)

_TRACE_ID_LOW_BITS = (1 << 64) - 1


class TraceIdRatioBased(_BuiltinSampler):
    """Samples a deterministic fraction ``rate`` of traces, by the trace id's low 64 bits."""

    TRACE_ID_LIMIT = _TRACE_ID_LOW_BITS

    def __init__(self, rate: float) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"Probability must be in range [0.0, 1.0], got {rate}")
        self._rate = rate
        self._bound = self.get_bound_for_rate(rate)
        super().__init__()

    @classmethod
    def get_bound_for_rate(cls, rate: float) -> int:
        return round(rate * (_TRACE_ID_LOW_BITS + 1))

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def bound(self) -> int:
        return self._bound

    def _decide(self, parent: Optional[SpanContext], trace_id: int) -> Decision:
        if trace_id & _TRACE_ID_LOW_BITS < self._bound:
            return _RECORD_AND_SAMPLE
        return _DROP

    def get_description(self) -> str:
        return f"TraceIdRatioBased{{{self._rate}}}"


class ParentBased(Sampler):
    """Follows the parent's sampled flag, choosing one of five delegates: ``root`` without a
    parent, else by whether the parent is remote and sampled."""

    _fast_rules: Optional[Rules]

    def __init__(
        self,
        root: Sampler,
        remote_parent_sampled: Sampler = ALWAYS_ON,
        remote_parent_not_sampled: Sampler = ALWAYS_OFF,
        local_parent_sampled: Sampler = ALWAYS_ON,
        local_parent_not_sampled: Sampler = ALWAYS_OFF,
    ) -> None:
        self._root = root
        self._remote_parent_sampled = remote_parent_sampled
        self._remote_parent_not_sampled = remote_parent_not_sampled
        self._local_parent_sampled = local_parent_sampled
        self._local_parent_not_sampled = local_parent_not_sampled
        #: The delegate for each situation, in Rules order.
        self._delegates = (
            root,
            local_parent_not_sampled,
            local_parent_sampled,
            remote_parent_not_sampled,
            remote_parent_sampled,
        )
        self._fast_rules = self._compose_rules()

    def _compose_rules(self) -> Optional[Rules]:
        """Each situation takes its delegate's rule for that same situation; no fast form when
        a delegate has none or a subclass decides by itself."""
        if type(self).should_sample is not ParentBased.should_sample:
            return None
        composed: List[Rule] = []
        for index, delegate in enumerate(self._delegates):
            rules = fast_rules(delegate)
            if rules is None:
                return None
            composed.append(rules[index])
        return tuple(composed)  # type: ignore[return-value]  # five: one per situation

    def _delegate(self, parent: Optional[SpanContext]) -> Sampler:
        return self._delegates[situation(parent)]

    def should_sample(
        self,
        parent_context: Optional[Context],
        trace_id: int,
        name: str,
        kind: Optional[SpanKind] = None,
        attributes: Attributes = None,
        links: Optional[Sequence[Link]] = None,
        trace_state: Optional[TraceState] = None,
    ) -> SamplingResult:
        return self._delegate(_valid_parent(parent_context)).should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return (
            f"ParentBased{{root:{self._root.get_description()},"
            f"remoteParentSampled:{self._remote_parent_sampled.get_description()},"
            f"remoteParentNotSampled:{self._remote_parent_not_sampled.get_description()},"
            f"localParentSampled:{self._local_parent_sampled.get_description()},"
            f"localParentNotSampled:{self._local_parent_not_sampled.get_description()}}}"
        )


class ParentBasedTraceIdRatio(ParentBased):
    """:class:`ParentBased` with a :class:`TraceIdRatioBased` root."""

    def __init__(self, rate: float) -> None:
        super().__init__(root=TraceIdRatioBased(rate))


class AlwaysRecordSampler(Sampler):
    """Records every span that ``root`` drops (as ``RECORD_ONLY``), without changing which
    spans are sampled: processors can count or measure all spans at less than full
    sampling's export cost."""

    def __init__(self, root: Sampler) -> None:
        if root is None:
            raise ValueError("AlwaysRecordSampler: root must be a Sampler, not None")
        self._root = root

    def should_sample(
        self,
        parent_context: Optional[Context],
        trace_id: int,
        name: str,
        kind: Optional[SpanKind] = None,
        attributes: Attributes = None,
        links: Optional[Sequence[Link]] = None,
        trace_state: Optional[TraceState] = None,
    ) -> SamplingResult:
        result = self._root.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )
        if result.decision is Decision.DROP:
            return SamplingResult(Decision.RECORD_ONLY, result.attributes, result.trace_state)
        return result

    def get_description(self) -> str:
        return f"AlwaysRecordSampler{{{self._root.get_description()}}}"


DEFAULT_ON = ParentBased(ALWAYS_ON)
DEFAULT_OFF = ParentBased(ALWAYS_OFF)


def _ratio(arg: Optional[str]) -> float:
    if arg is None or not arg.strip():
        return 1.0
    try:
        rate = float(arg)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"{OTEL_TRACES_SAMPLER_ARG} must be a number in [0, 1], got {arg!r}")
    return rate


_BUILTIN: Mapping[str, Callable[[Optional[str]], Sampler]] = {
    "always_on": lambda arg: ALWAYS_ON,
    "always_off": lambda arg: ALWAYS_OFF,
    "traceidratio": lambda arg: TraceIdRatioBased(_ratio(arg)),
    "parentbased_always_on": lambda arg: DEFAULT_ON,
    "parentbased_always_off": lambda arg: DEFAULT_OFF,
    "parentbased_traceidratio": lambda arg: ParentBasedTraceIdRatio(_ratio(arg)),
}


def sampler_from_name(
    name: str, arg: Optional[str] = None, setting: str = OTEL_TRACES_SAMPLER
) -> Sampler:
    """The sampler ``OTEL_TRACES_SAMPLER=name`` stands for. Besides the spec's built-in names,
    samplers registered in the ``opentelemetry_traces_sampler`` entry-point group are found
    (their factory receives ``arg``). Unknown names raise ``ValueError`` listing the choices."""
    name = name.strip().lower()
    if name in _BUILTIN:
        return _BUILTIN[name](arg)
    registered = entry_points_in("opentelemetry_traces_sampler")
    if name in registered:
        factory = registered[name].load()
        return factory(arg)  # type: ignore[no-any-return]  # a plug-in's sampler factory
    accepted = ", ".join(dict.fromkeys([*_BUILTIN, *sorted(registered)]))  # names may repeat
    raise ValueError(f"{setting}={name!r} is not supported; accepted values: {accepted}")


def sampler_from_env() -> Sampler:
    """``OTEL_TRACES_SAMPLER``/``OTEL_TRACES_SAMPLER_ARG``, default ``parentbased_always_on``."""
    name = os.environ.get(OTEL_TRACES_SAMPLER, "").strip()
    if not name:
        return DEFAULT_ON
    return sampler_from_name(name, os.environ.get(OTEL_TRACES_SAMPLER_ARG))
