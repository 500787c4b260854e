"""The span-tree renderer on plain records and on our SDK's spans."""

from __future__ import annotations

from otelbridge.devtools.span_tree import SpanRecord, record_from_span, render_span_tree

MS = 1_000_000


def rec(name, span_id, parent_id, start, end, trace_id=1, **kw) -> SpanRecord:
    return SpanRecord(name, trace_id, span_id, parent_id, start * MS, end * MS, **kw)


def test_nested_tree_sorted_by_start_with_events_status_and_attributes() -> None:
    records = [
        rec("second-child", 3, 1, 5, 9, attributes={"k": "v w"}),
        rec("root", 1, None, 0, 10, kind="SERVER", attributes={"n": 1, "seq": ("a", "b")}),
        rec(
            "first-child",
            2,
            1,
            1,
            4,
            status_code="ERROR",
            status_description="boom",
            events=(("retry", {"attempt": 2}),),
        ),
        rec("grandchild", 4, 2, 2, 2),
    ]
    assert render_span_tree(records) == "\n".join(
        [
            "trace 00000000000000000000000000000001",
            "└─ root [SERVER] 10.0 ms  n=1 seq=[a, b]",
            "   ├─ first-child 3.0 ms (ERROR: boom)",
            "   │  • retry attempt=2",
            "   │  └─ grandchild 0 µs",
            "   └─ second-child 4.0 ms  k='v w'",
        ]
    )
    assert "retry" not in render_span_tree(records, show_events=False)


def test_orphans_and_several_traces() -> None:
    records = [rec("late-trace", 9, None, 50, 60, trace_id=2), rec("orphan", 5, 77, 0, 1)]
    text = render_span_tree(records)
    first, second = text.split("\n\n")
    assert first == "trace 00000000000000000000000000000001\n└─ orphan 1.0 ms (parent missing)"
    assert second.startswith("trace 00000000000000000000000000000002\n└─ late-trace")


def test_long_multiline_values_are_shortened() -> None:
    trace_text = "Traceback (most recent call last):\n  File x\nValueError: " + "z" * 100
    text = render_span_tree(
        [rec("s", 1, None, 0, 1, attributes={"exception.stacktrace": trace_text})]
    )
    assert "Traceback" not in text and "ValueError: zzz" in text and "…" in text


def test_records_from_sdk_spans(provider, exporter) -> None:
    tracer = provider.get_tracer("lib")
    with tracer.start_as_current_span("parent"), tracer.start_as_current_span("child") as child:
        child.add_event("e", {"a": 1})
    records = [record_from_span(s) for s in exporter.get_finished_spans()]
    child_record = next(r for r in records if r.name == "child")
    parent_record = next(r for r in records if r.name == "parent")
    assert child_record.parent_id == parent_record.span_id
    assert child_record.events == (("e", {"a": 1}),) and child_record.scope == "lib"
    assert "└─ parent" in render_span_tree(records)
