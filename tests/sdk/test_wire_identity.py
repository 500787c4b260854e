"""Whole OTLP messages: one scenario on opentelemetry-sdk and on otelbridge.sdk (only the import
prefix differs; ids and times fixed) gives equal ``ExportTraceServiceRequest`` and
``ExportMetricsServiceRequest`` messages, every field and flag compared, not only keys.

Spans of both SDKs go through the reference encoder (so this checks the SDKs), and ours also
through our encoder; metrics go through each SDK's own encoder (the reference encoder only takes
opentelemetry-sdk's data classes). The scenario stays inside the span limits: at a limit
we drop new entries where opentelemetry-sdk evicts old ones (docs/sdk.md).
"""

from __future__ import annotations

import importlib
from typing import Any, List

from opentelemetry import context as context_api
from opentelemetry import trace as trace_api
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import (
    encode_metrics as reference_metrics,
)
from opentelemetry.exporter.otlp.proto.common.trace_encoder import (
    encode_spans as reference_spans,
)
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    TraceState,
)

from otelbridge.sdk.export.otlp.proto.common.metrics_encoder import encode_metrics
from otelbridge.sdk.export.otlp.proto.common.trace_encoder import encode_spans

T0 = 1_700_000_000_000_000_000
ATTRIBUTES = {
    "str": "value",
    "unicode": "héllo ✓",
    "bool": True,
    "int": 42,
    "negative": -7,
    "float": 3.25,
    "strs": ("a", "b"),
    "ints": (1, -2, 3),
    "floats": (0.5, 1.5),
    "bools": (True, False),
}
REMOTE = SpanContext(
    0x0AF7651916CD43DD8448EB211C80319C,
    0xB7AD6B7169203331,
    is_remote=True,
    trace_flags=TraceFlags(0x03),
    trace_state=TraceState([("rojo", "00f067aa0ba902b7")]),
)


def _sdk(prefix: str, module: str) -> Any:
    return importlib.import_module(f"{prefix}.{module}")


def trace_scenario(prefix: str) -> List[Any]:
    trace = _sdk(prefix, "trace")
    export = _sdk(prefix, "trace.export")
    memory = _sdk(prefix, "trace.export.in_memory_span_exporter")
    resources = _sdk(prefix, "resources")
    id_generator = _sdk(prefix, "trace.id_generator")

    class Counting(id_generator.RandomIdGenerator):  # random-flagged, yet predictable
        def __init__(self) -> None:
            self.next = 0x100

        def generate_span_id(self) -> int:
            self.next += 1
            return self.next

        def generate_trace_id(self) -> int:
            return (0xC0FFEE << 64) + self.generate_span_id()

    exporter = memory.InMemorySpanExporter()
    provider = trace.TracerProvider(
        resource=resources.Resource(
            {"service.name": "checkout", "host.cores": 4}, "https://opentelemetry.io/schemas/1.21"
        ),
        id_generator=Counting(),
    )
    provider.add_span_processor(export.SimpleSpanProcessor(exporter))
    http = provider.get_tracer(
        "shop.http", "1.4", "https://opentelemetry.io/schemas/1.20", {"scope.attr": "x"}
    )
    jobs = provider.get_tracer("shop.jobs")

    root = http.start_span("GET /cart", kind=SpanKind.SERVER, attributes=ATTRIBUTES, start_time=T0)
    root.add_event("cache miss", {"key": "cart:7"}, timestamp=T0 + 10)
    root.add_event("plain", timestamp=T0 + 20)
    with trace_api.use_span(root, end_on_exit=False):
        local = jobs.start_span(
            "price",
            kind=SpanKind.INTERNAL,
            links=[Link(REMOTE, {"link.kind": "follows"})],
            start_time=T0 + 100,
        )
        local.set_attribute("items", 3)
        local.update_name("price items")
        local.set_status(Status(StatusCode.OK))
        local.end(end_time=T0 + 900)
        try:
            with jobs.start_as_current_span(
                "charge", kind=SpanKind.CLIENT, start_time=T0 + 1_000, end_on_exit=False
            ) as failing:
                raise ValueError("card declined")
        except ValueError:
            pass
        # exception events carry a stack trace and a time we cannot fix: compare their keys
        failing.end(end_time=T0 + 2_000)
    remote_parent = trace_api.set_span_in_context(NonRecordingSpan(REMOTE))
    consumer = jobs.start_span(
        "consume", context=remote_parent, kind=SpanKind.CONSUMER, start_time=T0 + 3_000
    )
    consumer.set_status(Status(StatusCode.ERROR, "poison message"))
    consumer.end(end_time=T0 + 4_000)
    producer = http.start_span(
        "publish",
        context=context_api.Context(),
        kind=SpanKind.PRODUCER,
        attributes={"messaging.system": "kafka"},
        start_time=T0 + 5_000,
    )
    producer.end(end_time=T0 + 6_000)
    root.end(end_time=T0 + 10_000)
    provider.shutdown()
    return list(exporter.get_finished_spans())


def normalised(request: Any) -> Any:
    """The request with exception events' stack trace and time blanked (the one part of the
    scenario that cannot be the same on two SDKs); everything else is left as encoded."""
    for resource_spans in request.resource_spans:
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                for event in span.events:
                    if event.name == "exception":
                        event.time_unix_nano = 0
                        for attribute in event.attributes:
                            if attribute.key == "exception.stacktrace":
                                attribute.value.string_value = "<stack>"
    return request


def with_data_model_fields(request: Any, spans: List[Any]) -> Any:
    """Our encoder's one documented addition (docs/exporters.md): the W3C trace flags in bits 0-7
    of ``Span.flags``/``Link.flags`` and the links' ``trace_state``, which the OTLP data model
    carries and the reference encoder leaves out."""
    contexts = {span.context.span_id: span.context for span in spans}
    contexts.update({link.context.span_id: link.context for s in spans for link in s.links})
    for resource_spans in request.resource_spans:
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                span.flags |= contexts[int.from_bytes(span.span_id, "big")].trace_flags
                for link in span.links:
                    context = contexts[int.from_bytes(link.span_id, "big")]
                    link.flags |= context.trace_flags
                    link.trace_state = context.trace_state.to_header()
    return request


def test_whole_trace_requests_are_equal() -> None:
    reference_spans_ = trace_scenario("opentelemetry.sdk")
    our_spans = trace_scenario("otelbridge.sdk")
    expected = normalised(reference_spans(reference_spans_))
    assert normalised(reference_spans(our_spans)) == expected
    expected = with_data_model_fields(expected, reference_spans_)
    assert normalised(encode_spans(our_spans)) == expected
    # what used to differ: the W3C random-trace-id flag, inherited or set at the root
    flags = {
        span.name: (span.context.trace_flags, span.context.trace_state.to_header())
        for span in our_spans
    }
    assert flags == {
        "price items": (0x03, ""),
        "charge": (0x03, ""),
        "consume": (0x03, "rojo=00f067aa0ba902b7"),
        "publish": (0x03, ""),
        "GET /cart": (0x03, ""),
    }
    assert [s.context.trace_flags for s in reference_spans_] == [0x03] * 5


def metrics_scenario(prefix: str) -> Any:
    metrics = _sdk(prefix, "metrics")
    export = _sdk(prefix, "metrics.export")
    view = _sdk(prefix, "metrics.view")
    resources = _sdk(prefix, "resources")
    reader = export.InMemoryMetricReader()
    provider = metrics.MeterProvider(
        metric_readers=[reader],
        resource=resources.Resource({"service.name": "checkout"}),
        views=[
            view.View(
                instrument_name="latency.exp",
                aggregation=view.ExponentialBucketHistogramAggregation(max_size=20),
            ),
            view.View(instrument_name="sizes", attribute_keys={"kind"}, name="sizes.by_kind"),
        ],
    )
    meter = provider.get_meter("shop", "2.0", "https://opentelemetry.io/schemas/1.21")
    meter.create_counter("requests", "1", "requests served").add(3, {"route": "/cart"})
    updown = meter.create_up_down_counter("queue")
    updown.add(5)
    updown.add(-2)
    histogram = meter.create_histogram("latency", "ms")
    exponential = meter.create_histogram("latency.exp", "ms")
    for value in (0, 3, 7.5, 120, 4_000):
        histogram.record(value, {"route": "/cart"})
        exponential.record(value)
        exponential.record(value / 3)
    meter.create_histogram("sizes").record(10, {"kind": "small", "id": 7})
    meter.create_gauge("temperature").set(21.5, {"room": "a"})
    meter.create_observable_counter("cpu.time", [lambda options: [Observation(12.5, {"cpu": "0"})]])
    meter.create_observable_gauge("memory", [lambda options: [Observation(2048, {"kind": "rss"})]])
    meter.create_observable_up_down_counter("threads", [lambda options: [Observation(8)]])
    data = reader.get_metrics_data()
    provider.shutdown()
    return data


def _trimmed(buckets: Any) -> None:
    counts = list(buckets.bucket_counts)
    while counts and counts[-1] == 0:
        counts.pop()
    del buckets.bucket_counts[:]
    buckets.bucket_counts.extend(counts)


def _fixed_times(request: Any) -> Any:
    """Collection times differ by construction; everything else must not. One documented
    difference: the reference pads exponential buckets with trailing zeros (and sends an empty
    ``negative`` range as one zero bucket), we send the occupied range only, so both are
    compared trimmed."""
    for resource_metrics in request.resource_metrics:
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                for field in ("sum", "gauge", "histogram", "exponential_histogram"):
                    if metric.HasField(field):
                        for point in getattr(metric, field).data_points:
                            point.start_time_unix_nano = 1 if point.start_time_unix_nano else 0
                            point.time_unix_nano = 2
                for point in metric.exponential_histogram.data_points:
                    _trimmed(point.positive)
                    _trimmed(point.negative)
                    if not point.negative.bucket_counts:
                        point.ClearField("negative")
    return request


def test_whole_metrics_requests_are_equal() -> None:
    assert CallbackOptions  # the callbacks above take the API's options object
    reference = _fixed_times(reference_metrics(metrics_scenario("opentelemetry.sdk")))
    # (the reference encoder only takes opentelemetry-sdk's data classes)
    assert _fixed_times(encode_metrics(metrics_scenario("otelbridge.sdk"))) == reference
