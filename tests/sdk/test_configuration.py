"""configure(): environment, overrides, errors, OTEL_SDK_DISABLED, global installation."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from opentelemetry import propagate, trace
from opentelemetry.metrics import _internal as metrics_internal
from opentelemetry.util._once import Once

from otelbridge.sdk import configure
from otelbridge.sdk.configuration import ConfigurationError
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from otelbridge.sdk.trace.sampling import ALWAYS_OFF, ParentBased, TraceIdRatioBased

OTEL_VARS = (
    "OTEL_SDK_DISABLED",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_TRACES_EXPORTER",
    "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_BSP_MAX_QUEUE_SIZE",
    "OTEL_METRICS_EXPORTER",
)


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    """No OTEL_* leaking in, and the API's set-once global providers reset around each test."""
    for name in OTEL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(trace, "_TRACER_PROVIDER_SET_ONCE", Once())
    monkeypatch.setattr(trace, "_TRACER_PROVIDER", None)
    monkeypatch.setattr(metrics_internal, "_METER_PROVIDER_SET_ONCE", Once())
    monkeypatch.setattr(metrics_internal, "_METER_PROVIDER", None)
    monkeypatch.setattr(propagate, "_HTTP_TEXT_FORMAT", propagate.get_global_textmap())
    built = []
    yield built
    for providers in built:
        providers.shutdown()


def test_builds_from_environment_and_installs_globally(monkeypatch, clean) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "checkout")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.25")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    monkeypatch.setenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "3")
    providers = configure()
    clean.append(providers)
    provider = providers.tracer_provider
    assert isinstance(provider, TracerProvider)
    assert trace.get_tracer_provider() is provider
    assert provider.resource.attributes["service.name"] == "checkout"
    assert provider.resource.attributes["deployment.environment"] == "prod"
    assert provider.sampler.get_description().startswith("ParentBased{root:TraceIdRatioBased{0.25}")
    (processor,) = provider._active_span_processor.span_processors
    assert isinstance(processor, BatchSpanProcessor)
    assert isinstance(processor.span_exporter, ConsoleSpanExporter)
    assert provider._span_limits.max_span_attributes == 3


def test_overrides_win_over_environment(monkeypatch, clean) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-env")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_on")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    exporter = InMemorySpanExporter()
    providers = configure(
        service_name="from-code",
        resource_attributes={"team": "payments"},
        sampler=ALWAYS_OFF,
        span_exporters=[exporter],
        span_processor="simple",
    )
    clean.append(providers)
    provider = providers.tracer_provider
    assert provider.resource.attributes["service.name"] == "from-code"
    assert provider.resource.attributes["team"] == "payments"
    assert provider.sampler is ALWAYS_OFF
    trace.get_tracer("t").start_span("dropped").end()
    assert exporter.get_finished_spans() == ()


def test_exported_spans_go_through_configured_pipeline(clean) -> None:
    exporter = InMemorySpanExporter()
    providers = configure(sampler="traceidratio", sampler_arg="1", span_exporters=[exporter])
    clean.append(providers)
    with trace.get_tracer("t").start_as_current_span("op"):
        pass
    assert providers.force_flush()
    assert [s.name for s in exporter.get_finished_spans()] == ["op"]
    assert isinstance(providers.tracer_provider.sampler, TraceIdRatioBased)


def test_exporter_none_and_default_export_nothing(monkeypatch, clean) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    providers = configure(set_global=False)
    clean.append(providers)
    assert providers.tracer_provider._active_span_processor.span_processors == ()
    assert isinstance(providers.tracer_provider.sampler, ParentBased)
    assert not isinstance(trace.get_tracer_provider(), TracerProvider)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OTEL_TRACES_EXPORTER": "carrier-pigeon"}, "OTEL_TRACES_EXPORTER='carrier-pigeon'"),
        ({"OTEL_TRACES_SAMPLER": "sometimes"}, "OTEL_TRACES_SAMPLER='sometimes'"),
        (
            {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "2"},
            "OTEL_TRACES_SAMPLER_ARG",
        ),
        ({"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": "many"}, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT"),
        (
            {"OTEL_TRACES_EXPORTER": "console", "OTEL_BSP_MAX_QUEUE_SIZE": "x"},
            "OTEL_BSP_MAX_QUEUE_SIZE",
        ),
    ],
)
def test_unknown_values_name_variable_and_choices(monkeypatch, env, message) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message) as info:
        configure(set_global=False)
    if "EXPORTER" in message:
        assert "accepted values: none, console" in str(info.value)
    if "SAMPLER=" in message.replace("'", "="):
        assert "parentbased_traceidratio" in str(info.value)


def test_unknown_override_and_override_values_rejected() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown override.*servce_name"):
        configure(servce_name="typo")
    with pytest.raises(ConfigurationError, match="sampler='nope'"):
        configure(sampler="nope", set_global=False)
    with pytest.raises(ConfigurationError, match="span_exporters='nope'"):
        configure(span_exporters=["nope"], set_global=False)
    with pytest.raises(ConfigurationError, match=r"span_processor='eager'.*batch, simple"):
        configure(span_processor="eager", set_global=False)


def test_sdk_disabled_builds_nothing(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_SDK_DISABLED", "TRUE")
    providers = configure(span_exporters=[InMemorySpanExporter()])
    assert providers.disabled and providers.tracer_provider is None
    assert not isinstance(trace.get_tracer_provider(), TracerProvider)
    providers.shutdown()


def test_console_exporter_by_name_from_a_fresh_process() -> None:
    code = (
        "from otelbridge.sdk import configure\n"
        "from opentelemetry import trace\n"
        "p = configure(span_processor='simple')\n"
        "trace.get_tracer('t').start_span('hello').end()\n"
    )
    env = {"OTEL_TRACES_EXPORTER": "console", "OTEL_SERVICE_NAME": "svc", "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    document = json.load(io.StringIO(out))
    assert document["name"] == "hello"
    assert document["resource"]["attributes"]["service.name"] == "svc"


PROPAGATOR_SCRIPT = """
import json, sys
from opentelemetry import propagate
if sys.argv[1] == "configure":
    from otelbridge.sdk import configure
    configure()
else:
    from otelbridge.bridge import install
    install()
print(json.dumps([type(p).__module__ for p in propagate.get_global_textmap()._propagators]))
"""


@pytest.mark.parametrize("entry", ["configure", "bridge"])
def test_configured_propagator_names_resolve_to_ours(entry: str) -> None:
    """With opentelemetry-api's and the opentelemetry-propagator-* packages' classes registered
    under the same names, configure() and the bridge still install ours."""
    result = subprocess.run(
        [sys.executable, "-c", PROPAGATOR_SCRIPT, entry],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("OTEL_")},
            "OTEL_PROPAGATORS": "tracecontext,baggage,b3multi,jaeger",
            "OTEL_TRACES_EXPORTER": "none",
            "OTEL_METRICS_EXPORTER": "none",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "otelbridge.sdk.propagation.tracecontext",
        "otelbridge.sdk.propagation.baggage",
        "otelbridge.sdk.propagation.b3",
        "otelbridge.sdk.propagation.jaeger",
    ]


def test_propagators_override_and_unknown_names(monkeypatch) -> None:
    from otelbridge.sdk.propagation.b3 import B3SingleFormat

    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_PROPAGATORS", "tracecontext,smoke-signals")
    with pytest.raises(ConfigurationError, match=r"OTEL_PROPAGATORS='smoke-signals'.*b3multi"):
        configure(set_global=False)
    with pytest.raises(ConfigurationError, match=r"propagators='nope'"):
        configure(propagators="nope", set_global=False)
    chosen = B3SingleFormat()
    providers = configure(propagators=chosen)
    providers.shutdown()
    assert propagate.get_global_textmap() is chosen


def test_readers_given_alone_are_the_whole_metrics_pipeline(monkeypatch, clean) -> None:
    from otelbridge.sdk.metrics.export import InMemoryMetricReader, PeriodicExportingMetricReader

    reader = InMemoryMetricReader()
    providers = configure(set_global=False, span_exporters=[], metric_readers=[reader])
    clean.append(providers)
    assert providers.meter_provider._metric_readers() == [reader]  # no default OTLP exporter
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "console")
    second = InMemoryMetricReader()
    providers = configure(set_global=False, span_exporters=[], metric_readers=[second])
    clean.append(providers)
    readers = providers.meter_provider._metric_readers()
    assert readers[0] is second and isinstance(readers[1], PeriodicExportingMetricReader)
