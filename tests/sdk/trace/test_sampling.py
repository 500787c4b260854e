"""Samplers: decisions, ParentBased's five delegates, env selection, custom samplers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from opentelemetry import trace
from opentelemetry.trace import SpanContext, TraceFlags, TraceState

from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from otelbridge.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    DEFAULT_ON,
    Decision,
    ParentBased,
    ParentBasedTraceIdRatio,
    Sampler,
    SamplingResult,
    StaticSampler,
    TraceIdRatioBased,
    sampler_from_env,
)


def parent_ctx(remote: bool, sampled: bool, state: TraceState | None = None):
    flags = TraceFlags(TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT)
    context = SpanContext(0xAB, 0xCD, is_remote=remote, trace_flags=flags, trace_state=state)
    return trace.set_span_in_context(trace.NonRecordingSpan(context))


def start(sampler: Sampler, context=None, **kwargs):
    provider = TracerProvider(sampler=sampler, shutdown_on_exit=False)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    span = provider.get_tracer("t").start_span("op", context=context, **kwargs)
    span.end()
    return span, exporter.get_finished_spans()


def test_always_on_and_off() -> None:
    span, exported = start(ALWAYS_ON)
    assert span.get_span_context().trace_flags.sampled and len(exported) == 1
    span, exported = start(ALWAYS_OFF)
    assert not span.is_recording() and exported == ()
    assert ALWAYS_ON.get_description() == "AlwaysOnSampler"
    assert ALWAYS_OFF.get_description() == "AlwaysOffSampler"


def test_should_sample_public_interface() -> None:
    result = ALWAYS_ON.should_sample(
        parent_ctx(True, True, TraceState([("k", "v")])), 0xAB, "op", attributes={"a": 1}
    )
    assert result.decision is Decision.RECORD_AND_SAMPLE
    assert dict(result.attributes) == {"a": 1}
    assert result.trace_state == TraceState([("k", "v")])
    dropped = ALWAYS_OFF.should_sample(None, 1, "op", attributes={"a": 1})
    assert dropped.decision is Decision.DROP and dict(dropped.attributes) == {}
    assert Decision.RECORD_ONLY.is_recording() and not Decision.RECORD_ONLY.is_sampled()


@pytest.mark.parametrize(
    ("remote", "sampled", "delegate"),
    [
        (True, True, "remote_parent_sampled"),
        (True, False, "remote_parent_not_sampled"),
        (False, True, "local_parent_sampled"),
        (False, False, "local_parent_not_sampled"),
        (None, None, "root"),
    ],
)
def test_parent_based_picks_each_of_five_delegates(remote, sampled, delegate) -> None:
    """Every delegate is ALWAYS_OFF except the expected one, which samples."""
    names = [
        "root",
        "remote_parent_sampled",
        "remote_parent_not_sampled",
        "local_parent_sampled",
        "local_parent_not_sampled",
    ]
    sampler = ParentBased(**{n: ALWAYS_ON if n == delegate else ALWAYS_OFF for n in names})
    context = None if remote is None else parent_ctx(remote, sampled)
    _, exported = start(sampler, context)
    assert len(exported) == 1, delegate
    inverse = ParentBased(**{n: ALWAYS_OFF if n == delegate else ALWAYS_ON for n in names})
    assert start(inverse, context)[1] == ()


def test_parent_based_defaults_follow_parent_and_keep_trace_state() -> None:
    state = TraceState([("vendor", "x")])
    _, exported = start(DEFAULT_ON, parent_ctx(True, True, state))
    assert exported[0].context.trace_state == state
    assert exported[0].context.trace_id == 0xAB
    assert start(DEFAULT_ON, parent_ctx(True, False))[1] == ()
    assert start(DEFAULT_ON, parent_ctx(False, False))[1] == ()
    assert "remoteParentSampled:AlwaysOnSampler" in DEFAULT_ON.get_description()


class RecordOnly(Sampler):
    """A custom sampler (not a built-in): records, does not sample, adds an attribute."""

    def should_sample(
        self,
        parent_context,
        trace_id,
        name,
        kind=None,
        attributes=None,
        links=None,
        trace_state=None,
    ):
        return SamplingResult(Decision.RECORD_ONLY, {"sampler": "custom", **(attributes or {})})

    def get_description(self) -> str:
        return "RecordOnly"


def test_custom_sampler_and_custom_delegate() -> None:
    span, exported = start(RecordOnly(), attributes={"a": 1})
    assert span.is_recording() is False  # ended
    assert not span.get_span_context().trace_flags.sampled
    assert exported == ()  # recorded but not sampled: processors skip export
    assert dict(span.attributes) == {"sampler": "custom", "a": 1}
    span, _ = start(ParentBased(root=RecordOnly()))
    assert dict(span.attributes) == {"sampler": "custom"}


@given(st.floats(min_value=0.0, max_value=1.0), st.integers(min_value=1, max_value=2**128 - 1))
def test_ratio_decision_is_deterministic_by_trace_id_low_bits(rate, trace_id) -> None:
    sampler = TraceIdRatioBased(rate)
    decision = sampler.should_sample(None, trace_id, "op").decision
    expected = (trace_id & (2**64 - 1)) < round(rate * 2**64)
    assert decision.is_sampled() is expected
    assert sampler.should_sample(None, trace_id, "op").decision is decision


def test_ratio_rate_statistics_and_bounds() -> None:
    provider = TracerProvider(sampler=TraceIdRatioBased(0.3), shutdown_on_exit=False)
    tracer = provider.get_tracer("t")
    sampled = sum(
        tracer.start_span("x").get_span_context().trace_flags.sampled for _ in range(4000)
    )
    assert 1000 < sampled < 1400
    assert TraceIdRatioBased(0).bound == 0 and TraceIdRatioBased(1).bound == 2**64
    with pytest.raises(ValueError):
        TraceIdRatioBased(1.5)
    assert (
        ParentBasedTraceIdRatio(0.5)
        .get_description()
        .startswith("ParentBased{root:TraceIdRatioBased{0.5}")
    )


def test_subclass_overriding_should_sample_is_honoured() -> None:
    class Never(StaticSampler):
        def should_sample(self, *args, **kwargs):
            return SamplingResult(Decision.DROP)

    assert start(Never(Decision.RECORD_AND_SAMPLE))[1] == ()


@pytest.mark.parametrize(
    ("name", "arg", "description"),
    [
        ("always_on", None, "AlwaysOnSampler"),
        ("always_off", None, "AlwaysOffSampler"),
        ("traceidratio", "0.5", "TraceIdRatioBased{0.5}"),
        ("traceidratio", None, "TraceIdRatioBased{1.0}"),
        ("parentbased_always_on", None, "ParentBased{root:AlwaysOnSampler"),
        ("parentbased_always_off", None, "ParentBased{root:AlwaysOffSampler"),
        ("parentbased_traceidratio", "0.1", "ParentBased{root:TraceIdRatioBased{0.1}"),
    ],
)
def test_sampler_from_env(monkeypatch, name, arg, description) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", name.upper())
    if arg is None:
        monkeypatch.delenv("OTEL_TRACES_SAMPLER_ARG", raising=False)
    else:
        monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", arg)
    assert sampler_from_env().get_description().startswith(description)
    assert TracerProvider(shutdown_on_exit=False).sampler.get_description().startswith(description)


def test_bad_env_sampler_falls_back_in_provider(monkeypatch, caplog) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "bogus")
    assert TracerProvider(shutdown_on_exit=False).sampler is DEFAULT_ON
    assert any("OTEL_TRACES_SAMPLER='bogus'" in r.getMessage() for r in caplog.records)


def test_fast_decisions_agree_with_should_sample_in_every_situation() -> None:
    """The tracer decides built-in samplers through their composed fast rules; those must say
    what ``should_sample`` says, nested ParentBased and overridden ``_decide`` included."""

    class OddTraceIdsDropped(StaticSampler):
        def _decide(self, parent, trace_id):
            return Decision.DROP if trace_id % 2 else Decision.RECORD_AND_SAMPLE

    samplers = [
        DEFAULT_ON,
        ParentBased(ParentBased(ALWAYS_OFF), local_parent_sampled=TraceIdRatioBased(0.5)),
        ParentBased(OddTraceIdsDropped(Decision.RECORD_AND_SAMPLE)),
        OddTraceIdsDropped(Decision.DROP),
    ]
    contexts = [None] + [parent_ctx(r, s) for r in (True, False) for s in (True, False)]
    for sampler in samplers:
        tracer = TracerProvider(sampler=sampler, shutdown_on_exit=False).get_tracer("t")
        for context in contexts:
            for _ in range(20):
                span_context = tracer.start_span("op", context=context).get_span_context()
                expected = sampler.should_sample(context, span_context.trace_id, "op")
                assert span_context.trace_flags.sampled == expected.decision.is_sampled()
