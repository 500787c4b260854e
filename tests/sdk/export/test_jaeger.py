"""Jaeger agent exporter against a loopback UDP socket; datagrams are decoded by Apache
``thrift``'s compact protocol into jaeger-client's generated ``Agent.emitBatch`` types, so the
encoder is checked by code that is not ours."""

from __future__ import annotations

import contextlib
import socket
from typing import Any, Iterator, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jaeger_client.thrift_gen.agent import Agent
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags
from thrift.protocol.TCompactProtocol import TCompactProtocol
from thrift.transport.TTransport import TMemoryBuffer

from otelbridge.sdk.export.jaeger import JaegerExporter
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@contextlib.contextmanager
def udp_agent() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(2)
    try:
        yield sock
    finally:
        sock.close()


@pytest.fixture
def agent() -> Iterator[socket.socket]:
    with udp_agent() as sock:
        yield sock


def decode(data: bytes) -> Any:
    """One datagram as jaeger-client's ``Batch`` (``Agent.emitBatch``'s argument)."""
    protocol = TCompactProtocol(TMemoryBuffer(data))
    name, kind, _ = protocol.readMessageBegin()
    assert (name, kind) == ("emitBatch", 4)  # oneway
    args = Agent.emitBatch_args()
    args.read(protocol)
    protocol.readMessageEnd()
    return args.batch


def receive(agent: socket.socket, count: int) -> List[Any]:
    return [decode(agent.recv(70000)) for _ in range(count)]


_VALUE_FIELDS = {0: "vStr", 1: "vDouble", 2: "vBool", 3: "vLong", 4: "vBinary"}


def tag_map(tags: list) -> dict:
    return {tag.key: getattr(tag, _VALUE_FIELDS[tag.vType]) for tag in tags}


def signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def make_spans(count: int = 1, padding: int = 0) -> list:
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "legacy", "region": "eu"}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("jaeger.test", "0.1")
    linked = SpanContext(
        0xFEDCBA9876543210FEDCBA9876543210, 0x1, is_remote=True, trace_flags=TraceFlags(1)
    )
    for index in range(count):
        attributes = {"i": index, "ratio": 0.5, "ok": True, "pad": "x" * padding, "list": (1, 2)}
        with (
            tracer.start_as_current_span("parent", kind=SpanKind.SERVER),
            tracer.start_as_current_span(
                "child", links=[Link(linked)], attributes=attributes
            ) as child,
        ):
            child.add_event("cache.miss", {"key": "k"})
            child.set_status(Status(StatusCode.ERROR, "boom"))
    provider.shutdown()
    return list(memory.get_finished_spans())


def test_batch_decodes_to_the_jaeger_model(agent):
    spans = make_spans()
    exporter = JaegerExporter("127.0.0.1", agent.getsockname()[1])
    assert exporter.export(spans) is SpanExportResult.SUCCESS
    exporter.shutdown()
    (batch,) = receive(agent, 1)
    process = batch.process
    assert process.serviceName == "legacy" and tag_map(process.tags)["region"] == "eu"
    child, parent = batch.spans
    span = spans[0]
    assert child.traceIdLow == signed(span.context.trace_id & (2**64 - 1))
    assert child.traceIdHigh == signed(span.context.trace_id >> 64)
    assert child.spanId == signed(span.context.span_id) and child.parentSpanId == parent.spanId
    assert parent.parentSpanId == 0 and child.operationName == "child" and child.flags == 1
    assert child.startTime == span.start_time // 1000
    assert child.duration == (span.end_time - span.start_time) // 1000
    (reference,) = child.references
    assert reference.refType == 1  # FOLLOWS_FROM the link
    assert reference.traceIdLow == signed(0xFEDCBA9876543210)
    assert reference.spanId == 1
    tags = tag_map(child.tags)
    assert tags["i"] == 0 and tags["ratio"] == 0.5 and tags["ok"] is True
    assert tags["list"] == "[1, 2]" and tags["error"] is True
    assert tags["otel.status_description"] == "boom" and tags["otel.scope.name"] == "jaeger.test"
    assert tag_map(parent.tags)["span.kind"] == "server"
    (log,) = child.logs
    assert log.timestamp == span.events[0].timestamp // 1000
    assert tag_map(log.fields) == {"event": "cache.miss", "key": "k"}


def test_large_exports_are_split_under_the_packet_limit(agent):
    spans = make_spans(count=60, padding=1000)  # 120 spans, ~1 KiB each
    exporter = JaegerExporter("127.0.0.1", agent.getsockname()[1], max_packet_size=16_000)
    assert exporter.export(spans) is SpanExportResult.SUCCESS
    exporter.shutdown()
    batches = []
    agent.settimeout(0.5)
    while True:
        try:
            data = agent.recv(70000)
        except socket.timeout:
            break
        assert len(data) <= 16_000
        batches.append(decode(data))
    assert len(batches) >= 5  # ~66 KB of spans in 16 KB datagrams
    assert sum(len(batch.spans) for batch in batches) == 120
    assert exporter.stats.exported == 120


def test_a_span_bigger_than_a_packet_is_dropped_and_counted(agent):
    spans = make_spans(count=1, padding=5000)
    exporter = JaegerExporter("127.0.0.1", agent.getsockname()[1], max_packet_size=2000)
    assert exporter.export(spans) is SpanExportResult.FAILURE
    exporter.shutdown()
    (batch,) = receive(agent, 1)
    assert [span.operationName for span in batch.spans] == ["parent"]
    assert exporter.stats.failed == 1


@settings(max_examples=40, deadline=None)
@given(
    trace_id=st.integers(min_value=1, max_value=2**128 - 1),
    span_id=st.integers(min_value=1, max_value=2**64 - 1),
    value=st.one_of(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.text(max_size=30)),
)
def test_ids_and_values_survive_the_round_trip(trace_id, span_id, value):
    from otelbridge.sdk.trace import ReadableSpan

    span = ReadableSpan(
        "p",
        context=SpanContext(trace_id, span_id, is_remote=False, trace_flags=TraceFlags(1)),
        attributes={"v": value},
        start_time=1_000,
        end_time=5_000,
        resource=Resource({"service.name": "prop"}),
    )
    with udp_agent() as agent:
        exporter = JaegerExporter("127.0.0.1", agent.getsockname()[1])
        exporter.export([span])
        exporter.shutdown()
        (batch,) = receive(agent, 1)
    (decoded,) = batch.spans
    high, low = decoded.traceIdHigh % 2**64, decoded.traceIdLow % 2**64
    assert (high << 64 | low, decoded.spanId % 2**64) == (trace_id, span_id)
    assert tag_map(decoded.tags)["v"] == value
