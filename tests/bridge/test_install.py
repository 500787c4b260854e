"""bridge.install()/uninstall(): globals set and restored, idempotent, thread-safe, reversible."""

from __future__ import annotations

import threading

import opentracing
import pytest
from opentelemetry import metrics, propagate
from opentelemetry import trace as trace_api
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentracing import Format

from otelbridge.bridge import install, installed_tracer, uninstall
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from otelbridge.shims.opentracing import TracerShim


def recording_provider() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def test_install_sets_every_global_and_spans_join(monkeypatch) -> None:
    provider, exporter = recording_provider()
    tracer = install(tracer_provider=provider)
    assert isinstance(tracer, TracerShim)
    assert opentracing.global_tracer() is tracer is opentracing.tracer
    assert opentracing.is_global_tracer_registered()
    assert trace_api.get_tracer_provider() is provider
    assert installed_tracer() is tracer

    native = trace_api.get_tracer("app.native")
    legacy = opentracing.global_tracer()
    with legacy.start_active_span("legacy"), native.start_as_current_span("native"):
        opentracing.tracer.start_span("legacy-child").finish()
    spans = {span.name: span for span in exporter.get_finished_spans()}
    assert spans["legacy-child"].parent.span_id == spans["native"].context.span_id
    assert spans["native"].parent.span_id == spans["legacy"].context.span_id


def test_install_is_idempotent_and_uninstall_too() -> None:
    provider, _ = recording_provider()
    first = install(tracer_provider=provider)
    assert install(tracer_provider=TracerProvider(shutdown_on_exit=False)) is first
    assert trace_api.get_tracer_provider() is provider
    uninstall()
    uninstall()
    assert installed_tracer() is None


def test_uninstall_restores_the_providers_set_once_guard() -> None:
    """The API sets a provider only once; uninstall gives back the guard as it was.

    In a process where nothing had set a provider, the application can still set its own
    after the bridge was installed and uninstalled.
    """
    provider_before = trace_api._TRACER_PROVIDER
    guard_before = trace_api._TRACER_PROVIDER_SET_ONCE
    done_before = guard_before._done
    install(tracer_provider=recording_provider()[0])
    assert trace_api._TRACER_PROVIDER_SET_ONCE is not guard_before
    uninstall()
    assert trace_api._TRACER_PROVIDER is provider_before
    assert trace_api._TRACER_PROVIDER_SET_ONCE is guard_before
    assert guard_before._done is done_before


def test_reinstall_with_another_provider_records_there() -> None:
    first, first_exporter = recording_provider()
    install(tracer_provider=first)
    opentracing.tracer.start_span("one").finish()
    uninstall()
    second, second_exporter = recording_provider()
    install(tracer_provider=second)
    assert trace_api.get_tracer_provider() is second
    opentracing.tracer.start_span("two").finish()
    trace_api.get_tracer("native").start_span("native-two").end()
    assert [span.name for span in first_exporter.get_finished_spans()] == ["one"]
    assert [span.name for span in second_exporter.get_finished_spans()] == ["two", "native-two"]


def test_a_provider_the_app_had_set_comes_back(monkeypatch) -> None:
    from otelbridge.bridge import otel_globals

    apps_provider, _ = recording_provider()
    saved = otel_globals.snapshot()
    otel_globals.replace_tracer_provider(apps_provider)  # as if the app had set it
    try:
        install(tracer_provider=recording_provider()[0])
        assert trace_api.get_tracer_provider() is not apps_provider
        uninstall()
        assert trace_api.get_tracer_provider() is apps_provider
    finally:
        otel_globals.restore(saved)


def test_propagator_is_set_and_restored() -> None:
    previous = propagate.get_global_textmap()
    propagator = TraceContextTextMapPropagator()
    install(tracer_provider=recording_provider()[0], propagator=propagator)
    assert propagate.get_global_textmap() is propagator
    uninstall()
    assert propagate.get_global_textmap() is previous


def test_concurrent_installs_agree_on_one_tracer() -> None:
    provider, _ = recording_provider()
    barrier = threading.Barrier(8)
    results: list[TracerShim] = []

    def racer() -> None:
        barrier.wait()
        results.append(install(tracer_provider=provider))

    threads = [threading.Thread(target=racer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(results) == 8 and len({id(tracer) for tracer in results}) == 1
    assert opentracing.global_tracer() is results[0]

    barrier = threading.Barrier(8)

    def uninstaller() -> None:
        barrier.wait()
        uninstall()

    threads = [threading.Thread(target=uninstaller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert installed_tracer() is None


def test_failed_install_leaves_globals_untouched() -> None:
    class Broken(trace_api.TracerProvider):
        def get_tracer(self, *args, **kwargs):
            raise RuntimeError("cannot make tracers")

    before = trace_api._TRACER_PROVIDER
    with pytest.raises(RuntimeError):
        install(tracer_provider=Broken())
    assert installed_tracer() is None
    assert trace_api._TRACER_PROVIDER is before
    assert not opentracing.is_global_tracer_registered()


def test_without_providers_the_sdk_is_configured_from_otel_variables(monkeypatch, caplog) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-env")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    tracer = install()
    provider = trace_api.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    assert tracer.tracer_provider is provider
    assert provider.resource.attributes["service.name"] == "from-env"
    assert not tracer.start_span("sampled out").unwrap().is_recording()
    assert isinstance(metrics.get_meter_provider(), MeterProvider)
    uninstall()
    assert not isinstance(metrics.get_meter_provider(), MeterProvider)
    # The bridge shut down the provider it configured itself: a second shutdown is refused.
    provider.shutdown()
    assert "more than once" in caplog.text


def test_sdk_disabled_still_installs_a_working_noop_shim(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    tracer = install()
    with tracer.start_active_span("nothing recorded") as scope:
        assert not scope.span.unwrap().is_recording()
    assert opentracing.global_tracer() is tracer


def test_otel_propagators_names_the_global_propagator(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_PROPAGATORS", "jaeger,baggage")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    tracer = install()
    span = tracer.start_span("s").set_baggage_item("k", "v")
    headers: dict = {}
    tracer.inject(span.context, Format.HTTP_HEADERS, headers)
    assert "uber-trace-id" in headers and headers["baggage"] == "k=v"
    # Native code using the global propagator reads the same headers.
    remote = trace_api.get_current_span(propagate.extract(headers)).get_span_context()
    assert remote.trace_id == span.context.unwrap().trace_id
