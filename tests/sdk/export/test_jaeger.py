"""Jaeger agent exporter against a loopback UDP socket, decoded with an independent reader."""

from __future__ import annotations

import contextlib
import socket
from typing import Iterator, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags

from otelbridge.sdk.export.jaeger import JaegerExporter
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from .conftest import Reader


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


def receive(agent: socket.socket, count: int) -> List[dict]:
    batches = []
    for _ in range(count):
        name, kind, _, args = Reader(agent.recv(70000)).message()
        assert (name, kind) == ("emitBatch", 4)  # oneway
        batches.append(args[1])
    return batches


def tag_map(tags: list) -> dict:
    values = {0: 3, 1: 4, 2: 5, 3: 6, 4: 7}
    return {tag[1].decode(): tag.get(values[tag[2]]) for tag in tags}


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
    process = batch[1]
    assert process[1] == b"legacy" and tag_map(process[2])["region"] == b"eu"
    child, parent = batch[2]
    span = spans[0]
    assert child[1] == signed(span.context.trace_id & (2**64 - 1))
    assert child[2] == signed(span.context.trace_id >> 64)
    assert child[3] == signed(span.context.span_id) and child[4] == parent[3]
    assert parent[4] == 0 and child[5] == b"child" and child[7] == 1
    assert child[8] == span.start_time // 1000
    assert child[9] == (span.end_time - span.start_time) // 1000
    (reference,) = child[6]
    assert reference[1] == 1 and reference[4] == 1  # FOLLOWS_FROM the link
    assert reference[3] == signed(0xFEDCBA9876543210)
    tags = tag_map(child[10])
    assert tags["i"] == 0 and tags["ratio"] == 0.5 and tags["ok"] is True
    assert tags["list"] == b"[1, 2]" and tags["error"] is True
    assert tags["otel.status_description"] == b"boom" and tags["otel.scope.name"] == b"jaeger.test"
    assert tag_map(parent[10])["span.kind"] == b"server"
    (log,) = child[11]
    assert log[1] == span.events[0].timestamp // 1000
    assert tag_map(log[2]) == {"event": b"cache.miss", "key": b"k"}


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
        batches.append(Reader(data).message()[3][1])
    assert len(batches) >= 5  # ~66 KB of spans in 16 KB datagrams
    assert sum(len(batch[2]) for batch in batches) == 120
    assert exporter.stats.exported == 120


def test_a_span_bigger_than_a_packet_is_dropped_and_counted(agent):
    spans = make_spans(count=1, padding=5000)
    exporter = JaegerExporter("127.0.0.1", agent.getsockname()[1], max_packet_size=2000)
    assert exporter.export(spans) is SpanExportResult.FAILURE
    exporter.shutdown()
    (batch,) = receive(agent, 1)
    assert [span[5] for span in batch[2]] == [b"parent"]
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
    (decoded,) = batch[2]
    high, low = decoded[2] % 2**64, decoded[1] % 2**64
    assert (high << 64 | low, decoded[3] % 2**64) == (trace_id, span_id)
    got = tag_map(decoded[10])["v"]
    assert got == (value.encode() if isinstance(value, str) else value)
