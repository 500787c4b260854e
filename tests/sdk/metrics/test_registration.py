"""Entry points and configure(): OTEL_PYTHON_METER_PROVIDER, OTEL_METRICS_EXPORTER."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from otelbridge.sdk.configuration import ConfigurationError, configure
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import InMemoryMetricReader, PeriodicExportingMetricReader


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_otel_python_meter_provider_selects_ours() -> None:
    result = run_python(
        """
        from opentelemetry import metrics
        provider = metrics.get_meter_provider()
        counter = metrics.get_meter("m").create_counter("c")
        counter.add(1)
        print(type(provider).__module__, type(provider).__name__, type(counter).__module__)
        """,
        OTEL_PYTHON_METER_PROVIDER="otelbridge",
    )
    assert result.returncode == 0, result.stderr
    module, name, counter_module = result.stdout.split()
    assert (module, name) == ("otelbridge.sdk.metrics._provider", "MeterProvider")
    assert counter_module == "otelbridge.sdk.metrics._instrument"


def test_configure_console_exporter_sets_the_global_provider() -> None:
    result = run_python(
        """
        from opentelemetry import metrics
        from otelbridge.sdk.configuration import configure
        providers = configure()
        assert metrics.get_meter_provider() is providers.meter_provider
        metrics.get_meter("app").create_counter("jobs").add(3, {"queue": "q"})
        providers.shutdown()
        """,
        OTEL_METRICS_EXPORTER="console",
        OTEL_TRACES_EXPORTER="none",
        OTEL_METRIC_EXPORT_INTERVAL="600000",
        OTEL_SERVICE_NAME="svc",
    )
    assert result.returncode == 0, result.stderr
    decoded = json.loads(result.stdout)
    resource_metrics = decoded["resource_metrics"][0]
    assert resource_metrics["resource"]["attributes"]["service.name"] == "svc"
    metric = resource_metrics["scope_metrics"][0]["metrics"][0]
    assert (metric["name"], metric["data"]["data_points"][0]["value"]) == ("jobs", 3)


def test_configure_builds_readers_without_touching_globals(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    extra = InMemoryMetricReader()
    providers = configure(set_global=False, metric_readers=[extra], metric_exporters=["console"])
    provider = providers.meter_provider
    assert isinstance(provider, MeterProvider)
    readers = [pipeline.reader for pipeline in provider._pipelines.values()]
    assert readers[0] is extra
    assert isinstance(readers[1], PeriodicExportingMetricReader)
    provider.get_meter("m").create_counter("c").add(1)
    assert extra.get_metrics_data() is not None
    providers.shutdown()


def test_unknown_metrics_exporter_names_the_choices(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "carrier-pigeon")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    with pytest.raises(ConfigurationError, match=r"console.*prometheus"):
        configure(set_global=False)


def test_prometheus_by_name_serves_on_the_configured_port(monkeypatch) -> None:
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1")
    monkeypatch.setenv("OTEL_EXPORTER_PROMETHEUS_PORT", str(port))
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "prometheus")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    providers = configure(set_global=False)
    try:
        providers.meter_provider.get_meter("m").create_counter("hits").add(2)
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read()
        assert b'hits_total{otel_scope_name="m",otel_scope_version=""} 2.0' in body
    finally:
        providers.shutdown()


def test_instruments_created_before_the_provider_is_set_start_recording() -> None:
    result = run_python(
        """
        from opentelemetry import metrics
        from otelbridge.sdk.metrics import MeterProvider
        from otelbridge.sdk.metrics.export import InMemoryMetricReader
        early = metrics.get_meter("early").create_counter("early.calls")
        early.add(100)  # no provider yet: dropped, as the API specifies
        reader = InMemoryMetricReader()
        metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
        early.add(2, {"k": "v"})
        data = reader.get_metrics_data()
        metric = data.resource_metrics[0].scope_metrics[0].metrics[0]
        print(metric.name, metric.data.data_points[0].value)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["early.calls", "2"]
