"""Zipkin v2 JSON identical to ``opentelemetry-exporter-zipkin-json``'s for the same spans.

Spans come from both SDKs running one scenario (fixed ids and times, only the import prefix
differs). Each batch is encoded by the reference's ``JsonV2Encoder`` and by ours; the texts must
be equal byte for byte once our one addition, ``remoteEndpoint`` on client/producer spans with
a peer (the specification's Zipkin mapping), is taken out.
"""

from __future__ import annotations

import importlib
import json
from typing import Any, List

import pytest
from opentelemetry.exporter.zipkin.json.v2 import JsonV2Encoder
from opentelemetry.exporter.zipkin.node_endpoint import NodeEndpoint
from opentelemetry.trace import SpanKind, Status, StatusCode

from otelbridge.sdk.export.zipkin._encoder import encode_spans

PREFIXES = ["opentelemetry.sdk", "otelbridge.sdk"]
T0 = 1_700_000_000_123_456_789  # sub-microsecond digits exercise rounding


def scenario(prefix: str) -> List[Any]:
    trace = importlib.import_module(f"{prefix}.trace")
    export = importlib.import_module(f"{prefix}.trace.export")
    memory = importlib.import_module(f"{prefix}.trace.export.in_memory_span_exporter")
    resources = importlib.import_module(f"{prefix}.resources")
    id_generator = importlib.import_module(f"{prefix}.trace.id_generator")

    class Counting(id_generator.IdGenerator):
        def __init__(self) -> None:
            self.next = 0x1000

        def generate_span_id(self) -> int:
            self.next += 1
            return self.next

        def generate_trace_id(self) -> int:
            return 0xDEADBEEF_00000000_00000000_00000000 + self.generate_span_id()

    exporter = memory.InMemorySpanExporter()
    provider = trace.TracerProvider(
        resource=resources.Resource(
            {"service.name": "shop", "deployment.environment": "prod", "host.cores": 2}
        ),
        id_generator=Counting(),
    )
    provider.add_span_processor(export.SimpleSpanProcessor(exporter))
    http = provider.get_tracer("shop.http", "1.4")
    jobs = provider.get_tracer("shop.jobs")  # no version: the tag is null
    root = http.start_span("GET /cart", kind=SpanKind.SERVER, start_time=T0)
    root.set_attributes(
        {
            "http.status_code": 500,
            "ratio": 0.25,
            "cached": False,
            "tags": ("a", "b"),
            "tries": (1, 2),
            "flags": (True, False),
            "weights": (1.5, 2.0),
            "deployment.environment": "overridden by the resource",
        }
    )
    root.add_event("cache miss", timestamp=T0 + 1_499)
    root.add_event("retry", {"attempt": 2, "why": "timeout", "codes": (502, 503)}, T0 + 1_500)
    root.set_status(Status(StatusCode.ERROR, "card declined"))
    context = trace_api_context(root)
    for kind, name, attributes in (
        (SpanKind.CLIENT, "charge", {"peer.service": "payments"}),
        (SpanKind.CLIENT, "lookup", {"db.system": "redis"}),
        (SpanKind.PRODUCER, "publish", {"server.address": "queue.internal"}),
        (SpanKind.CONSUMER, "consume", {}),
        (SpanKind.INTERNAL, "render", {"template": "cart.html"}),
    ):
        child = jobs.start_span(
            name, context=context, kind=kind, attributes=attributes, start_time=T0 + 2_000
        )
        if kind is SpanKind.INTERNAL:
            child.set_status(Status(StatusCode.OK))
        child.end(end_time=T0 + 2_000 + 999_499)
    root.end(end_time=T0 + 5_000_500)
    provider.shutdown()
    return list(exporter.get_finished_spans())


def trace_api_context(span: Any) -> Any:
    from opentelemetry import trace

    return trace.set_span_in_context(span)


def reference_json(spans: List[Any]) -> str:
    endpoint = NodeEndpoint()
    endpoint.service_name = spans[0].resource.attributes["service.name"]
    return JsonV2Encoder().serialize(spans, endpoint)


def without_remote_endpoints(body: bytes) -> str:
    spans = json.loads(body)
    for span in spans:
        span.pop("remoteEndpoint", None)
    return json.dumps(spans)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_same_spans_same_bytes(prefix: str) -> None:
    spans = scenario(prefix)
    ours = encode_spans(spans)
    assert without_remote_endpoints(ours) == reference_json(spans)
    remote = {span["name"]: span.get("remoteEndpoint") for span in json.loads(ours)}
    assert remote == {
        "charge": {"serviceName": "payments"},
        "lookup": None,
        "publish": {"serviceName": "queue.internal"},
        "consume": None,
        "render": None,
        "GET /cart": None,
    }


def test_our_sdk_encoded_by_us_equals_the_reference_sdk_encoded_by_the_reference() -> None:
    reference = reference_json(scenario("opentelemetry.sdk"))
    assert without_remote_endpoints(encode_spans(scenario("otelbridge.sdk"))) == reference
    # the scenario exercises what used to differ
    root = json.loads(reference)[-1]
    assert root["timestamp"] == (T0 + 500) // 1000 and root["duration"] == 5001
    assert root["tags"]["tries"] == '["1","2"]' and root["tags"]["host.cores"] == "2"
    assert root["tags"]["deployment.environment"] == "prod"
    assert [a["timestamp"] for a in root["annotations"]] == [
        (T0 + 1_499 + 500) // 1000,
        (T0 + 1_500 + 500) // 1000,
    ]
    assert list(root)[:7] == [
        "traceId",
        "id",
        "name",
        "timestamp",
        "duration",
        "localEndpoint",
        "kind",
    ]


def test_dropped_counts_and_unserializable_values_like_the_reference() -> None:
    """Spans of the reference SDK at its limits (it evicts, we drop new ones, so the spans come
    from one SDK) encode the same."""
    from opentelemetry.sdk.trace import SpanLimits, TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider(span_limits=SpanLimits(max_span_attributes=2, max_events=1))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    span = provider.get_tracer("t").start_span("s", start_time=T0)
    for index in range(4):
        span.set_attribute(f"k{index}", index)
        span.add_event(f"e{index}", timestamp=T0 + index)
    span.end(end_time=T0 + 10)
    provider.shutdown()
    spans = list(exporter.get_finished_spans())
    assert without_remote_endpoints(encode_spans(spans)) == reference_json(spans)
    tags = json.loads(encode_spans(spans))[0]["tags"]
    assert tags["otel.dropped_attributes_count"] == "2"
    assert tags["otel.dropped_events_count"] == "3"
