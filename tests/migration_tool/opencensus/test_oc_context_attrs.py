"""``execution_context.set_opencensus_attr``/``get_opencensus_attr``
(``opencensus/context_attrs.py``): values of the OpenTelemetry context, for the whole module or
not at all."""

from __future__ import annotations

import contextvars
import textwrap
from pathlib import Path

from tests.migration_tool.projects import migrate_project, migrated_source

KEPT = "# TODO(otelbridge): kept on OpenCensus (served by the otelbridge OpenCensus shim): "

HOOKS = """
    from opencensus.trace import execution_context


    def before_request(request):
        execution_context.set_opencensus_attr("request", request)


    def current_request():
        return execution_context.get_opencensus_attr("request")
    """


def test_stores_and_reads_become_values_of_the_otel_context() -> None:
    code = migrated_source(HOOKS)
    assert code == textwrap.dedent(
        """\
        from opentelemetry import context


        def before_request(request):
            context.attach(context.set_value("request", request))


        def current_request():
            return context.get_value("request")
        """
    )


def test_a_value_stored_in_one_hook_is_read_in_another_and_unset_reads_none() -> None:
    namespace: dict[str, object] = {}
    exec(compile(migrated_source(HOOKS), "<migrated>", "exec"), namespace)

    def request_flow() -> tuple[object, object]:
        before = namespace["current_request"]()  # type: ignore[operator]
        namespace["before_request"]("GET /")  # type: ignore[operator]
        return before, namespace["current_request"]()  # type: ignore[operator]

    assert contextvars.copy_context().run(request_flow) == (None, "GET /")


def test_one_store_in_a_with_block_keeps_every_use_of_the_module() -> None:
    code = migrated_source(
        """
        from opencensus.trace import execution_context


        def handle(tracer, request):
            with tracer.span("handle"):
                execution_context.set_opencensus_attr("request", request)


        def current_request():
            return execution_context.get_opencensus_attr("request")
        """
    )
    assert "context.get_value" not in code and "context.set_value" not in code
    reason = "its context attributes stay OpenCensus: an attribute is stored inside a with block"
    assert sum(reason in line for line in code.splitlines()) == 2


def test_the_whole_dict_read_keeps_the_module_s_attributes() -> None:
    code = migrated_source(
        """
        from opencensus.trace import execution_context


        def snapshot():
            execution_context.set_opencensus_attr("seen", True)
            return dict(execution_context.get_opencensus_attrs())
        """
    )
    assert "set_value" not in code
    assert KEPT + "its context attributes stay OpenCensus: the module also reads" in code


STORE = """
    from opencensus.trace import execution_context


    def before_request(request):
        execution_context.set_opencensus_attr("request", request)
    """


def test_a_module_that_keeps_its_attributes_keeps_every_module_s(tmp_path: Path) -> None:
    """A store converted in one module would be lost to a reader kept on OpenCensus in
    another: the project's modules convert together or not at all."""
    reader = """
        from opencensus.trace import execution_context


        def current_request():
            return execution_context.get_opencensus_attrs().get("request")
        """
    files = migrate_project(tmp_path, _app(reader))
    assert "set_value" not in files["app/hooks.py"]
    assert (
        KEPT + "its context attributes stay OpenCensus: app.views keeps its context attributes: "
        "the module also reads or replaces the whole attribute dict" in files["app/hooks.py"]
    )
    assert "execution_context.get_opencensus_attrs()" in files["app/views.py"]


def test_modules_that_all_convert_share_the_value(tmp_path: Path) -> None:
    reader = """
        from opencensus.trace import execution_context


        def current_request():
            return execution_context.get_opencensus_attr("request")
        """
    files = migrate_project(tmp_path, _app(reader))
    assert 'context.attach(context.set_value("request", request))' in files["app/hooks.py"]
    assert 'return context.get_value("request")' in files["app/views.py"]


def _app(reader: str) -> dict[str, str]:
    return {"app/__init__.py": "", "app/hooks.py": STORE, "app/views.py": reader}
