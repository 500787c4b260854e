"""The OpenCensus half of bridge.install(): OpenCensus' own classes record OpenTelemetry spans."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest
from opencensus.trace import execution_context, print_exporter
from opencensus.trace import tracer as oc_tracer
from opencensus.trace.propagation import binary_format, text_format
from opencensus.trace.propagation.b3_format import B3FormatPropagator
from opencensus.trace.propagation.google_cloud_format import GoogleCloudFormatPropagator
from opencensus.trace.propagation.trace_context_http_header_format import (
    TraceContextPropagator,
)
from opencensus.trace.samplers import AlwaysOffSampler, AlwaysOnSampler
from opentelemetry import context as context_api
from opentelemetry.trace import SpanKind

from otelbridge.bridge import install, uninstall
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from otelbridge.shims.opencensus.trace import ContextTracer, exporters

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
SPAN_ID = "b7ad6b7169203331"
PATCHED = [
    (oc_tracer.Tracer, "get_tracer"),
    (oc_tracer.Tracer, "tracer"),
    (oc_tracer.Tracer, "trace_decorator"),
    (oc_tracer.Tracer, "span"),
    (TraceContextPropagator, "from_headers"),
    (B3FormatPropagator, "to_headers"),
    (GoogleCloudFormatPropagator, "from_header"),
    (binary_format.BinaryFormatPropagator, "to_header"),
    (text_format.TextFormatPropagator, "from_carrier"),
    (execution_context, "is_exporter"),
]


@pytest.fixture
def recorded():
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    execution_context.clean()
    before = [getattr(owner, name, None) for owner, name in PATCHED]
    install(tracer_provider=provider)
    yield exporter
    uninstall()
    execution_context.clean()
    assert [getattr(owner, name, None) for owner, name in PATCHED] == before


def test_tracers_made_after_install_record_and_opencensus_exporters_are_not_called(
    recorded, monkeypatch
) -> None:
    calls = []
    record = calls.append
    monkeypatch.setattr(print_exporter.PrintExporter, "export", lambda _, datas: record(datas))
    tracer = oc_tracer.Tracer(sampler=AlwaysOnSampler(), exporter=print_exporter.PrintExporter())
    assert isinstance(tracer.tracer, ContextTracer)
    with tracer.span("work") as span:
        span.span_kind = 2
    assert [(s.name, s.kind) for s in recorded.get_finished_spans()] == [("work", SpanKind.CLIENT)]
    assert calls == []


def test_the_applications_own_exporter_keeps_receiving_its_spans(recorded) -> None:
    """A test's capturing exporter: its assertions hold with the bridge installed."""
    calls = []

    class Exporter:
        def export(self, span_datas):
            calls.extend(span_datas)

    tracer = oc_tracer.Tracer(sampler=AlwaysOnSampler(), exporter=Exporter())
    with tracer.span("work"):
        pass
    assert [s.name for s in recorded.get_finished_spans()] == ["work"]
    assert [(d.name, d.span_id) for d in calls] == [
        ("work", f"{recorded.get_finished_spans()[0].context.span_id:016x}")
    ]


def test_malformed_headers_give_a_new_root_and_decorated_failures_end(recorded) -> None:
    bad = TraceContextPropagator().from_headers({"traceparent": "00-not-a-header"})
    tracer = oc_tracer.Tracer(span_context=bad, sampler=AlwaysOnSampler())

    @tracer.trace_decorator()
    def handler():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        handler()
    (span,) = recorded.get_finished_spans()
    assert span.name == "handler" and span.parent is None
    assert span.status.status_code.name == "ERROR"
    assert execution_context.get_current_span() is None


def test_tracers_made_before_install_record_keeping_their_decision() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    sampled = oc_tracer.Tracer(sampler=AlwaysOnSampler())
    unsampled = oc_tracer.Tracer(sampler=AlwaysOffSampler())
    original = type(sampled.__dict__["tracer"])
    install(tracer_provider=provider)
    try:
        with sampled.span("before-install"):
            pass
        with unsampled.span("not-sampled"):
            pass
    finally:
        uninstall()
    assert [s.name for s in exporter.get_finished_spans()] == ["before-install"]
    assert type(sampled.tracer) is original  # OpenCensus' own delegate is back


def test_uninstall_gives_tracers_made_meanwhile_opencensus_delegate(recorded) -> None:
    tracer = oc_tracer.Tracer(sampler=AlwaysOnSampler())
    uninstall()
    from opencensus.trace.tracers.context_tracer import ContextTracer as OcContextTracer

    assert type(tracer.tracer) is OcContextTracer
    assert type(tracer.span_context).__name__ == "SpanContext"


def test_propagators_use_our_parsers_while_installed(recorded) -> None:
    context = TraceContextPropagator().from_headers({"traceparent": f"00-{TRACE_ID}-{SPAN_ID}-0a"})
    assert context.from_header and context.span_id == SPAN_ID
    b3 = B3FormatPropagator().from_headers({"b3": f"{TRACE_ID}-{SPAN_ID}-d"})
    assert b3.trace_options.get_enabled()
    assert B3FormatPropagator().to_headers(b3)["X-B3-TraceId".lower()] == TRACE_ID
    cloud = GoogleCloudFormatPropagator()
    header = cloud.to_header(b3)
    assert header == f"{TRACE_ID}/{int(SPAN_ID, 16)};o=1"
    assert cloud.from_header(header).span_id == SPAN_ID
    binary = binary_format.BinaryFormatPropagator()
    assert binary.from_header(binary.to_header(b3)).span_id == SPAN_ID
    text = text_format.TextFormatPropagator()
    carrier = text.to_carrier(b3, {})
    assert text.from_carrier(carrier).span_id == SPAN_ID
    unsampled = dict(carrier, **{"opencensus-trace-traceoptions": "0"})
    assert not text.from_carrier(unsampled).trace_options.get_enabled()  # OpenCensus: True
    assert TraceContextPropagator().from_headers({"traceparent": "garbage"}).span_id is None
    assert TraceContextPropagator().to_headers(TraceContextPropagator().from_headers({})) == {}


def test_is_exporter_and_suppress_instrumentation_are_one(recorded) -> None:
    key = context_api._SUPPRESS_INSTRUMENTATION_KEY
    assert not execution_context.is_exporter()
    token = context_api.attach(context_api.set_value(key, True))
    assert execution_context.is_exporter()
    context_api.detach(token)
    execution_context.set_is_exporter(True)
    assert context_api.get_value(key) is True
    execution_context.set_is_exporter(False)
    assert not context_api.get_value(key)
    assert not execution_context.is_exporter()


def test_each_exporter_class_is_named_once_and_sampling_said_at_install(caplog) -> None:
    exporters._seen.clear()
    provider = TracerProvider(shutdown_on_exit=False)
    with caplog.at_level(logging.INFO):
        install(tracer_provider=provider)
        try:
            for _ in range(3):
                oc_tracer.Tracer()  # the default PrintExporter
        finally:
            uninstall()
    named = [r.message for r in caplog.records if "PrintExporter" in r.message]
    assert len(named) == 1
    assert "console" in named[0]
    assert sum("OpenCensus samplers decide" in r.message for r in caplog.records) == 1


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_opencensus_is_patched_when_imported_after_install_and_not_imported_before() -> None:
    out = run_python(
        """
        import sys
        from otelbridge.bridge import install
        from otelbridge.sdk.trace import TracerProvider
        from otelbridge.sdk.trace.export import SimpleSpanProcessor
        from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        exporter = InMemorySpanExporter()
        provider = TracerProvider(shutdown_on_exit=False)
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        install(tracer_provider=provider)
        print("opencensus.trace" in sys.modules)  # finding it imported only the namespace
        from opencensus.trace.samplers import AlwaysOnSampler
        from opencensus.trace.tracer import Tracer

        with Tracer(sampler=AlwaysOnSampler()).span("late-import"):
            pass
        print([span.name for span in exporter.get_finished_spans()])
        """
    )
    assert out.splitlines() == ["False", "['late-import']"]


def test_the_bridge_works_without_opencensus() -> None:
    out = run_python(
        """
        import sys
        sys.modules["opencensus"] = None  # as if it were not installed
        from otelbridge.bridge import install, opencensus_trace, uninstall
        from otelbridge.sdk.trace import TracerProvider

        print(opencensus_trace.available())
        install(tracer_provider=TracerProvider(shutdown_on_exit=False))
        uninstall()
        print("ok")
        """
    )
    assert out.splitlines() == ["False", "ok"]


@pytest.mark.parametrize(
    "shim_import",
    [
        "import otelbridge.shims.opencensus",
        "import otelbridge.shims.opencensus.stats",
        "from otelbridge.shims.opencensus.trace.tracer import Tracer as ShimTracer",
    ],
)
def test_importing_the_shim_after_install_patches_both_halves_once_it_is_complete(
    shim_import: str,
) -> None:
    # The shim imports OpenCensus' tracer itself: the hook fires while the shim is mid-import.
    out = run_python(
        f"""
        from otelbridge.bridge import install
        from otelbridge.sdk.metrics import MeterProvider
        from otelbridge.sdk.metrics.export import InMemoryMetricReader
        from otelbridge.sdk.trace import TracerProvider
        from otelbridge.sdk.trace.export import SimpleSpanProcessor
        from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        exporter = InMemorySpanExporter()
        provider = TracerProvider(shutdown_on_exit=False)
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        meters = MeterProvider(metric_readers=[InMemoryMetricReader()])
        install(tracer_provider=provider, meter_provider=meters)
        {shim_import}
        from opencensus.trace.samplers import AlwaysOnSampler
        from opencensus.trace.tracer import Tracer
        from otelbridge.shims.opencensus import stats

        with Tracer(sampler=AlwaysOnSampler()).span("after-shim"):
            pass
        print([span.name for span in exporter.get_finished_spans()], stats.installed())
        """
    )
    assert out == "['after-shim'] True"
