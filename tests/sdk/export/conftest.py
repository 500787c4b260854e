"""Fixtures for exporter tests: a real OTLP receiver on loopback and span factories."""

from __future__ import annotations

import struct
import threading
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from otelbridge.devtools.receiver import OTLPReceiver
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


class Collected:
    """What a receiver got, in arrival order; ``wait_for`` blocks until enough spans arrived."""

    def __init__(self) -> None:
        self.requests: List[Any] = []
        self._changed = threading.Condition()

    def __call__(self, request: Any) -> None:
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()

    def spans(self) -> List[Any]:
        return [
            span
            for request in self.requests
            for resource_spans in getattr(request, "resource_spans", ())
            for scope_spans in resource_spans.scope_spans
            for span in scope_spans.spans
        ]

    def wait_for(self, count: int, timeout: float = 5.0) -> List[Any]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.spans()) >= count, timeout)
        return self.spans()


@pytest.fixture
def collected() -> Collected:
    return Collected()


@pytest.fixture
def receiver(collected: Collected) -> Iterator[OTLPReceiver]:
    with OTLPReceiver(collected, grpc_port=0, http_port=0) as running:
        yield running


def make_spans(count: int, **attributes: Any) -> List[Any]:
    """``count`` finished spans from our SDK, each with ``attributes`` plus its index."""
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("tests.export", "1.0")
    for index in range(count):
        with tracer.start_as_current_span("op", attributes={**attributes, "index": index}):
            pass
    provider.shutdown()
    return list(memory.get_finished_spans())


class Reader:
    """An independent Thrift compact-protocol reader: what the Jaeger agent would parse.

    Structs decode to ``{field id: value}``, lists to lists, the message to ``(name, type,
    seqid, args)``. Written from the protocol description, apart from the exporter's writer.
    """

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def byte(self) -> int:
        value = self.data[self.pos]
        self.pos += 1
        return value

    def uvarint(self) -> int:
        result = shift = 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return result

    def svarint(self) -> int:
        raw = self.uvarint()
        return (raw >> 1) ^ -(raw & 1)

    def binary(self) -> bytes:
        size = self.uvarint()
        value = self.data[self.pos : self.pos + size]
        self.pos += size
        return value

    def value(self, kind: int) -> Any:
        if kind in (1, 2):  # a bool inside a list is a whole byte
            return self.byte() == 1
        if kind in (4, 5, 6):
            return self.svarint()
        if kind == 7:
            value = struct.unpack_from("<d", self.data, self.pos)[0]
            self.pos += 8
            return value
        if kind == 8:
            return self.binary()
        if kind == 9:
            header = self.byte()
            size, element = header >> 4, header & 0x0F
            if size == 15:
                size = self.uvarint()
            return [self.value(element) for _ in range(size)]
        if kind == 12:
            return self.struct()
        raise ValueError(f"unexpected compact type {kind}")

    def struct(self) -> Dict[int, Any]:
        fields: Dict[int, Any] = {}
        last = 0
        while True:
            header = self.byte()
            if header == 0:
                return fields
            kind, delta = header & 0x0F, header >> 4
            field_id = last + delta if delta else self.svarint()
            last = field_id
            fields[field_id] = (kind == 1) if kind in (1, 2) else self.value(kind)

    def message(self) -> Tuple[str, int, int, Dict[int, Any]]:
        assert self.byte() == 0x82, "compact protocol id"
        version_and_type = self.byte()
        assert version_and_type & 0x1F == 1, "version 1"
        seqid = self.uvarint()
        name = self.binary().decode()
        args = self.struct()
        assert self.pos == len(self.data), "trailing bytes"
        return name, version_and_type >> 5, seqid, args
