"""The same OpenCensus program exported to a real Prometheus server and to the OTLP receiver,
with the values plain OpenCensus' ``get_metrics()`` gives for the same recordings."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from typing import Any, Dict, List

import pytest
from prometheus_client import CollectorRegistry

from otelbridge.devtools.receiver import OTLPReceiver
from otelbridge.sdk.export.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from otelbridge.sdk.export.prometheus import PrometheusMetricReader
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import PeriodicExportingMetricReader
from otelbridge.sdk.resources import Resource
from otelbridge.shims.opencensus import stats as shim
from tests.sdk.export import test_prometheus

from . import program

prometheus_server = test_prometheus.prometheus_server


def query_exemplars(base: str, promql: str) -> List[Dict[str, Any]]:
    """Exemplars Prometheus stored for ``promql`` over the last minute."""
    now = time.time()
    url = (
        f"{base}/api/v1/query_exemplars?query={urllib.parse.quote(promql)}"
        f"&start={now - 60}&end={now + 1}"
    )
    with urllib.request.urlopen(url, timeout=2) as response:
        body = json.load(response)
    assert body["status"] == "success", body
    return list(body["data"])
RESOURCE = Resource({"service.name": "oc-app"})


@pytest.mark.slow  # Prometheus hands new targets to its scrapers after ~5 s (discovery tick)
def test_opencensus_program_through_a_real_prometheus(prometheus_server) -> None:
    expected = program.run_plain()
    shim.install()
    program.run()
    registry = CollectorRegistry()
    reader = PrometheusMetricReader(registry=registry)
    reader.register_producer(shim.PRODUCER)
    provider = MeterProvider(metric_readers=[reader], resource=RESOURCE, shutdown_on_exit=False)
    _, port = reader.start_http_server("127.0.0.1", 0)
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/metrics",
            headers={"Accept": "application/openmetrics-text; version=1.0.0"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            exposition = response.read().decode()
        # Values recorded inside a span carry it as an exemplar on their bucket.
        slow_bucket = [
            line
            for line in exposition.splitlines()
            if line.startswith('program_latency_ms_milliseconds_bucket{le="1000.0"')
            and 'route="/b"' in line
        ]
        assert slow_bucket and "# {" in slow_bucket[0] and "trace_id=" in slow_bucket[0]

        base = prometheus_server(port)
        query, wait_for = test_prometheus.query, test_prometheus.wait_for
        # A count view keeps its measure's unit, as OpenCensus' own metric descriptor does.
        series = wait_for(base, 'program_requests_milliseconds_total{route="/a"}')
        assert series[0]["metric"]["otel_scope_name"] == "otelbridge.shims.opencensus"
        for route in ("/a", "/b"):
            selector = f'{{route="{route}"}}'
            requests = query(base, "program_requests_milliseconds_total" + selector)
            assert float(requests[0]["value"][1]) == expected[("program_requests", route)]
            sent = query(base, "program_bytes_total" + selector)
            assert float(sent[0]["value"][1]) == expected[("program_bytes", route)]
            count, total, buckets = expected[("program_latency_ms", route)]
            name = "program_latency_ms_milliseconds"
            assert float(query(base, f"{name}_count{selector}")[0]["value"][1]) == count
            assert float(query(base, f"{name}_sum{selector}")[0]["value"][1]) == total
            cumulative = {
                s["metric"]["le"]: float(s["value"][1])
                for s in query(base, f"{name}_bucket{selector}")
            }
            assert [cumulative[le] for le in ("10.0", "100.0", "1000.0", "+Inf")] == [
                sum(buckets[: i + 1]) for i in range(4)
            ]
        exemplars = query_exemplars(base, 'program_latency_ms_milliseconds_bucket{route="/b"}')
        assert exemplars, "Prometheus stored no exemplar"
        labels = exemplars[0]["exemplars"][0]["labels"]
        assert len(labels["trace_id"]) == 32 and len(labels["span_id"]) == 16
        target = query(base, "target_info")[0]["metric"]
        assert target["service_name"] == "oc-app"
    finally:
        provider.shutdown()


def test_opencensus_program_through_the_otlp_receiver() -> None:
    expected = program.run_plain()
    shim.install()
    program.run()
    requests = []
    with OTLPReceiver(requests.append, grpc_port=0, http_port=0) as receiver:
        reader = PeriodicExportingMetricReader(
            OTLPMetricExporter(receiver.grpc_endpoint), export_interval_millis=60_000
        )
        reader.register_producer(shim.PRODUCER)
        provider = MeterProvider(metric_readers=[reader], resource=RESOURCE, shutdown_on_exit=False)
        assert provider.force_flush()
        provider.shutdown()
    request = requests[0]  # force_flush; shutdown exports once more
    (resource_metrics,) = request.resource_metrics
    assert {a.key: a.value.string_value for a in resource_metrics.resource.attributes}[
        "service.name"
    ] == "oc-app"
    (scope_metrics,) = resource_metrics.scope_metrics
    assert scope_metrics.scope.name == "otelbridge.shims.opencensus"
    got = {}
    for metric in scope_metrics.metrics:
        kind = metric.WhichOneof("data")
        for point in getattr(metric, kind).data_points:
            route = point.attributes[0].value.string_value
            if kind == "histogram":
                got[(metric.name, route)] = (point.count, point.sum, list(point.bucket_counts))
                assert not point.HasField("min")
                if route == "/b":
                    assert point.exemplars and len(point.exemplars[0].trace_id) == 16
            else:
                assert getattr(metric, kind).is_monotonic
                got[(metric.name, route)] = point.as_int or point.as_double
    assert got == expected
    assert scope_metrics.metrics[0].unit in ("ms", "By")
