"""The global tracer spelled otherwise than ``opentracing.tracer``: ``getattr(opentracing,
"tracer")`` (the project index reads it as the attribute; without the index nothing knows it is a
tracer, and it is left whole) and ``from opentracing import tracer``. Each converts with the spans
it starts, so no ``finish()`` becomes ``end()`` on a span that stays OpenTracing's."""

from __future__ import annotations

import textwrap
from pathlib import Path

from otelbridge.cli import main
from otelbridge.migration_tool.pipeline import migrate_source
from tests.migration_tool.projects import IN_MEMORY_PROVIDER, run_script

LEGACY = """
    import opentracing


    def use():
        getattr(opentracing, "tracer").start_span("dyn").finish()
        span = getattr(opentracing, "tracer", None).start_span("dyn2")
        span.finish()
"""


def test_with_the_index_the_tracer_and_its_spans_convert_and_run(tmp_path: Path) -> None:
    module = tmp_path / "use.py"
    module.write_text(textwrap.dedent(LEGACY).lstrip())
    assert main(["migrate", "--write", "--jobs", "1", str(module)]) == 1
    migrated = module.read_text()
    assert "opentracing" not in migrated and "finish" not in migrated
    script = """
        import use

        use.use()
        assert [s.name for s in exporter.get_finished_spans()] == ["dyn", "dyn2"]
    """
    run_script(IN_MEMORY_PROVIDER + textwrap.dedent(script), cwd=tmp_path)


def test_without_the_index_it_is_left_whole() -> None:
    code = textwrap.dedent(LEGACY).lstrip()
    result = migrate_source(code)
    assert 'getattr(opentracing, "tracer").start_span("dyn").finish()' in result.code
    assert "span.finish()" in result.code


def test_the_tracer_imported_by_name_is_the_global_tracer() -> None:
    code = textwrap.dedent(
        """
        from opentracing import Format, tracer


        def use(headers):
            ctx = tracer.extract(Format.HTTP_HEADERS, headers)
            with tracer.start_active_span("x", child_of=ctx) as scope:
                scope.span.set_tag("k", 1)
        """
    ).lstrip()
    migrated = migrate_source(code).code
    assert "opentracing" not in migrated
    assert 'with trace.get_tracer(__name__).start_as_current_span("x", context=ctx) as span:' in (
        migrated
    )
