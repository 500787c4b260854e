"""opentracing-instrumentation's ``@traced_function`` and ``func_span``
(``transforms/local_span.py``): rewritten to ``start_as_current_span``, and the migrated program
makes the tree the original made (each a child of the current span, named after the function).
(opentracing-instrumentation itself cannot be installed beside this project's test dependencies:
it pins tornado < 6, so the original is not run here.)"""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import migrate_project, migrated_source, program_spans

PROGRAM = """
    from opentracing_instrumentation.local_span import func_span, traced_function
    from opentracing_instrumentation.request_context import get_current_span, span_in_context
    import opentracing


    @traced_function
    def load(key):
        return key


    @traced_function(name="save-item")
    def save(item):
        with func_span("db.save", tags={"db": "items"}) as span:
            span.set_tag("item", item)
            return item


    def main():
        with opentracing.tracer.start_span("handle") as span:
            with span_in_context(span):
                load(1)
                load(2)
                save(3)
"""


def test_local_spans_become_current_spans(tmp_path: Path) -> None:
    code = migrate_project(tmp_path, {"app.py": PROGRAM})["app.py"]
    assert '@trace.get_tracer(__name__).start_as_current_span("load")\n' in code
    assert '@trace.get_tracer(__name__).start_as_current_span("save-item")\n' in code
    assert (
        'with trace.get_tracer(__name__).start_as_current_span("db.save", attributes={"db": '
        '"items"}) as span:\n        span.set_attribute("item", item)\n'
    ) in code
    assert "opentracing" not in code
    spans = program_spans(tmp_path, "native", tmp_path / "app.py")
    assert spans.splitlines() == [
        "db.save INTERNAL UNSET [('db', 'items'), ('item', 3)]",
        "handle INTERNAL UNSET []",
        "load INTERNAL UNSET []",
        "load INTERNAL UNSET []",
        "save-item INTERNAL UNSET []",
    ]


def test_what_has_no_equivalent_stays_marked() -> None:
    code = migrated_source(
        """
        from opentracing_instrumentation.local_span import func_span, traced_function


        @traced_function(on_start=print)
        def audited():
            pass


        @traced_function
        async def fetch():
            pass


        def spans():
            return func_span("x")
        """
    )
    assert (
        "# TODO(otelbridge): traced_function arguments other than name= have no equivalent\n"
        "@traced_function(on_start=print)\n"
    ) in code
    assert (
        "# TODO(otelbridge): traced_function on a coroutine or generator: trace it by hand\n"
        "@traced_function\nasync def fetch():"
    ) in code
    assert "func_span used other than as a with item" in code


CHILDREN = """
    import opentracing
    from opentracing_instrumentation import get_current_span, traced_function
    from opentracing_instrumentation.utils import start_child_span


    @traced_function
    def query(sql):
        span = start_child_span("db.query", parent=get_current_span(), tracer=opentracing.tracer)
        span.set_tag("sql", sql)
        child = start_child_span(operation_name="db.fetch", parent=span, tags={"rows": 1})
        child.finish()
        span.finish()


    def main():
        query("select 1")
"""


def test_child_spans_started_by_hand_and_the_packages_own_names(tmp_path: Path) -> None:
    code = migrate_project(tmp_path, {"app.py": CHILDREN})["app.py"]
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert '@trace.get_tracer(__name__).start_as_current_span("query")\n' in code
    assert '    span = trace.get_tracer(__name__).start_span("db.query")\n' in code
    assert (
        '    child = trace.get_tracer(__name__).start_span("db.fetch", context=trace.'
        'set_span_in_context(span) if span else None, attributes={"rows": 1})\n'
    ) in code
    assert program_spans(tmp_path, "native", tmp_path / "app.py").splitlines() == [
        "db.fetch INTERNAL UNSET [('rows', 1)]",
        "db.query INTERNAL UNSET [('sql', 'select 1')]",
        "query INTERNAL UNSET []",
    ]


def test_a_child_span_of_an_unknown_tracer_stays_with_its_uses() -> None:
    code = migrated_source(
        """
        from opentracing_instrumentation.utils import start_child_span


        def query(sql, tracer):
            span = start_child_span("db.query", tracer=tracer)
            span.set_tag("sql", sql)
            span.finish()
        """
    )
    assert "start_child_span's tracer is not provably an OpenTracing tracer" in code
    assert '    span.set_tag("sql", sql)\n' in code and "    span.finish()\n" in code
