"""The Tracer API, context in both directions, span_context, remote parents and sampling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading

import pytest
from opencensus.trace import execution_context
from opencensus.trace.propagation.trace_context_http_header_format import (
    TraceContextPropagator as OcTraceContextPropagator,
)
from opencensus.trace.samplers import AlwaysOffSampler, AlwaysOnSampler, ProbabilitySampler
from opencensus.trace.span_context import SpanContext as OcSpanContext
from opencensus.trace.trace_options import TraceOptions

from otelbridge.shims.opencensus import Tracer
from otelbridge.shims.opencensus.trace.propagation import TraceContextPropagator

from .conftest import spans_by_name

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
SPAN_ID = "b7ad6b7169203331"


def tracer(provider, **kwargs):
    kwargs.setdefault("sampler", AlwaysOnSampler())
    return Tracer(tracer_provider=provider, **kwargs)


def test_start_end_current_and_end_span_ends_the_current_span(provider, exporter) -> None:
    t = tracer(provider)
    assert execution_context.get_opencensus_tracer() is t
    outer = t.start_span("outer")
    inner = t.start_span("inner")
    assert t.current_span() is inner is execution_context.get_current_span()
    t.add_attribute_to_current_span("k", "v")
    t.end_span()
    assert not inner.unwrap().is_recording()
    assert t.current_span() is outer
    t.end_span()
    assert t.current_span() is None
    spans = spans_by_name(exporter)
    assert spans["inner"].attributes == {"k": "v"}
    assert spans["inner"].parent.span_id == spans["outer"].context.span_id


def test_end_span_with_nothing_open_warns(provider, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert tracer(provider).end_span() is None
    assert "No active span" in caplog.text


def test_finish_ends_every_open_span(provider, exporter) -> None:
    t = tracer(provider)
    t.start_span("a")
    t.start_span("b")
    t.finish()
    assert sorted(s.name for s in exporter.get_finished_spans()) == ["a", "b"]
    assert t.current_span() is None


def test_trace_decorator_ends_the_span_on_exceptions(provider, exporter) -> None:
    t = tracer(provider)

    @t.trace_decorator()
    def work(x):
        return x * 2

    @t.trace_decorator()
    def fail():
        raise KeyError("gone")

    assert work(2) == 4
    assert work.__name__ == "work"
    with pytest.raises(KeyError):
        fail()
    assert t.current_span() is None  # OpenCensus' own decorator leaves "fail" open and current
    with t.span("outside"):
        pass
    assert [s.name for s in exporter.get_finished_spans()] == ["work", "fail", "outside"]
    spans = spans_by_name(exporter)
    assert spans["outside"].parent is None
    assert spans["fail"].status.status_code.name == "ERROR"
    assert spans["fail"].events[0].name == "exception"


def test_span_context_follows_the_current_span(provider, exporter) -> None:
    t = tracer(provider)
    native = provider.get_tracer("native")
    with t.span("oc") as span:
        assert t.span_context.span_id == span.span_id
        otel = span.unwrap().get_span_context()
        assert t.span_context.trace_id == f"{otel.trace_id:032x}"
        assert t.span_context.trace_options.get_enabled()
        headers = OcTraceContextPropagator().to_headers(t.span_context)
        assert headers["traceparent"] == f"00-{otel.trace_id:032x}-{span.span_id}-01"
        with native.start_as_current_span("native") as native_span:
            assert t.span_context.span_id == f"{native_span.get_span_context().span_id:016x}"
        assert t.span_context.span_id == span.span_id
    assert t.span_context.span_id is None


def test_threads_sharing_one_tracer_each_see_their_own_span_context(provider) -> None:
    """OpenCensus writes one shared span_context, so concurrent requests read each other's."""
    t = tracer(provider)
    started, seen = threading.Barrier(2), {}

    def request(name):
        with t.span(name) as span:
            started.wait(5)
            seen[name] = (span.span_id, t.span_context.span_id)
            started.wait(5)

    threads = [threading.Thread(target=request, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["a"][0] == seen["a"][1] and seen["b"][0] == seen["b"][1]
    assert seen["a"][0] != seen["b"][0]


def in_thread(work):
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def in_task(work):
    async def task():
        work()

    async def main():
        await asyncio.create_task(task())

    asyncio.run(main())


@pytest.mark.parametrize("run", [lambda work: work(), in_thread, in_task])
def test_otel_oc_otel_nesting_both_ways(provider, exporter, run) -> None:
    t = tracer(provider)
    native = provider.get_tracer("native")

    def work():
        with contextlib.ExitStack() as stack:
            stack.enter_context(native.start_as_current_span("n1"))
            stack.enter_context(t.span("oc1"))
            stack.enter_context(native.start_as_current_span("n2"))
            stack.enter_context(t.span("oc2"))

    run(work)
    spans = spans_by_name(exporter)
    assert spans["oc1"].parent.span_id == spans["n1"].context.span_id
    assert spans["n2"].parent.span_id == spans["oc1"].context.span_id
    assert spans["oc2"].parent.span_id == spans["n2"].context.span_id
    assert len({s.context.trace_id for s in spans.values()}) == 1


def test_threads_start_empty_but_a_copied_opencensus_context_is_the_parent(
    provider, exporter
) -> None:
    t = tracer(provider)
    with t.span("request"):
        full = execution_context.get_opencensus_full_context()

        def copied():
            execution_context.set_opencensus_full_context(*full)
            with execution_context.get_opencensus_tracer().span("in-thread"):
                pass

        def fresh():
            with tracer(provider).span("fresh-thread"):
                pass

        for target in (copied, fresh):
            thread = threading.Thread(target=target)
            thread.start()
            thread.join()
    spans = spans_by_name(exporter)
    assert spans["in-thread"].parent.span_id == spans["request"].context.span_id
    assert spans["fresh-thread"].parent is None


def test_a_span_copied_into_a_thread_is_the_parent_of_native_spans_there(
    provider, exporter
) -> None:
    """opencensus-ext-threading sets OpenCensus' current span in the new thread: that is
    OpenTelemetry's current span there too (one store), so native code nests under it."""
    native = provider.get_tracer("native")
    with tracer(provider).span("request"):
        full = execution_context.get_opencensus_full_context()

        def copied():
            execution_context.set_opencensus_full_context(*full)
            with native.start_as_current_span("native-in-thread"):
                assert execution_context.get_current_span() is full[1]

        thread = threading.Thread(target=copied)
        thread.start()
        thread.join()
    spans = spans_by_name(exporter)
    assert spans["native-in-thread"].parent.span_id == spans["request"].context.span_id


def test_opencensus_current_span_lives_in_the_opentelemetry_context(provider) -> None:
    """The execution context's slot reads OpenTelemetry's context: a native span inside an
    OpenCensus span leaves OpenCensus' current span as it is, and a context detached restores
    both at once."""
    from opentelemetry import context as otel_context

    native = provider.get_tracer("native")
    t = tracer(provider)
    before = otel_context.get_current()
    with t.span("outer") as outer:
        with native.start_as_current_span("native"):
            assert execution_context.get_current_span() is outer
            inner = t.start_span("inner")
            assert execution_context.get_current_span() is inner
            t.end_span()
            assert execution_context.get_current_span() is outer
        assert execution_context.get_current_span() is outer
    assert execution_context.get_current_span() is None
    assert otel_context.get_current() == before
    execution_context.set_current_span(None)  # clean() and code that clears it
    assert execution_context.get_current_span() is None


def test_asyncio_tasks_inherit_and_nest(provider, exporter) -> None:
    t = tracer(provider)

    async def child(name):
        with t.span(name):
            await asyncio.sleep(0)

    async def main():
        with t.span("root"):
            await asyncio.gather(child("a"), child("b"))

    asyncio.run(main())
    spans = spans_by_name(exporter)
    assert spans["a"].parent.span_id == spans["root"].context.span_id
    assert spans["b"].parent.span_id == spans["root"].context.span_id


def remote(options="1"):
    return OcSpanContext(TRACE_ID, SPAN_ID, TraceOptions(options), from_header=True)


def test_remote_parent_with_flags_and_tracestate(provider, exporter) -> None:
    headers = {"traceparent": f"00-{TRACE_ID}-{SPAN_ID}-0b", "tracestate": "k=v,o=1"}
    t = tracer(provider, span_context=TraceContextPropagator().from_headers(headers))
    with t.span("server"):
        pass
    (span,) = exporter.get_finished_spans()
    assert span.parent.is_remote
    assert span.parent.span_id == int(SPAN_ID, 16)
    assert span.context.trace_id == int(TRACE_ID, 16)
    assert dict(span.context.trace_state) == {"k": "v", "o": "1"}


def test_unsampled_tracer_records_nothing_but_propagates(provider, exporter) -> None:
    t = tracer(provider, sampler=AlwaysOffSampler(), span_context=remote())
    native = provider.get_tracer("native")
    with t.span("dropped") as span, native.start_as_current_span("native-child"):
        assert span.unwrap().get_span_context().trace_id == int(TRACE_ID, 16)
        assert not t.span_context.trace_options.get_enabled()
    assert exporter.get_finished_spans() == ()


def test_default_sampler_keeps_one_in_ten_thousand_unless_the_parent_is_sampled(
    provider, exporter, monkeypatch
) -> None:
    monkeypatch.delenv("OTEL_TRACES_SAMPLER", raising=False)
    for _ in range(50):
        with Tracer(tracer_provider=provider).span("default"):
            pass
    assert len(exporter.get_finished_spans()) <= 1
    with Tracer(tracer_provider=provider, span_context=remote("1")).span("sampled-parent"):
        pass
    with Tracer(tracer_provider=provider, span_context=remote("0")).span("unsampled-parent"):
        pass
    assert [s.name for s in exporter.get_finished_spans() if s.name != "default"] == [
        "sampled-parent"
    ]


def test_probability_is_traceid_ratio_on_the_tracer_trace_id(provider, exporter) -> None:
    low = OcSpanContext(trace_id="f" * 16 + "0" * 15 + "1")
    high = OcSpanContext(trace_id="0" * 16 + "f" * 16)
    with tracer(provider, sampler=ProbabilitySampler(0.5), span_context=low).span("low"):
        pass
    with tracer(provider, sampler=ProbabilitySampler(0.5), span_context=high).span("high"):
        pass
    assert [s.name for s in exporter.get_finished_spans()] == ["low"]


def test_otel_traces_sampler_set_means_opencensus_sampler_ignored(
    provider, exporter, monkeypatch
) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_on")
    with tracer(provider, sampler=AlwaysOffSampler()).span("kept"):
        pass
    assert [s.name for s in exporter.get_finished_spans()] == ["kept"]


def test_a_failure_inside_the_shim_is_logged_once_and_never_raised(provider, caplog) -> None:
    t = tracer(provider)

    class Broken:
        def start_span(self, *args, **kwargs):
            raise RuntimeError("provider bug")

    t.tracer.otel_tracer = Broken()
    with caplog.at_level(logging.ERROR):
        for _ in range(2):
            with t.span("x") as span:
                span.add_attribute("k", "v")
    assert caplog.text.count("failed in start_span") == 1


def test_without_a_provider_the_global_one_is_used(provider, exporter, monkeypatch) -> None:
    from opentelemetry import trace

    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    with Tracer(sampler=AlwaysOnSampler()).span("global"):
        pass
    (span,) = exporter.get_finished_spans()
    assert span.name == "global"
    assert span.instrumentation_scope.name == "opencensus-shim"


@pytest.mark.parametrize("flags", ["0a", "ff", "zz"])
def test_opencensus_own_class_crashes_on_hex_flags_ours_does_not(flags) -> None:
    headers = {"traceparent": f"00-{TRACE_ID}-{SPAN_ID}-{flags}"}
    if flags != "zz":  # a valid header OpenCensus cannot read
        with pytest.raises(ValueError):
            OcTraceContextPropagator().from_headers(headers)
    context = TraceContextPropagator().from_headers(headers)
    if flags == "zz":
        assert not context.from_header and context.span_id is None
    else:
        assert context.from_header and context.span_id == SPAN_ID
        assert context.trace_options.get_enabled() == bool(int(flags, 16) & 1)


def test_span_follows_a_delegate_set_later(provider, exporter) -> None:
    """span()/start_span() are bound to the delegate when it is set, so a delegate replaced
    later (as OpenCensus' own code may do) is the one that starts spans."""
    from opencensus.trace.blank_span import BlankSpan
    from opencensus.trace.tracers.noop_tracer import NoopTracer

    t = tracer(provider)
    with t.span(name="recorded"):
        pass
    t.tracer = NoopTracer()
    assert isinstance(t.span(name="dropped"), BlankSpan)
    assert isinstance(t.start_span("dropped too"), BlankSpan)
    t.tracer = object()  # no start_span: OpenCensus' forwarding, with its error
    with pytest.raises(AttributeError):
        t.span("x")
    assert [span.name for span in exporter.get_finished_spans()] == ["recorded"]
