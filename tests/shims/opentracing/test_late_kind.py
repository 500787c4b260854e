"""``set_tag('span.kind', ...)`` after start (jaeger-client clients, Flask-OpenTracing servers)."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider as PeerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor as PeerSimple
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter as PeerMemory,
)
from opentelemetry.trace import SpanKind
from opentracing.ext import tags

from otelbridge.shims.opentracing import TracerShim


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (tags.SPAN_KIND_RPC_CLIENT, SpanKind.CLIENT),
        (tags.SPAN_KIND_RPC_SERVER, SpanKind.SERVER),
        (tags.SPAN_KIND_PRODUCER, SpanKind.PRODUCER),
        (tags.SPAN_KIND_CONSUMER, SpanKind.CONSUMER),
        ("gateway", SpanKind.INTERNAL),  # not an OpenTracing kind: only the attribute
    ],
)
def test_a_late_kind_tag_sets_the_kind_on_our_sdk(tracer, finished, value, kind) -> None:
    with tracer.start_active_span("work") as scope:
        scope.span.set_tag(tags.SPAN_KIND, value)
    span = finished.get("work")
    assert span.kind is kind
    assert span.attributes[tags.SPAN_KIND] == value


def test_the_kind_is_fixed_once_the_span_has_ended(tracer, finished) -> None:
    span = tracer.start_span("done")
    span.finish()
    span.set_tag(tags.SPAN_KIND, tags.SPAN_KIND_RPC_CLIENT)
    assert finished.get("done").kind is SpanKind.INTERNAL


def test_on_another_sdk_a_late_kind_stays_an_attribute() -> None:
    exporter = PeerMemory()
    provider = PeerProvider()
    provider.add_span_processor(PeerSimple(exporter))
    tracer = TracerShim(provider)
    with tracer.start_active_span("work") as scope:
        scope.span.set_tag(tags.SPAN_KIND, tags.SPAN_KIND_RPC_CLIENT)
    (span,) = exporter.get_finished_spans()
    assert span.kind is SpanKind.INTERNAL
    assert span.attributes[tags.SPAN_KIND] == "client"
    provider.shutdown()
