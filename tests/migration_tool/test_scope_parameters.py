"""A scope or span handed to a project function: converted on both sides, or kept on both.

``helper(scope)`` whose helper only reads ``scope.span`` gets the span instead (the shape of
public Flask services: ``trace_mongo_operation(mongo_scope, ...)``); a helper that uses its scope
or span any other way keeps it, and its callers keep theirs, so no OpenTelemetry object reaches
OpenTracing code. Checked on the spans the legacy program (bridged) and the migrated one record.
"""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import migrate_project, program_spans, write_project

HELPER = """
    import opentracing

    tracer = opentracing.global_tracer()


    def trace_query(scope, operation, collection):
        span = scope.span
        span.set_tag("db.operation", operation)
        span.set_tag("db.collection", collection)


    def main():
        with tracer.start_active_span("deposit"):
            with tracer.start_active_span("mongo_insert") as mongo_scope:
                trace_query(mongo_scope, "find", "cards")
            with tracer.start_active_span("mongo_update") as mongo_span:
                trace_query(mongo_span, "update", "cards")
"""


def test_a_scope_handed_to_a_helper_that_reads_its_span_becomes_the_span(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy" / "app.py"
    write_project(legacy.parent, {"app.py": HELPER})
    code = migrate_project(tmp_path / "migrated", {"app.py": HELPER})["app.py"]
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert "    span = scope\n" in code
    assert 'as span:\n            trace_query(span, "find", "cards")' in code
    assert 'as span:\n            trace_query(span, "update", "cards")' in code
    migrated = program_spans(tmp_path, "native", tmp_path / "migrated" / "app.py")
    assert migrated == program_spans(tmp_path, "bridge", legacy)
    assert "mongo_insert INTERNAL UNSET [('db.collection', 'cards')," in migrated


def test_a_helper_that_uses_its_scope_otherwise_keeps_its_callers_scopes(tmp_path: Path) -> None:
    closing = HELPER.replace('span.set_tag("db.collection", collection)', "scope.close()")
    code = migrate_project(tmp_path, {"app.py": closing})["app.py"]
    assert "    span = scope.span\n" in code and "    scope.close()\n" in code
    assert 'start_active_span("mongo_insert") as mongo_scope' in code
    assert "trace_query(mongo_scope," in code and "trace_query(mongo_span," in code


def test_a_span_parameter_kept_at_one_use_keeps_the_span_its_caller_gives(tmp_path: Path) -> None:
    """Before, the caller's span converted and reached the kept ``log_kv`` as an OpenTelemetry
    span (an AttributeError at run time)."""
    code = migrate_project(
        tmp_path,
        {
            "app.py": """
            import opentracing

            tracer = opentracing.global_tracer()


            def annotate(span, fields):
                span.set_tag("a", 1)
                span.log_kv(fields)


            def work():
                span = tracer.start_span("b")
                annotate(span, {"x": 1})
                span.finish()
            """
        },
    )["app.py"]
    assert 'span.log_kv(fields)' in code and 'span.set_tag("a", 1)' in code
    assert "span handed to a parameter, kept on OpenTracing" in code
    assert 'span = global_tracer().start_span("b")' in code and "span.finish()" in code
