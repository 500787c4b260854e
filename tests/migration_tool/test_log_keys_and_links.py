"""``opentracing.logs`` constants as ``log_kv`` keys (strings, as ``opentracing.ext.tags``
constants are), and ``follows_from()`` an extracted context (a link to the span context the
migrated ``Context`` carries). The migrated program records what the bridged original did."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import migrate_project, program_spans, write_project

PROGRAM = """
    import opentracing
    from opentracing import Format, follows_from, logs, tags

    tracer = opentracing.global_tracer()


    def fail():
        with tracer.start_active_span("call") as scope:
            try:
                raise ValueError("refused")
            except ValueError as e:
                scope.span.set_tag(tags.ERROR, True)
                scope.span.log_kv({logs.EVENT: "error", logs.ERROR_OBJECT: e, logs.MESSAGE: str(e)})


    def consume(headers):
        ctx = tracer.extract(Format.TEXT_MAP, headers)
        span = tracer.start_span("consume", references=[follows_from(ctx)])
        span.set_tag("queue", "orders")
        span.finish()


    def main():
        fail()
        consume({"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
"""

def test_log_keys_and_follows_from_an_extracted_context(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy" / "app.py"
    write_project(legacy.parent, {"app.py": PROGRAM})
    code = migrate_project(tmp_path / "migrated", {"app.py": PROGRAM})["app.py"]
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert '            span.record_exception(e, attributes={"message": str(e)})\n' in code
    assert (
        '    span = tracer.start_span("consume", context=ctx, links=[trace.Link('
        "trace.get_current_span(ctx).get_span_context())])\n"
    ) in code
    migrated = program_spans(tmp_path, "native", tmp_path / "migrated" / "app.py")
    assert migrated == program_spans(tmp_path, "bridge", legacy)
    assert "consume INTERNAL UNSET [('queue', 'orders')]" in migrated
