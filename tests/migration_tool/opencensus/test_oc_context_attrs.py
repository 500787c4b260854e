"""``execution_context.set_opencensus_attr``/``get_opencensus_attr``
(``opencensus/context_attrs.py``): values of the OpenTelemetry context, for the whole module or
not at all."""

from __future__ import annotations

import contextvars
import textwrap

from tests.migration_tool.projects import migrated_source

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
