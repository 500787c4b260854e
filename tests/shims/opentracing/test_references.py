"""Span references: parent choice, links with ``opentracing.ref_type``, baggage union."""

from __future__ import annotations

import opentracing
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry import baggage as otel_baggage
from opentelemetry.context import attach, detach
from opentracing.mocktracer import MockTracer

from otelbridge.sdk.trace import TracerProvider
from otelbridge.shims.opentracing import TracerShim


def by_name(exporter):
    return {span.name: span for span in exporter.get_finished_spans()}


def ids(span):
    context = span.get_span_context() if hasattr(span, "get_span_context") else span.context
    return context.trace_id, context.span_id


def test_first_child_of_wins_and_every_reference_is_a_link(tracer, exporter) -> None:
    a, b, c = (tracer.start_span(name) for name in "abc")
    child = tracer.start_span(
        "child",
        references=[
            opentracing.follows_from(a.context),
            opentracing.child_of(b.context),
            opentracing.child_of(c.context),
        ],
    )
    for span in (child, a, b, c):
        span.finish()
    spans = by_name(exporter)
    recorded = spans["child"]
    assert (recorded.parent.trace_id, recorded.parent.span_id) == ids(spans["b"])
    assert [
        (ids_of_link(link), link.attributes["opentracing.ref_type"]) for link in recorded.links
    ] == [
        (ids(spans["a"]), "follows_from"),
        (ids(spans["b"]), "child_of"),
        (ids(spans["c"]), "child_of"),
    ]


def ids_of_link(link):
    return link.context.trace_id, link.context.span_id


def test_without_child_of_the_first_reference_is_parent(tracer, exporter) -> None:
    a = tracer.start_span("a")
    follower = tracer.start_span("follower", references=[opentracing.follows_from(a.context)])
    follower.finish()
    a.finish()
    spans = by_name(exporter)
    assert spans["follower"].parent.span_id == spans["a"].context.span_id
    assert spans["follower"].context.trace_id == spans["a"].context.trace_id


def test_child_of_argument_accepts_span_or_context(tracer, exporter) -> None:
    parent = tracer.start_span("parent")
    tracer.start_span("from-span", child_of=parent).finish()
    tracer.start_span("from-context", child_of=parent.context).finish()
    parent.finish()
    spans = by_name(exporter)
    for name in ("from-span", "from-context"):
        assert spans[name].parent.span_id == spans["parent"].context.span_id
        (link,) = spans[name].links
        assert link.attributes["opentracing.ref_type"] == "child_of"


def test_explicit_references_ignore_the_active_span(tracer, exporter) -> None:
    other = tracer.start_span("other")
    with tracer.start_active_span("active"):
        tracer.start_span("child", child_of=other).finish()
    other.finish()
    spans = by_name(exporter)
    assert spans["child"].parent.span_id == spans["other"].context.span_id


def test_baggage_is_union_of_references(tracer) -> None:
    a = tracer.start_span("a").set_baggage_item("from", "a").set_baggage_item("only-a", "1")
    b = tracer.start_span("b").set_baggage_item("only-b", "2")
    child = tracer.start_span(
        "child", references=[opentracing.child_of(a.context), opentracing.follows_from(b.context)]
    )
    assert dict(child.context.baggage) == {"from": "a", "only-a": "1", "only-b": "2"}


def test_without_references_the_current_baggage_is_used(tracer) -> None:
    token = attach(otel_baggage.set_baggage("tenant", "acme"))
    try:
        span = tracer.start_span("s")
    finally:
        detach(token)
    assert span.get_baggage_item("tenant") == "acme"


def test_child_inherits_baggage_set_on_active_parent_after_activation(tracer) -> None:
    with tracer.start_active_span("parent") as scope:
        scope.span.set_baggage_item("late", "yes")
        with tracer.start_active_span("child") as child:
            assert child.span.get_baggage_item("late") == "yes"


def test_references_to_other_tracers_keep_their_baggage_only(tracer, exporter) -> None:
    foreign = MockTracer().start_span("foreign").set_baggage_item("k", "v")
    span = tracer.start_span("mine", child_of=foreign)
    span.finish()
    recorded = by_name(exporter)["mine"]
    assert recorded.parent is None and list(recorded.links) == []
    assert span.get_baggage_item("k") == "v"


def test_ignore_active_span_makes_a_root(tracer, exporter) -> None:
    with tracer.start_active_span("active"):
        tracer.start_span("root", ignore_active_span=True).finish()
        tracer.start_span("child").finish()
    spans = by_name(exporter)
    assert spans["root"].parent is None
    assert spans["root"].context.trace_id != spans["active"].context.trace_id
    assert spans["child"].parent.span_id == spans["active"].context.span_id


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [opentracing.ReferenceType.CHILD_OF, opentracing.ReferenceType.FOLLOWS_FROM]
            ),
            st.integers(min_value=0, max_value=3),
            st.dictionaries(st.sampled_from("abc"), st.sampled_from(["1", "2"]), max_size=2),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_reference_rules_hold_for_any_list(refs) -> None:
    """Parent: first child_of, else first; one link per reference; baggage: the union."""
    tracer = TracerShim(TracerProvider(shutdown_on_exit=False))
    referenced = [tracer.start_span(f"r{i}") for i in range(4)]
    references = []
    expected_baggage: dict = {}
    for ref_type, index, baggage in refs:
        span = referenced[index]
        for key, value in baggage.items():
            span.set_baggage_item(key, value)
        expected_baggage.update(span.context.baggage)
        references.append(opentracing.Reference(ref_type, span.context))
    child = tracer.start_span("child", references=references)
    recorded_parent = child.unwrap().parent
    child_ofs = [ref for ref in references if ref.type == opentracing.ReferenceType.CHILD_OF]
    expected_parent = (child_ofs or references)[0].referenced_context.unwrap()
    assert recorded_parent.span_id == expected_parent.span_id
    links = child.unwrap().links
    assert [link.attributes["opentracing.ref_type"] for link in links] == [
        r.type for r in references
    ]
    assert dict(child.context.baggage) == expected_baggage
