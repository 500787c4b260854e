"""TracerProvider, processors and exporters: wiring, errors never reach user code."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import threading

from opentelemetry import trace

from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace import ConcurrentMultiSpanProcessor, SpanProcessor, TracerProvider
from otelbridge.sdk.trace.export import (
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from otelbridge.sdk.trace.sampling import ALWAYS_OFF


class Boom(Exception):
    pass


class FailingProcessor(SpanProcessor):
    def on_start(self, span, parent_context=None):
        raise Boom("start")

    def on_end(self, span):
        raise Boom("end")


class FailingExporter(SpanExporter):
    def export(self, spans):
        raise Boom("export")


def test_processor_exceptions_are_logged_not_raised(exporter, caplog) -> None:
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(FailingProcessor())
    provider.add_span_processor(SimpleSpanProcessor(FailingExporter()))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with caplog.at_level(logging.ERROR), provider.get_tracer("t").start_as_current_span("op"):
        pass
    assert len(exporter.get_finished_spans()) == 1  # later processors still ran
    logged = " ".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    assert "on_start" in logged and "on_end" in logged and "export" in logged


def test_processor_added_later_sees_spans_ending_later(provider) -> None:
    tracer = provider.get_tracer("t")
    span = tracer.start_span("early")
    late = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(late))
    span.end()
    assert [s.name for s in late.get_finished_spans()] == ["early"]


def test_on_start_receives_live_span_and_parent_context(provider) -> None:
    seen = []

    class Recorder(SpanProcessor):
        def on_start(self, span, parent_context=None):
            seen.append((span.name, span.is_recording(), parent_context))

    provider.add_span_processor(Recorder())
    ctx = trace.set_span_in_context(trace.NonRecordingSpan(trace.INVALID_SPAN_CONTEXT))
    provider.get_tracer("t").start_span("op", context=ctx).end()
    assert seen == [("op", True, ctx)]


def test_unsampled_spans_are_not_exported(exporter) -> None:
    provider = TracerProvider(sampler=ALWAYS_OFF, shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    span = provider.get_tracer("t").start_span("op")
    assert not span.is_recording()
    assert not span.get_span_context().trace_flags.sampled
    assert span.get_span_context().is_valid
    span.end()
    assert exporter.get_finished_spans() == ()


def test_get_tracer_caches_per_scope(provider) -> None:
    assert provider.get_tracer("a", "1") is provider.get_tracer("a", "1")
    assert provider.get_tracer("a", "1") is not provider.get_tracer("a", "2")
    scoped = provider.get_tracer("a", attributes={"k": "v"})
    assert dict(scoped.instrumentation_scope.attributes) == {"k": "v"}


def test_sdk_disabled_gives_noop_tracer(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    provider = TracerProvider(shutdown_on_exit=False)
    tracer = provider.get_tracer("t")
    assert isinstance(tracer, trace.NoOpTracer)
    assert not tracer.start_span("x").is_recording()


def test_shutdown_shuts_processors_down_once(caplog) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    provider.shutdown()
    assert exporter.export([]) is SpanExportResult.FAILURE
    with caplog.at_level(logging.WARNING):
        provider.shutdown()
    assert any("more than once" in r.getMessage() for r in caplog.records)
    assert provider.force_flush() is True


def test_console_exporter_writes_json() -> None:
    out = io.StringIO()
    provider = TracerProvider(resource=Resource({"service.name": "svc"}), shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=out)))
    provider.get_tracer("t").start_span("op", attributes={"k": 1}).end()
    document = json.loads(out.getvalue())
    assert document["name"] == "op"
    assert document["attributes"] == {"k": 1}
    assert document["resource"]["attributes"]["service.name"] == "svc"


def test_global_api_drives_our_sdk(exporter) -> None:
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = trace.get_tracer("via-api", tracer_provider=provider)
    with tracer.start_as_current_span("outer", kind=trace.SpanKind.CLIENT):  # noqa: SIM117
        with trace.use_span(tracer.start_span("inner"), end_on_exit=True):
            trace.get_current_span().set_attribute("k", "v")
    inner, outer = exporter.get_finished_spans()
    assert inner.parent == outer.context and dict(inner.attributes) == {"k": "v"}
    assert outer.kind is trace.SpanKind.CLIENT


def run_with_env(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": "", **env},
        check=True,
        timeout=60,
    )


def test_entry_point_makes_ours_the_global_provider() -> None:
    code = (
        "from opentelemetry import trace\n"
        "p = trace.get_tracer_provider()\n"
        "print(type(p).__module__, type(p).__name__)\n"
        "with trace.get_tracer('x').start_as_current_span('s') as s:\n"
        "    print(s.is_recording(), type(s).__module__)\n"
    )
    # No exporter: the spec's default (otlp) would try to reach a collector at exit.
    result = run_with_env(
        code, OTEL_PYTHON_TRACER_PROVIDER="otelbridge", OTEL_TRACES_EXPORTER="none"
    )
    assert result.stdout.split() == [
        "otelbridge.sdk.trace._provider",
        "TracerProvider",
        "True",
        "otelbridge.sdk.trace._span",
    ]


def test_entry_point_provider_exports_per_environment() -> None:
    code = "from opentelemetry import trace\ntrace.get_tracer('x').start_span('from-env').end()\n"
    result = run_with_env(
        code,
        OTEL_PYTHON_TRACER_PROVIDER="otelbridge",
        OTEL_TRACES_EXPORTER="console",
        OTEL_SERVICE_NAME="svc",
    )
    document = json.loads(result.stdout)  # flushed by the provider's shutdown at exit
    assert document["name"] == "from-env"
    assert document["resource"]["attributes"]["service.name"] == "svc"
    bad = run_with_env(code, OTEL_PYTHON_TRACER_PROVIDER="otelbridge", OTEL_TRACES_EXPORTER="x")
    assert "OTEL_TRACES_EXPORTER='x' is not supported" in bad.stderr


def test_exports_hidden_from_instrumentation_unless_exporter_opts_out() -> None:
    from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY, get_value

    seen = {}

    class NetworkExporter(SpanExporter):
        def export(self, spans):
            seen[type(self).__name__] = get_value(_SUPPRESS_INSTRUMENTATION_KEY)
            return SpanExportResult.SUCCESS

    class LocalExporter(NetworkExporter):
        suppress_instrumentation = False

    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(NetworkExporter()))
    provider.add_span_processor(SimpleSpanProcessor(LocalExporter()))
    provider.get_tracer("t").start_span("op").end()
    assert seen == {"NetworkExporter": True, "LocalExporter": None}


def test_concurrent_multi_processor_runs_processors_in_parallel(exporter) -> None:
    barrier = threading.Barrier(2, timeout=2)
    met: list = []

    class Meeting(SpanProcessor):
        """Meets the other processor's on_end only if both run at the same time; the result is
        recorded because the multi-processor logs (and swallows) a processor's exception."""

        def on_end(self, span):
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                met.append(False)
            else:
                met.append(True)

    provider = TracerProvider(
        active_span_processor=ConcurrentMultiSpanProcessor(num_threads=2), shutdown_on_exit=False
    )
    provider.add_span_processor(Meeting())
    provider.add_span_processor(Meeting())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    provider.get_tracer("t").start_span("op").end()
    assert met == [True, True]
    assert [s.name for s in exporter.get_finished_spans()] == ["op"]
    assert provider.force_flush(1000) is True
    provider.shutdown()


def test_force_flush_reports_a_failing_processor() -> None:
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(FailingProcessor())

    class Stuck(SpanProcessor):
        def force_flush(self, timeout_millis=30000):
            return False

    provider.add_span_processor(Stuck())
    assert provider.force_flush(100) is False


def test_suppressed_exports_keep_the_current_context_whatever_it_is() -> None:
    """The suppressed context is derived from the current one (and reused only while that stays
    the same object): exporters see suppression plus whatever the ending code had current."""
    from opentelemetry import baggage, context
    from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY, get_value

    seen = []

    class Network(SpanExporter):
        def export(self, spans):
            seen.append((get_value(_SUPPRESS_INSTRUMENTATION_KEY), baggage.get_baggage("tenant")))
            return SpanExportResult.SUCCESS

    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(Network()))
    tracer = provider.get_tracer("t")
    for tenant in ("a", "a", "b", None):
        token = context.attach(baggage.set_baggage("tenant", tenant)) if tenant else None
        tracer.start_span("op").end()
        tracer.start_span("op").end()
        if token is not None:
            context.detach(token)
    assert seen == [(True, t) for t in ("a", "a", "a", "a", "b", "b", None, None)]
    assert get_value(_SUPPRESS_INSTRUMENTATION_KEY) is None  # detached again
