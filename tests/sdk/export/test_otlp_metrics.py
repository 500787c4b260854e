"""OTLP metrics: our encoder against the reference one, and our exporters end to end."""

from __future__ import annotations

import pytest
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics as reference
from opentelemetry.sdk.metrics import export as sdk_export
from opentelemetry.sdk.metrics._internal.exemplar import Exemplar
from opentelemetry.sdk.resources import Resource as SdkResource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope as SdkScope

from otelbridge.devtools.collector import metric_lines
from otelbridge.sdk import configure
from otelbridge.sdk.export.otlp.proto.common.metrics_encoder import encode_metrics
from otelbridge.sdk.export.otlp.proto.grpc.metric_exporter import (
    OTLPMetricExporter as GrpcMetricExporter,
)
from otelbridge.sdk.export.otlp.proto.http.metric_exporter import (
    OTLPMetricExporter as HttpMetricExporter,
)
from otelbridge.sdk.metrics import Counter, MeterProvider
from otelbridge.sdk.metrics import export as our_export
from otelbridge.sdk.metrics.export import (
    AggregationTemporality,
    MetricExportResult,
    PeriodicExportingMetricReader,
)
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.util.instrumentation import InstrumentationScope

T0, T1 = 1_700_000_000_000_000_000, 1_700_000_060_000_000_000


def metrics_data(model, resource, scope) -> object:
    """The same collection, every kind of data point, in either SDK's data model."""
    exemplar = Exemplar({"trace": "kept"}, 4.5, T1, span_id=0x42, trace_id=0x4242)
    points = [
        model.Metric(
            "requests",
            "served requests",
            "1",
            model.Sum(
                [model.NumberDataPoint({"route": "/a"}, T0, T1, 7, exemplars=[exemplar])],
                AggregationTemporality.CUMULATIVE,
                True,
            ),
        ),
        model.Metric(
            "queue.delta",
            "",
            "",
            model.Sum(
                [model.NumberDataPoint({}, T0, T1, -2.5)], AggregationTemporality.DELTA, False
            ),
        ),
        model.Metric(
            "temperature", "", "Cel", model.Gauge([model.NumberDataPoint({"room": 1}, 0, T1, 21.5)])
        ),
        model.Metric(
            "latency",
            "",
            "ms",
            model.Histogram(
                [
                    model.HistogramDataPoint(
                        {"ok": True}, T0, T1, 3, 60.0, [1, 1, 1], [10.0, 50.0], 5.0, 45.0
                    )
                ],
                AggregationTemporality.DELTA,
            ),
        ),
        model.Metric(
            "size",
            "",
            "By",
            model.ExponentialHistogram(
                [
                    model.ExponentialHistogramDataPoint(
                        {"k": ("a", "b")},
                        T0,
                        T1,
                        5,
                        -3.0,
                        3,
                        1,
                        model.Buckets(-2, [1, 2]),
                        model.Buckets(1, [1]),
                        0,
                        -7.0,
                        4.0,
                    )
                ],
                AggregationTemporality.CUMULATIVE,
            ),
        ),
    ]
    return model.MetricsData(
        [
            model.ResourceMetrics(
                resource, [model.ScopeMetrics(scope, points, "https://scope")], "https://res"
            )
        ]
    )


def test_every_data_point_kind_matches_the_reference_encoder():
    ours = metrics_data(
        our_export,
        Resource({"service.name": "m"}, "https://res"),
        InstrumentationScope("meter", "1.0", "https://scope", {"a": 1}),
    )
    theirs = metrics_data(
        sdk_export,
        SdkResource({"service.name": "m"}, "https://res"),
        SdkScope("meter", "1.0", "https://scope", {"a": 1}),
    )
    assert encode_metrics(ours) == reference(theirs)


@pytest.fixture
def provider_with():
    providers = []

    def build(exporter):
        reader = PeriodicExportingMetricReader(exporter, export_interval_millis=60_000)
        provider = MeterProvider(
            resource=Resource({"service.name": "metered"}), metric_readers=[reader]
        )
        providers.append(provider)
        return provider

    yield build
    for provider in providers:
        provider.shutdown()


@pytest.mark.parametrize("protocol", ["grpc", "http"])
def test_metrics_reach_the_receiver(receiver, collected, provider_with, protocol, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta")
    monkeypatch.setenv(
        "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
        "base2_exponential_bucket_histogram",
    )
    if protocol == "grpc":
        exporter = GrpcMetricExporter(receiver.grpc_endpoint)
    else:
        exporter = HttpMetricExporter(receiver.http_endpoint + "/v1/metrics")
    assert exporter._preferred_temporality[Counter] is AggregationTemporality.DELTA
    provider = provider_with(exporter)
    meter = provider.get_meter("shop")
    meter.create_counter("orders").add(3, {"country": "fr"})
    meter.create_histogram("basket", unit="EUR").record(42.0)
    assert provider.force_flush()
    (request,) = collected.requests
    metrics = {m.name: m for m in request.resource_metrics[0].scope_metrics[0].metrics}
    orders = metrics["orders"].sum
    assert orders.is_monotonic and orders.aggregation_temporality == AggregationTemporality.DELTA
    assert orders.data_points[0].as_int == 3
    assert metrics["basket"].WhichOneof("data") == "exponential_histogram"
    assert metrics["basket"].exponential_histogram.data_points[0].sum == 42.0
    lines = metric_lines(request)
    assert "orders sum (shop)" in lines and "  value=3 country=fr" in lines
    assert exporter.stats.exported == 2


def test_unreachable_receiver_is_a_failed_export():
    exporter = GrpcMetricExporter("http://127.0.0.1:1", timeout=0.5)
    data = metrics_data(our_export, Resource({"service.name": "m"}), InstrumentationScope("meter"))
    assert exporter.export(data) is MetricExportResult.FAILURE
    assert exporter.stats.failed == 5
    exporter.shutdown()


@pytest.mark.parametrize(
    ("protocol", "expected"),
    [
        ("grpc", GrpcMetricExporter),
        ("http/protobuf", HttpMetricExporter),
        ("http/json", HttpMetricExporter),
    ],
)
def test_configure_builds_the_otlp_metric_exporter(monkeypatch, protocol, expected):
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "otlp")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", protocol)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
    from otelbridge.sdk.export.otlp.factory import otlp_metric_exporter

    exporter = otlp_metric_exporter()
    assert type(exporter) is expected
    exporter.shutdown()
    providers = configure(set_global=False)
    assert providers.meter_provider is not None
    providers.shutdown()
