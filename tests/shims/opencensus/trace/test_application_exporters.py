"""The application's own OpenCensus exporter (a test's capturing one) keeps receiving its
tracer's spans as OpenCensus ``SpanData``: the same data OpenCensus itself gave it, while
OpenCensus' own exporters stay unused (OpenTelemetry's replace them)."""

from __future__ import annotations

from opencensus.trace import base_exporter, execution_context, print_exporter, time_event
from opencensus.trace import link as link_module
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.span import SpanKind
from opencensus.trace.status import Status
from opencensus.trace.tracer import Tracer as OpenCensusTracer

from otelbridge.shims.opencensus import Tracer
from otelbridge.shims.opencensus.trace.span_data import _iso

LINKED_TRACE = "0af7651916cd43dd8448eb211c80319c"
LINKED_SPAN = "b7ad6b7169203331"


class Capturing(base_exporter.Exporter):  # type: ignore[misc]  # opencensus is untyped
    def __init__(self) -> None:
        self.exported: list = []

    def export(self, span_datas):
        self.exported.extend(span_datas)

    def emit(self, span_datas):
        self.exported.extend(span_datas)


def program(tracer) -> None:
    with tracer.span(name="checkout") as root:
        root.span_kind = SpanKind.SERVER
        root.add_attribute("cart", 3)
        root.add_annotation("priced", total=42)
        with tracer.span(name="charge") as child:
            child.span_kind = SpanKind.CLIENT
            child.add_message_event(time_event.MessageEvent(None, "7", time_event.Type.SENT, 120))
            parent_link = link_module.Type.PARENT_LINKED_SPAN
            child.add_link(link_module.Link(LINKED_TRACE, LINKED_SPAN, parent_link))
            child.status = Status(5, "no such card")


def outline(exported) -> list:
    by_id = {data.span_id: data.name for data in exported}
    return sorted(
        (
            data.name,
            by_id.get(data.parent_span_id),
            data.span_kind,
            dict(data.attributes),
            [(a.description, dict(a.attributes.attributes)) for a in data.annotations],
            [(m.id, m.type, m.uncompressed_size_bytes) for m in data.message_events],
            [(link.trace_id, link.span_id, link.type) for link in data.links],
            None if data.status is None else data.status.canonical_code != 0,
            data.context.trace_id == exported[0].context.trace_id,
            data.start_time <= data.end_time,
        )
        for data in exported
    )


def test_the_application_exporter_gets_what_opencensus_gave_it(provider, exporter) -> None:
    legacy = Capturing()
    program(OpenCensusTracer(exporter=legacy, sampler=AlwaysOnSampler()))
    execution_context.clean()
    ours = Capturing()
    program(Tracer(exporter=ours, sampler=AlwaysOnSampler(), tracer_provider=provider))
    assert outline(ours.exported) == outline(legacy.exported)
    assert [d.name for d in ours.exported] == ["charge", "checkout"]  # as they end
    assert sorted(s.name for s in exporter.get_finished_spans()) == ["charge", "checkout"]
    charge = ours.exported[0]
    otel = {s.name: s for s in exporter.get_finished_spans()}["charge"]
    assert charge.start_time == _iso(otel.start_time) and charge.start_time.endswith("Z")
    assert charge.status.description == "no such card"
    assert charge.same_process_as_parent_span is True
    assert ours.exported[1].parent_span_id is None


def test_opencensus_own_exporters_are_not_fed(provider, exporter, monkeypatch) -> None:
    called = []
    record = called.append
    monkeypatch.setattr(print_exporter.PrintExporter, "export", lambda _, datas: record(datas))
    tracer = Tracer(
        exporter=print_exporter.PrintExporter(), sampler=AlwaysOnSampler(), tracer_provider=provider
    )
    with tracer.span(name="quiet"):
        pass
    assert called == []
    assert [s.name for s in exporter.get_finished_spans()] == ["quiet"]


def test_only_the_spans_of_tracers_given_the_exporter_are_fed(provider) -> None:
    capturing = Capturing()
    fed = Tracer(exporter=capturing, sampler=AlwaysOnSampler(), tracer_provider=provider)
    with fed.span(name="fed"):
        pass
    other = Tracer(sampler=AlwaysOnSampler(), tracer_provider=provider)
    with other.span(name="elsewhere"):
        pass
    with provider.get_tracer("native").start_as_current_span("native"):
        pass
    assert [d.name for d in capturing.exported] == ["fed"]


def test_native_spans_ended_under_the_current_tracer_are_fed(provider) -> None:
    """Code migrated from ``execution_context.get_opencensus_tracer()`` (a test's set-up keeps
    the capturing Tracer, the code under test now records natively)."""
    capturing = Capturing()
    Tracer(exporter=capturing, sampler=AlwaysOnSampler(), tracer_provider=provider)
    with provider.get_tracer("migrated").start_as_current_span("work") as span:
        span.set_attribute("k", "v")
    assert [(d.name, dict(d.attributes)) for d in capturing.exported] == [("work", {"k": "v"})]


def test_native_spans_are_not_fed_to_opencensus_own_tracer(provider) -> None:
    """Without the bridge (or after ``uninstall()``) OpenCensus' own Tracer exports its own spans:
    native ones ended while it is current are not converted and handed to its exporter too."""
    Tracer(exporter=Capturing(), sampler=AlwaysOnSampler(), tracer_provider=provider)  # feeds
    unbridged = Capturing()
    OpenCensusTracer(exporter=unbridged, sampler=AlwaysOnSampler())
    with provider.get_tracer("native").start_as_current_span("native"):
        pass
    assert unbridged.exported == []
