"""opentelemetry-python's own OTLP exporters (gRPC and HTTP, plain and gzip) send into our
``OTLPReceiver`` on 127.0.0.1 (the ``receiver`` fixture): what arrives is exactly the request the
reference encoder builds."""

from __future__ import annotations

from typing import Any, List

import pytest
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import (
    OTLPMetricExporter as GrpcMetricExporter,
)
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
    OTLPSpanExporter as GrpcSpanExporter,
)
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.metric_exporter import (
    OTLPMetricExporter as HttpMetricExporter,
)
from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
    OTLPSpanExporter as HttpSpanExporter,
)
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, MetricExportResult
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode


def reference_spans() -> List[Any]:
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource({"service.name": "peer"}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("peer.app", "3.1")
    with tracer.start_as_current_span("request", kind=SpanKind.SERVER) as root:
        root.set_attribute("http.route", "/items")
        root.add_event("cache miss", {"key": "k"})
        with tracer.start_as_current_span("db", attributes={"rows": (1, 2)}) as db:
            db.set_status(StatusCode.ERROR, "timeout")
    provider.shutdown()
    return list(memory.get_finished_spans())


def reference_metrics() -> Any:
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader], resource=Resource({"service.name": "peer"}))
    meter = provider.get_meter("peer.app")
    meter.create_counter("requests").add(2, {"route": "/items"})
    meter.create_histogram("latency", "ms").record(12.5)
    data = reader.get_metrics_data()
    provider.shutdown()
    return data


#: per signal: the data the reference SDK makes, its exporters' success value, the request type
#: and the reference encoder's request for that data
SIGNALS = {
    "spans": (reference_spans, SpanExportResult.SUCCESS, ExportTraceServiceRequest, encode_spans),
    "metrics": (
        reference_metrics,
        MetricExportResult.SUCCESS,
        ExportMetricsServiceRequest,
        encode_metrics,
    ),
}


@pytest.mark.parametrize(
    "signal, make_exporter",
    [
        ("spans", lambda r: GrpcSpanExporter(endpoint=r.grpc_endpoint, insecure=True)),
        ("spans", lambda r: HttpSpanExporter(endpoint=f"{r.http_endpoint}/v1/traces")),
        (
            "spans",
            lambda r: HttpSpanExporter(
                endpoint=f"{r.http_endpoint}/v1/traces", compression=Compression.Gzip
            ),
        ),
        ("metrics", lambda r: GrpcMetricExporter(endpoint=r.grpc_endpoint, insecure=True)),
        ("metrics", lambda r: HttpMetricExporter(endpoint=f"{r.http_endpoint}/v1/metrics")),
        (
            "metrics",
            lambda r: HttpMetricExporter(
                endpoint=f"{r.http_endpoint}/v1/metrics", compression=Compression.Gzip
            ),
        ),
    ],
    ids=[
        "spans-grpc",
        "spans-http",
        "spans-http-gzip",
        "metrics-grpc",
        "metrics-http",
        "metrics-http-gzip",
    ],
)
def test_reference_exporters(
    receiver: Any, collected: Any, signal: str, make_exporter: Any
) -> None:
    make_data, success, request_type, encode = SIGNALS[signal]
    data = make_data()
    exporter = make_exporter(receiver)
    try:
        assert exporter.export(data) is success
    finally:
        exporter.shutdown()
    (request,) = collected.requests
    assert isinstance(request, request_type)
    assert request == encode(data)
