"""The Prometheus exporter: name conversion, exposition, and a round trip through a real
Prometheus server (Debian's ``prometheus`` package, installed by ``.ci/run``)."""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections import Counter
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
from otelbridge.sdk.export.prometheus._protobuf import MESSAGES, accepts_protobuf
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
    # Text has no native histograms: the exponential one is classic, a bucket per exponential one.
    assert "# TYPE exp histogram" in text
    assert f'exp_bucket{{le="1.0",{scope}}} 1.0' in text
    assert f'exp_bucket{{le="+Inf",{scope}}} 1.0' in text
    provider.shutdown()


def exponential_provider(registry: CollectorRegistry, max_scale: int) -> MeterProvider:
    reader = PrometheusMetricReader(registry=registry, disable_target_info=True)
    aggregation = ExponentialBucketHistogramAggregation(max_scale=max_scale)
    view = View(instrument_name="sizes", aggregation=aggregation)
    return MeterProvider(metric_readers=[reader], shutdown_on_exit=False, views=[view])


def test_exponential_histogram_in_text_is_classic_with_bounds_from_the_scale() -> None:
    registry = CollectorRegistry()
    provider = exponential_provider(registry, max_scale=0)  # base 2: bucket i is (2**i, 2**(i+1)]
    sizes = provider.get_meter("m").create_histogram("sizes", "By")
    for value in (-3, 0, 1, 2, 3, 3.5):
        sizes.record(value)
    text = generate_latest(registry).decode()
    buckets = {
        line.split('le="')[1].split('"')[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("sizes_bytes_bucket")
    }
    # -3 is in [-4, -2); 0 in the zero bucket; 1 in (0.5, 1]; 2 in (1, 2]; 3 and 3.5 in (2, 4].
    assert buckets == {"-2.0": 1, "0.0": 2, "1.0": 3, "2.0": 4, "4.0": 6, "+Inf": 6}
    assert 'sizes_bytes_count{otel_scope_name="m",otel_scope_version=""} 6.0' in text
    assert 'sizes_bytes_sum{otel_scope_name="m",otel_scope_version=""} 6.5' in text
    provider.shutdown()


def scrape(port: int, accept: str) -> Tuple[str, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers["Content-Type"], response.read()


def delimited(body: bytes) -> List[Any]:
    """MetricFamily messages out of a length-delimited protobuf body."""
    from google.protobuf.internal.decoder import _DecodeVarint

    families, position = [], 0
    while position < len(body):
        size, position = _DecodeVarint(body, position)
        family = MESSAGES["MetricFamily"]()
        family.ParseFromString(body[position : position + size])
        families.append(family)
        position += size
    return families


PROMETHEUS_NATIVE_ACCEPT = (  # what Prometheus 2.42 sends with native histograms enabled
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
    "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;"
    "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
)


def test_protobuf_exposition_has_native_histograms_downscaled_to_schema_8() -> None:
    registry = CollectorRegistry()
    provider = exponential_provider(registry, max_scale=20)
    meter = provider.get_meter("m", "1")
    sizes = meter.create_histogram("sizes", "By")
    values = (1.5, 1.6, 1.6, 1.7)  # close together: the SDK keeps a scale finer than 8
    for value in values:
        sizes.record(value, {"kind": "a"})
    meter.create_counter("hits").add(2)
    reader = provider._metric_readers()[0]
    _, port = reader.start_http_server("127.0.0.1", 0)
    try:
        content_type, body = scrape(port, PROMETHEUS_NATIVE_ACCEPT)
        text_type, _ = scrape(port, "text/plain;version=0.0.4")
    finally:
        provider.shutdown()
    assert content_type.startswith("application/vnd.google.protobuf")
    assert text_type.startswith("text/plain")
    families = {family.name: family for family in delimited(body)}
    assert families["hits_total"].type == 0  # COUNTER, named after its sample
    assert families["hits_total"].metric[0].counter.value == 2
    histogram_family = families["sizes_bytes"]
    assert histogram_family.type == 4  # HISTOGRAM
    metric = histogram_family.metric[0]
    labels = {pair.name: pair.value for pair in metric.label}
    assert labels == {"kind": "a", "otel_scope_name": "m", "otel_scope_version": "1"}
    native = metric.histogram
    assert (native.sample_count, native.sample_sum, native.schema) == (4, sum(values), 8)
    assert native.zero_threshold == 1e-128
    # Prometheus' bucket k at schema 8 holds (2**((k-1)/256), 2**(k/256)].
    expected = Counter(math.ceil(math.log2(value) * 256) for value in values)
    counts: Dict[int, int] = {}
    index, count = 0, 0
    deltas = iter(native.positive_delta)
    for span in native.positive_span:
        index += span.offset
        for _ in range(span.length):
            count += next(deltas)
            if count:
                counts[index] = count
            index += 1
    assert counts == dict(expected)
    # The classic buckets ride along (Prometheus keeps them only without native histograms).
    assert native.bucket[-1].cumulative_count == 4


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (PROMETHEUS_NATIVE_ACCEPT, True),
        ("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5", False),
        (
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            "encoding=delimited;q=0",
            False,
        ),
        (
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text",
            False,
        ),
        ("", False),
    ],
)
def test_protobuf_is_served_only_when_asked_for(accept: str, expected: bool) -> None:
    assert accepts_protobuf(accept) is expected


def test_target_info_can_be_disabled() -> None:
    registry = CollectorRegistry()
    provider, _ = make(registry, disable_target_info=True)
    provider.get_meter("m").create_counter("c").add(1)
    assert "target_info" not in generate_latest(registry).decode()
    provider.shutdown()


def test_a_reader_made_before_its_provider_is_quiet(caplog) -> None:
    # A registry that describes collectors by collecting them (prometheus_client's default
    # registry does) must not make the new reader collect before it has a MeterProvider.
    registry = CollectorRegistry(auto_describe=True)
    with caplog.at_level("WARNING"):
        reader = PrometheusMetricReader(registry=registry)
    assert caplog.records == []
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    provider.get_meter("m").create_counter("jobs").add(2)
    exposition = generate_latest(registry).decode()
    assert 'jobs_total{otel_scope_name="m",otel_scope_version=""} 2.0' in exposition
    provider.shutdown()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def prometheus_server(tmp_path: Path) -> Iterator[Any]:
    """Start ``prometheus`` scraping a target every 300 ms; yields ``start(port, *flags)``."""
    binary = shutil.which("prometheus")
    if binary is None:
        if os.environ.get("CI"):  # .ci/run installs it: a missing binary there is a failure
            pytest.fail("the prometheus binary is missing although .ci/run installs it")
        pytest.skip("the prometheus binary is not installed (.ci/run apt-installs it)")
    processes: List[subprocess.Popen] = []

    def start(target_port: int, *flags: str) -> str:
        port = free_port()
        home = tmp_path / str(port)
        home.mkdir()
        config = home / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 300ms\n  scrape_timeout: 300ms\n"
            "scrape_configs:\n  - job_name: otelbridge\n    static_configs:\n"
            f"      - targets: ['127.0.0.1:{target_port}']\n"
        )
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={home / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--enable-feature=exemplar-storage",  # exemplars readable over the HTTP API
                "--log.level=warn",
                *flags,
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
@pytest.mark.parametrize("native_histograms", [False, True], ids=["text", "protobuf"])
def test_round_trip_through_a_real_prometheus(prometheus_server, native_histograms) -> None:
    """Prometheus 2.42 scrapes OpenMetrics text; with native histograms enabled it asks for
    the protobuf exposition first, and gets every family in it."""
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
    exponential = meter.create_histogram("exp")
    for value in (1.5, 3, 10):
        exponential.record(value)
    _, port = reader.start_http_server("127.0.0.1", 0)
    try:
        flags = ["--enable-feature=native-histograms"] if native_histograms else []
        base = prometheus_server(port, *flags)
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
        # The exponential histogram: native in protobuf, classic (a bucket each) in text.
        series = "exp" if native_histograms else "exp_bucket"
        median = float(wait_for(base, f"histogram_quantile(0.5, {series})")[0]["value"][1])
        assert abs(median - 3) / 3 < 0.03  # inside the narrow bucket holding 3
        if native_histograms:
            assert float(query(base, "histogram_count(exp)")[0]["value"][1]) == 3
            assert float(query(base, "histogram_sum(exp)")[0]["value"][1]) == 14.5
            assert query(base, "exp_bucket") == []  # Prometheus keeps the native form only
        else:
            assert float(query(base, "exp_count")[0]["value"][1]) == 3
            assert float(query(base, 'exp_bucket{le="+Inf"}')[0]["value"][1]) == 3
            assert len(query(base, "exp_bucket")) > 3
    finally:
        provider.shutdown()
