"""Typed OpenTracing code (``transforms/annotations.py``): a hint naming an OpenTracing class
follows what the name holds once migrated, and a hint alone does not stop a conversion (a
``span: Span`` helper given a scope's span converts with its caller)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.migration_tool.projects import migrate_project, program_spans, write_project

TYPED = """
    from typing import Optional

    import opentracing
    from opentracing import Span, Tracer
    from opentracing.propagation import Format


    class Handler:
        def __init__(self, tracer: Tracer) -> None:
            self._tracer: Tracer = tracer

        def handle(self, headers: dict) -> None:
            parent: Optional[opentracing.SpanContext] = self._tracer.extract(
                Format.HTTP_HEADERS, headers
            )
            with self._tracer.start_active_span("handle", child_of=parent) as scope:
                self._tag(scope.span, len(headers))

        def _tag(self, span: Span, size: int) -> None:
            span.set_tag("headers", size)


    def start(tracer: Tracer, name: str) -> Span:
        return tracer.start_span(name)


    def main() -> None:
        tracer = opentracing.global_tracer()
        Handler(tracer).handle({})
        span = start(tracer, "started")
        span.set_tag("typed", True)
        span.finish()
"""

EXPECTED = """
    from typing import Optional

    from opentelemetry import context, propagate, trace


    class Handler:
        def __init__(self, tracer: trace.Tracer) -> None:
            self._tracer: trace.Tracer = tracer

        def handle(self, headers: dict) -> None:
            parent: Optional[context.Context] = propagate.extract(headers)
            with self._tracer.start_as_current_span("handle", context=parent) as span:
                self._tag(span, len(headers))

        def _tag(self, span: trace.Span, size: int) -> None:
            span.set_attribute("headers", size)


    def start(tracer: trace.Tracer, name: str) -> trace.Span:
        return tracer.start_span(name)


    def main() -> None:
        tracer = trace.get_tracer(__name__)
        Handler(tracer).handle({})
        span = start(tracer, "started")
        span.set_attribute("typed", True)
        span.end()
"""


def test_hints_follow_the_objects_and_the_program_runs_as_before(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy" / "app.py"
    write_project(legacy.parent, {"app.py": TYPED})
    code = migrate_project(tmp_path / "migrated", {"app.py": TYPED})["app.py"]
    assert code == textwrap.dedent(EXPECTED).lstrip("\n")
    migrated = program_spans(tmp_path, "native", tmp_path / "migrated" / "app.py")
    assert migrated == program_spans(tmp_path, "bridge", legacy)
    assert "handle INTERNAL UNSET [('headers', 0)]" in migrated
    assert "started INTERNAL UNSET [('typed', True)]" in migrated


def test_a_name_kept_on_opentracing_keeps_its_hint(tmp_path: Path) -> None:
    kept = """
        import requests
        from opentracing import Span, Tracer


        def send(tracer: Tracer, span: Span) -> None:
            tracer.inject(span.context, "http_headers", {})
            requests.post("http://127.0.0.1:9/", data=span)  # the span leaves the project
    """
    code = migrate_project(tmp_path, {"app.py": kept})["app.py"]
    assert "def send(tracer: Tracer, span: Span) -> None:" in code
    assert "from opentracing import Span, Tracer" in code


#: A library whose tracer parameters may be ``None`` (the global tracer then serves), read through
#: typed properties; the application never gives one, so only the hints say what they hold (or,
#: the parameter untyped, what the property gives its callers).
LIBRARY = {
    "mylib/__init__.py": "",
    "mylib/client.py": """
        from __future__ import annotations

        from typing import Optional, Union

        import opentracing
        from opentracing import Span, Tracer


        class Client:
            def __init__(self, tracer: Optional[Tracer] = None) -> None:
                self._tracer = tracer

            @property
            def tracer(self) -> Tracer:
                return self._tracer or opentracing.tracer

            def call(self, name: str) -> None:
                with self.tracer.start_active_span(name) as scope:
                    scope.span.set_tag("client", True)


        def start(
            name: str, tracer: Union[Tracer, None] = None, other: Tracer | None = None
        ) -> Span:
            return (tracer or other or opentracing.global_tracer()).start_span(name)


        class Untyped:
            def __init__(self, tracer=None) -> None:
                self._tracer = tracer

            @property
            def tracer(self) -> Tracer:
                return self._tracer or opentracing.tracer


        def maybe(wanted: bool) -> Optional[Tracer]:
            if not wanted:
                return None
            return opentracing.global_tracer()
    """,
    "app.py": """
        from mylib.client import Client, Untyped, maybe, start


        def main():
            Client().call("call")
            span = start("started")
            span.finish()
            with Untyped().tracer.start_active_span("untyped"):
                maybe(True).start_span("maybe").finish()
    """,
}


def test_optional_tracer_hints_follow_the_tracer_they_may_hold(tmp_path: Path) -> None:
    write_project(tmp_path / "legacy", LIBRARY)
    code = migrate_project(tmp_path / "migrated", LIBRARY)["mylib/client.py"]
    assert "opentracing" not in code
    assert "def __init__(self, tracer: Optional[trace.Tracer] = None) -> None:" in code
    assert "def tracer(self) -> trace.Tracer:" in code
    assert (
        "    name: str, tracer: Union[trace.Tracer, None] = None,"
        " other: trace.Tracer | None = None\n) -> trace.Span:\n"
    ) in code
    assert "    def tracer(self) -> trace.Tracer:\n" in code.split("class Untyped")[1]
    assert "def maybe(wanted: bool) -> Optional[trace.Tracer]:" in code
    migrated = program_spans(tmp_path / "migrated", "native", tmp_path / "migrated" / "app.py")
    assert migrated == program_spans(tmp_path / "legacy", "bridge", tmp_path / "legacy" / "app.py")
    assert "call INTERNAL UNSET [('client', True)]" in migrated
    assert "started INTERNAL UNSET []" in migrated and "maybe INTERNAL UNSET []" in migrated
