"""The Prometheus exporter: name conversion, exposition, and a round trip through a real
Prometheus server (Debian's ``prometheus`` package, installed by ``.ci/run``)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from opentelemetry.metrics import Observation
from prometheus_client import CollectorRegistry, generate_latest

from otelbridge.sdk.export.prometheus import (
    PrometheusMetricReader,
    label_name,
    metric_name,
    unit_suffix,
)
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.view import ExponentialBucketHistogramAggregation, View
from otelbridge.sdk.resources import Resource


@pytest.mark.parametrize(
    ("name", "unit", "counter", "gauge", "expected"),
    [
        ("http.server.duration", "ms", False, False, "http_server_duration_milliseconds"),
        ("http.requests", "{request}", True, False, "http_requests"),
        ("requests_total", "", True, False, "requests"),
        ("io", "By/s", False, True, "io_bytes_per_second"),
        ("cpu.utilization", "1", False, True, "cpu_utilization_ratio"),
        ("cpu.count", "1", True, False, "cpu_count"),
        ("duration_seconds", "s", False, False, "duration_seconds"),
        ("2xx-responses", "", True, False, "_2xx_responses"),
        ("a..b//c", "m/h", False, False, "a_b_c_meters_per_hour"),
        ("weird", "furlongs", False, False, "weird_furlongs"),
    ],
)
def test_metric_name_conversion(name, unit, counter, gauge, expected) -> None:
    assert metric_name(name, unit, is_counter=counter, is_gauge=gauge) == expected


def test_units_and_labels() -> None:
    assert unit_suffix("{packets}/s", is_gauge=False) == "per_second"
    assert unit_suffix("", is_gauge=True) == ""
    assert label_name("http.method") == "http_method"
    assert label_name("1st") == "key_1st"


def make(
    registry: CollectorRegistry, **kwargs: Any
) -> Tuple[MeterProvider, PrometheusMetricReader]:
    reader = PrometheusMetricReader(registry=registry, **kwargs)
    provider = MeterProvider(
        metric_readers=[reader],
        resource=Resource({"service.name": "shop", "deployment.environment": "test"}),
        shutdown_on_exit=False,
        views=[View(instrument_name="exp", aggregation=ExponentialBucketHistogramAggregation())],
    )
    return provider, reader


def test_exposition_text() -> None:
    registry = CollectorRegistry()
    provider, _ = make(registry)
    meter = provider.get_meter("shop.web", "2.1")
    meter.create_counter("orders", "{order}").add(3, {"http.method": "GET"})
    meter.create_up_down_counter("queue.depth").add(-2)
    meter.create_histogram("latency", "s").record(0.2)
    meter.create_histogram("exp").record(1)
    provider.get_meter("shop.db").create_counter("orders", "{order}").add(1)
    text = generate_latest(registry).decode()
    assert "# TYPE orders_total counter" in text
    scope = 'otel_scope_name="shop.web",otel_scope_version="2.1"'
    assert f'orders_total{{http_method="GET",{scope}}} 3.0' in text
    # Both scopes' "orders" land in one family, told apart by the scope label.
    assert 'orders_total{otel_scope_name="shop.db",otel_scope_version=""} 1.0' in text
    assert "# TYPE queue_depth gauge" in text
    assert f'latency_seconds_bucket{{le="0.0",{scope}}} 0.0' in text
    assert f'latency_seconds_bucket{{le="5.0",{scope}}} 1.0' in text
    assert f'latency_seconds_bucket{{le="+Inf",{scope}}} 1.0' in text
    assert f"latency_seconds_count{{{scope}}} 1.0" in text
    assert 'target_info{deployment_environment="test",service_name="shop"' in text
    assert "exp" not in text.replace("# TYPE", "")  # no text form for exponential histograms
    provider.shutdown()


def test_target_info_can_be_disabled() -> None:
    registry = CollectorRegistry()
    provider, _ = make(registry, disable_target_info=True)
    provider.get_meter("m").create_counter("c").add(1)
    assert "target_info" not in generate_latest(registry).decode()
    provider.shutdown()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def prometheus_server(tmp_path: Path) -> Iterator[Any]:
    """Start ``prometheus`` scraping a target every 300 ms; yields ``start(target_port)``."""
    binary = shutil.which("prometheus")
    if binary is None:
        if os.environ.get("CI"):  # .ci/run installs it: a missing binary there is a failure
            pytest.fail("the prometheus binary is missing although .ci/run installs it")
        pytest.skip("the prometheus binary is not installed (.ci/run apt-installs it)")
    processes: List[subprocess.Popen] = []

    def start(target_port: int) -> str:
        port = free_port()
        config = tmp_path / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 300ms\n  scrape_timeout: 300ms\n"
            "scrape_configs:\n  - job_name: otelbridge\n    static_configs:\n"
            f"      - targets: ['127.0.0.1:{target_port}']\n"
        )
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--enable-feature=exemplar-storage",  # exemplars readable over the HTTP API
                "--log.level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(process)
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def query(base: str, promql: str) -> List[Dict[str, Any]]:
    url = f"{base}/api/v1/query?query={urllib.parse.quote(promql)}"
    with urllib.request.urlopen(url, timeout=2) as response:
        body = json.load(response)
    assert body["status"] == "success", body
    return list(body["data"]["result"])


def wait_for(base: str, promql: str, timeout: float = 30.0) -> List[Dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = query(base, promql)
            if result:
                return result
        except OSError:
            pass  # the server is still starting
        if time.monotonic() > deadline:
            raise AssertionError(f"Prometheus never returned a series for {promql}")
        time.sleep(0.1)


@pytest.mark.slow  # Prometheus hands new targets to its scrapers after ~5 s (discovery tick)
def test_round_trip_through_a_real_prometheus(prometheus_server) -> None:
    registry = CollectorRegistry()
    provider, reader = make(registry)
    meter = provider.get_meter("shop.web", "2.1")
    orders = meter.create_counter("orders", "{order}")
    orders.add(3, {"http.method": "GET"})
    orders.add(4, {"http.method": "POST"})
    latency = meter.create_histogram("latency", "ms")
    for value in (3, 7, 30):
        latency.record(value)
    meter.create_observable_gauge("temperature", [lambda options: [Observation(21.5)]])
    _, port = reader.start_http_server("127.0.0.1", 0)
    try:
        base = prometheus_server(port)
        series = wait_for(base, 'orders_total{http_method="POST"}')
        labels = series[0]["metric"]
        assert labels["job"] == "otelbridge"
        assert labels["instance"] == f"127.0.0.1:{port}"
        assert (labels["otel_scope_name"], labels["otel_scope_version"]) == ("shop.web", "2.1")
        assert float(series[0]["value"][1]) == 4
        assert float(query(base, "sum(orders_total)")[0]["value"][1]) == 7
        assert float(query(base, "latency_milliseconds_count")[0]["value"][1]) == 3
        assert float(query(base, "latency_milliseconds_sum")[0]["value"][1]) == 40
        buckets = {
            s["metric"]["le"]: float(s["value"][1])
            for s in query(base, "latency_milliseconds_bucket")
        }
        assert (buckets["5.0"], buckets["10.0"], buckets["25.0"], buckets["+Inf"]) == (1, 2, 2, 3)
        assert float(query(base, "temperature")[0]["value"][1]) == 21.5
        target = query(base, "target_info")[0]["metric"]
        assert (target["service_name"], target["deployment_environment"]) == ("shop", "test")
    finally:
        provider.shutdown()
