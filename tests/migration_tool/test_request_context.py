"""opentracing-instrumentation's request context (``get_current_span()``, ``with
span_in_context(span):``) becomes the OpenTelemetry context's. The legacy side cannot run here
(opentracing-instrumentation pins a Tornado that does not import on this Python), so the migrated
program is run natively and its tree checked."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from tests.migration_tool.projects import migrate_project

APP = """
    import opentracing
    from opentracing_instrumentation.request_context import get_current_span, span_in_context

    tracer = opentracing.global_tracer()


    def handle():
        span = tracer.start_span("handle")
        with span_in_context(span):
            work()
        span.finish()


    def work():
        parent = get_current_span()
        with tracer.start_span("work", child_of=parent) as child:
            child.set_tag("step", 1)


    def main():
        handle()
"""


def test_the_request_context_becomes_the_opentelemetry_context(
    tmp_path: Path, span_tree: Callable[[str, Path], str]
) -> None:
    code = migrate_project(tmp_path, {"app.py": APP})["app.py"]
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert "    with trace.use_span(span, end_on_exit=False):\n" in code
    assert "    parent = trace.get_current_span()\n" in code
    assert span_tree("native", tmp_path / "app.py") == (
        "handle kind=INTERNAL status=UNSET attrs={} events=[]\n"
        "  work kind=INTERNAL status=UNSET attrs={step=1} events=[]"
    )


def test_an_activation_kept_elsewhere_is_marked(tmp_path: Path) -> None:
    code = migrate_project(
        tmp_path,
        {
            "app.py": APP.replace(
                "        with span_in_context(span):\n            work()\n",
                "        activation = span_in_context(span)\n",
            )
        },
    )["app.py"]
    assert "span activation used other than as a with item: activate by hand" in code
    assert "activation = span_in_context(span)" in code
