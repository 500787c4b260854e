"""Summary points and exemplars in the OTLP encoder and the Prometheus exposition."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics

from otelbridge.sdk.export.otlp.proto.common.metrics_encoder import encode_metrics
from otelbridge.sdk.export.prometheus import PrometheusMetricReader
from otelbridge.sdk.metrics import AlwaysOnExemplarFilter, MeterProvider
from otelbridge.sdk.metrics.export import (
    Metric,
    MetricProducer,
    MetricsData,
    QuantileValue,
    ResourceMetrics,
    ScopeMetrics,
    Summary,
    SummaryDataPoint,
)
from otelbridge.sdk.metrics.view import View
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.util.instrumentation import InstrumentationScope

SCOPE = InstrumentationScope("bridged", "1.0")
SUMMARY = Metric(
    "rpc_latency",
    "latency",
    "ms",
    Summary(
        [
            SummaryDataPoint(
                {"rpc": "get"},
                10,
                20,
                4,
                10.0,
                [QuantileValue(0.5, 2.0), QuantileValue(0.99, 4.0)],
            )
        ]
    ),
)


class SummaryProducer(MetricProducer):
    def produce(self, timeout_millis: float = 10_000):
        return [ScopeMetrics(SCOPE, [SUMMARY], "")]


def test_summary_points_are_encoded_over_otlp() -> None:
    data = MetricsData([ResourceMetrics(Resource({}), [ScopeMetrics(SCOPE, [SUMMARY], "")], "")])
    (metric,) = encode_metrics(data).resource_metrics[0].scope_metrics[0].metrics
    assert metric.WhichOneof("data") == "summary"
    (point,) = metric.summary.data_points
    assert (point.start_time_unix_nano, point.time_unix_nano, point.count, point.sum) == (
        10,
        20,
        4,
        10.0,
    )
    assert [(q.quantile, q.value) for q in point.quantile_values] == [(0.5, 2.0), (0.99, 4.0)]
    assert point.attributes[0].key == "rpc"


def test_summaries_are_prometheus_summaries() -> None:
    registry = CollectorRegistry()
    reader = PrometheusMetricReader(registry=registry, disable_target_info=True)
    reader.register_producer(SummaryProducer())
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    text = generate_latest(registry).decode()
    provider.shutdown()
    assert "# TYPE rpc_latency_milliseconds summary" in text
    assert 'rpc_latency_milliseconds{otel_scope_name="bridged",otel_scope_version="1.0",' in text
    assert 'quantile="0.99",rpc="get"} 4.0' in text
    assert 'rpc_latency_milliseconds_count{otel_scope_name="bridged"' in text


def test_exemplars_appear_in_the_openmetrics_exposition() -> None:
    registry = CollectorRegistry()
    reader = PrometheusMetricReader(registry=registry, disable_target_info=True)
    provider = MeterProvider(
        metric_readers=[reader],
        exemplar_filter=AlwaysOnExemplarFilter(),
        views=[View(instrument_name="latency", attribute_keys=set())],
        shutdown_on_exit=False,
    )
    meter = provider.get_meter("shop")
    tracer = TracerProvider().get_tracer("t")
    with tracer.start_as_current_span("checkout") as span:
        meter.create_counter("orders").add(2)
        meter.create_histogram("latency", "ms").record(7.0, {"u": "short", "user": "x" * 200})
    text = generate_openmetrics(registry).decode()
    plain = generate_latest(registry).decode()
    provider.shutdown()
    context = span.get_span_context()
    ids = f'span_id="{context.span_id:016x}",trace_id="{context.trace_id:032x}"'
    (orders,) = [line for line in text.splitlines() if line.startswith("orders_total")]
    assert orders.endswith(f"2.0 # {{{ids}}} 2.0 " + orders.rsplit(" ", 1)[1])
    (bucket,) = [line for line in text.splitlines() if 'le="10.0"' in line]
    # Attributes the view dropped follow the ids while they fit OpenMetrics' 128-character
    # label budget; the 200-character one does not.
    assert f'# {{{ids},u="short"}} 7.0' in bucket and "user" not in bucket
    assert "trace_id" not in plain  # the classic text format has no exemplars
