"""X-Cloud-Trace-Context: Google Cloud's documented form, and OpenCensus's propagator both ways."""

from __future__ import annotations

from typing import Callable

import pytest
from opencensus.trace.propagation.google_cloud_format import GoogleCloudFormatPropagator
from opencensus.trace.span_context import SpanContext as OCSpanContext
from opencensus.trace.trace_options import TraceOptions
from opentelemetry.context import Context
from opentelemetry.trace import SpanContext

from otelbridge.sdk.propagation import CloudTraceFormatPropagator

OURS = CloudTraceFormatPropagator()
TRACE_HEX = "105445aa7843bc8bf206b12000100000"
Span = Callable[[Context], SpanContext]


@pytest.mark.parametrize(
    ("header", "span_id", "sampled"),
    [
        (f"{TRACE_HEX}/1;o=1", 1, 1),
        (f"{TRACE_HEX}/18446744073709551615;o=0", (1 << 64) - 1, 0),
        (f"{TRACE_HEX}/123", 123, 0),
        (f"{TRACE_HEX}/123;o=3", 123, 1),
    ],
)
def test_documented_forms(header: str, span_id: int, sampled: int, span_of: Span) -> None:
    got = span_of(OURS.extract({"x-cloud-trace-context": header}))
    assert (got.trace_id, got.span_id, got.trace_flags) == (int(TRACE_HEX, 16), span_id, sampled)


@pytest.mark.parametrize(
    "header",
    [
        f"{TRACE_HEX}/18446744073709551616;o=1",  # over 64 bits
        f"{TRACE_HEX}/0;o=1",
        f"{TRACE_HEX};o=1",  # OpenCensus accepts a missing span id; we cannot continue it
        f"{TRACE_HEX}/1;o=",
        f"{TRACE_HEX}/-1",
        f"{'0' * 32}/1;o=1",
        f"{TRACE_HEX}/1;o=1;extra",
    ],
)
def test_malformed_gives_the_context_back(header: str) -> None:
    base = Context()
    assert OURS.extract({"x-cloud-trace-context": header}, base) is base


@pytest.mark.parametrize("enabled", [True, False])
def test_opencensus_interop(
    enabled: bool, make_context: Callable[..., Context], span_of: Span
) -> None:
    oc = GoogleCloudFormatPropagator()
    sent = OCSpanContext(
        trace_id=TRACE_HEX,
        span_id="00000000000004d2",
        trace_options=TraceOptions(str(int(enabled))),
    )
    got = span_of(OURS.extract({"x-cloud-trace-context": oc.to_header(sent)}))
    assert (got.trace_id, got.span_id, got.trace_flags.sampled) == (
        int(TRACE_HEX, 16),
        1234,
        enabled,
    )
    carrier: dict[str, str] = {}
    OURS.inject(carrier, make_context(int(TRACE_HEX, 16), 1234, int(enabled)))
    assert span_of(OURS.extract(carrier)) == got
    back = oc.from_header(carrier["x-cloud-trace-context"])
    assert (back.trace_id, back.span_id, back.trace_options.enabled) == (
        TRACE_HEX,
        "00000000000004d2",
        enabled,
    )
