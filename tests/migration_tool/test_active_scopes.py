"""The active scope read from the scope manager (``tracer.scope_manager.active``), as
``tracer.active_span`` (OpenTracing defines it so): before, the scope manager was not mapped,
the helpers stayed on OpenTracing while the spans they looked for moved to OpenTelemetry, and
without the bridge they found no scope (``None.span``: ``AttributeError``)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from otelbridge.migration_tool.active_scopes import plan
from tests.migration_tool.projects import IN_MEMORY_PROVIDER, migrate_project, run_script

APP = """
    import opentracing


    def tag_current(key, value):
        scope = opentracing.tracer.scope_manager.active
        if scope is not None:
            scope.span.set_tag(key, value)


    def log_done():
        opentracing.tracer.scope_manager.active.span.log_kv({'event': 'done'})


    def current_span():
        active = opentracing.global_tracer().scope_manager.active
        return active.span if active else None


    def work():
        with opentracing.tracer.start_active_span('work'):
            tag_current('step', 1)
            log_done()
            current_span().set_tag('found', True)
        tag_current('outside', True)  # no active scope: nothing is tagged
    """


def test_the_active_scope_is_read_as_the_active_span() -> None:
    new = plan({"app.py": dedent(APP)})["app.py"]
    assert "    scope = opentracing.tracer.active_span\n" in new
    assert "        scope.set_tag(key, value)\n" in new
    assert "    opentracing.tracer.active_span.log_kv({'event': 'done'})\n" in new
    assert plan({"app.py": new}) == {}


def test_a_scope_used_otherwise_is_left() -> None:
    kept = dedent(
        """
        import opentracing

        def close_active():
            scope = opentracing.tracer.scope_manager.active
            scope.close()

        def handed():
            scope = opentracing.tracer.scope_manager.active
            return scope
        """
    )
    assert plan({"app.py": kept}) == {}


def test_the_migrated_helpers_find_the_current_span_natively(tmp_path: Path) -> None:
    code = migrate_project(tmp_path, {"app.py": APP})["app.py"]
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert "    if scope.get_span_context().is_valid:\n" in code
    # a truth test in a conditional expression is the span's validity too
    assert "    return active if active.get_span_context().is_valid else None\n" in code
    script = IN_MEMORY_PROVIDER + """
from app import work
work()
(span,) = exporter.get_finished_spans()
print(span.name, dict(span.attributes), [event.name for event in span.events])
"""
    assert run_script(script, cwd=tmp_path).strip() == "work {'step': 1, 'found': True} ['done']"
