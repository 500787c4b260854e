"""OTLP/HTTP with ``http/json``: the body matches the reference JSON encoder
(``opentelemetry-exporter-otlp-json-common``), and our receiver decodes exactly what was sent."""

from __future__ import annotations

import pytest
from opentelemetry.exporter.otlp.json.common.metrics_encoder import (
    encode_metrics as reference_json_metrics,
)
from opentelemetry.exporter.otlp.json.common.trace_encoder import (
    encode_spans as reference_json_spans,
)
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import (
    encode_metrics as reference_proto_metrics,
)
from opentelemetry.exporter.otlp.proto.common.trace_encoder import (
    encode_spans as reference_proto_spans,
)
from opentelemetry.sdk.metrics import export as sdk_export
from opentelemetry.sdk.resources import Resource as SdkResource
from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor as SdkSimpleProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter as SdkMemory,
)
from opentelemetry.sdk.util.instrumentation import InstrumentationScope as SdkScope
from opentelemetry.trace import Link, SpanKind, StatusCode

from otelbridge.devtools.receiver import OTLPReceiver, Rejected, Throttled
from otelbridge.sdk.configuration import check_environment
from otelbridge.sdk.export.otlp.proto.common._json import to_otlp_json
from otelbridge.sdk.export.otlp.proto.common.metrics_encoder import encode_metrics
from otelbridge.sdk.export.otlp.proto.common.trace_encoder import encode_spans
from otelbridge.sdk.export.otlp.proto.http.metric_exporter import OTLPMetricExporter
from otelbridge.sdk.export.otlp.proto.http.trace_exporter import OTLPSpanExporter
from otelbridge.sdk.metrics import export as our_export
from otelbridge.sdk.metrics.export import MetricExportResult
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace.export import SpanExportResult
from otelbridge.sdk.util.instrumentation import InstrumentationScope

from .conftest import make_spans
from .test_otlp_metrics import metrics_data


@pytest.fixture
def json_protocol(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", raising=False)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")


def reference_spans():
    memory = SdkMemory()
    provider = SdkTracerProvider(resource=SdkResource({"service.name": "json"}))
    provider.add_span_processor(SdkSimpleProcessor(memory))
    tracer = provider.get_tracer("lib", "1.0")
    with tracer.start_as_current_span(
        "parent", kind=SpanKind.SERVER, attributes={"n": 5, "f": 1.5, "l": [1, 2], "s": "x"}
    ) as parent:
        parent.add_event("ev", {"flag": True})
        with tracer.start_span("child", links=[Link(parent.get_span_context(), {"k": "v"})]) as c:
            c.set_status(StatusCode.ERROR, "broken")
    return memory.get_finished_spans()


def test_span_json_is_what_the_reference_json_encoder_writes():
    spans = reference_spans()
    assert to_otlp_json(reference_proto_spans(spans)) == reference_json_spans(spans).to_dict()


def test_metric_json_is_what_the_reference_json_encoder_writes():
    data = metrics_data(sdk_export, SdkResource({"service.name": "m"}), SdkScope("meter", "1"))
    assert to_otlp_json(reference_proto_metrics(data)) == reference_json_metrics(data).to_dict()


def test_json_body_uses_hex_ids_integer_enums_and_camel_case():
    (span,) = make_spans(1)
    document = to_otlp_json(encode_spans([span]))
    encoded = document["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    assert encoded["traceId"] == format(span.context.trace_id, "032x")
    assert encoded["spanId"] == format(span.context.span_id, "016x")
    assert encoded["kind"] == 1 and isinstance(encoded["kind"], int)
    assert "startTimeUnixNano" in encoded and "start_time_unix_nano" not in encoded


def test_spans_over_http_json_reach_the_receiver_unchanged(receiver, collected, json_protocol):
    spans = make_spans(10, **{"http.method": "GET"})
    exporter = OTLPSpanExporter(endpoint=receiver.http_endpoint + "/v1/traces", compression="gzip")
    try:
        assert exporter._sender._transport._headers["Content-Type"] == "application/json"
        assert exporter.export(spans) is SpanExportResult.SUCCESS
    finally:
        exporter.shutdown()
    (request,) = collected.requests
    assert request == encode_spans(spans)
    assert exporter.stats.exported == 10


def test_metrics_over_http_json_reach_the_receiver_unchanged(receiver, collected, json_protocol):
    data = metrics_data(our_export, Resource({"service.name": "m"}), InstrumentationScope("meter"))
    exporter = OTLPMetricExporter(endpoint=receiver.http_endpoint + "/v1/metrics")
    try:
        assert exporter.export(data) is MetricExportResult.SUCCESS
    finally:
        exporter.shutdown()
    (request,) = collected.requests
    assert request == encode_metrics(data)  # exemplar trace and span ids included
    assert exporter.stats.exported == 5


def test_partial_success_in_a_json_response_is_counted(json_protocol, caplog):
    with OTLPReceiver(lambda request: Rejected(3, "too old"), grpc_port=None, http_port=0) as rx:
        exporter = OTLPSpanExporter(endpoint=rx.http_endpoint + "/v1/traces")
        assert exporter.export(make_spans(5)) is SpanExportResult.SUCCESS
        exporter.shutdown()
    assert exporter.stats.rejected == 3 and "too old" in caplog.text


def test_throttling_and_errors_in_json_are_read(json_protocol, caplog):
    calls = []

    def busy_once(request):
        calls.append(request)
        if len(calls) == 1:
            raise Throttled(0.1, "busy now")

    with OTLPReceiver(busy_once, grpc_port=None, http_port=0) as rx:
        exporter = OTLPSpanExporter(endpoint=rx.http_endpoint + "/v1/traces", timeout=5)
        assert exporter.export(make_spans(2)) is SpanExportResult.SUCCESS
        exporter.shutdown()
        assert len(calls) == 2 and exporter.stats.exported == 2
        # A body the receiver cannot decode: HTTP 400, its JSON Status message in the log.
        bad = OTLPSpanExporter(endpoint=rx.http_endpoint + "/v1/traces")
        bad._encode = lambda spans: b"{not json"
        assert bad.export(make_spans(1)) is SpanExportResult.FAILURE
        bad.shutdown()
    assert "HTTP 400: cannot decode request" in caplog.text


def test_per_signal_protocol_wins_over_the_generic_one(monkeypatch, receiver, collected):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf")
    exporter = OTLPSpanExporter(endpoint=receiver.http_endpoint + "/v1/traces")
    assert exporter._sender._transport._headers["Content-Type"] == "application/x-protobuf"
    exporter.shutdown()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    metrics = OTLPMetricExporter(endpoint=receiver.http_endpoint + "/v1/metrics")
    assert metrics._sender._transport._headers["Content-Type"] == "application/json"
    metrics.shutdown()


def test_the_configuration_check_accepts_http_json(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json")
    check_environment()
