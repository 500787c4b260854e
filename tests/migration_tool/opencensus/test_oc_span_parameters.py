"""Helpers that take their caller's OpenCensus span or tracer as a parameter
(``span_parameters.py``): known by the methods only OpenCensus spans or tracers have, converted
together with every span or tracer passed to them or kept together. The behaviour is checked on
``tests/fixtures/opencensus/helpers.py`` and ``tracer_parameters.py``."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.migration_tool.projects import migrate_project, migrated_source

KEPT = "# TODO(otelbridge): kept on OpenCensus (served by the otelbridge OpenCensus shim): "


def _marker_above(code: str, statement: str) -> str:
    lines = code.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == statement)
    return lines[index - 1].strip()


def test_a_helper_given_only_converted_spans_converts_with_them() -> None:
    code = migrated_source(
        """
        from opencensus.trace import execution_context


        def _tag(span, user):
            span.name = "user " + user
            span.add_attribute("user", user)


        def handle(user):
            with execution_context.get_opencensus_tracer().span("request") as span:
                _tag(span, user)
        """
    )
    assert code == textwrap.dedent(
        """\
        from opentelemetry import trace


        def _tag(span, user):
            span.update_name("user " + user)
            span.set_attribute("user", user)


        def handle(user):
            with trace.get_tracer(__name__).start_as_current_span("request") as span:
                _tag(span, user)
        """
    )


def test_one_caller_whose_span_stays_keeps_the_helper_and_its_other_callers() -> None:
    code = migrated_source(
        """
        from opencensus.trace import execution_context


        def _tag(span, user):
            span.add_attribute("user", user)


        def handle(user):
            with execution_context.get_opencensus_tracer().span("request") as span:
                _tag(span, user)


        def audit(user):
            with execution_context.get_opencensus_tracer().span("audit") as span:
                _tag(span, user)
                return span.span_id
        """
    )
    assert "opentelemetry" not in code
    assert _marker_above(code, 'span.add_attribute("user", user)').startswith(
        KEPT + "'span' stays OpenCensus: a call of _tag() gives it span 'span', which stays "
        "OpenCensus (span.span_id has no OpenTelemetry equivalent)"
    )
    first = code.splitlines().index("def handle(user):")
    marker = code.splitlines()[first + 3].strip()
    assert marker.startswith(KEPT) and "is passed to _tag(), whose parameter 'span'" in marker


def test_helpers_whose_callers_are_not_all_known_stay() -> None:
    code = migrated_source(
        """
        from opencensus.trace import execution_context


        def tag(span, user):
            span.add_attribute("user", user)


        def _note(span):
            span.add_annotation("noted")


        HOOKS = [_note]


        def handle(user):
            with execution_context.get_opencensus_tracer().span("request") as span:
                tag(span, user)
                _note(span)
        """
    )
    assert "opentelemetry" not in code
    assert "tag() is public: other modules may call it with their spans" in _marker_above(
        code, 'span.add_attribute("user", user)'
    )
    assert "_note() is used as a value" in _marker_above(code, 'span.add_annotation("noted")')


def test_private_methods_called_through_self_convert_with_their_callers_spans() -> None:
    code = migrated_source(
        """
        from opencensus.trace import execution_context


        class Handler:
            def _tag(self, span, user):
                span.add_attribute("user", user)

            def handle(self, user):
                with execution_context.get_opencensus_tracer().span("request") as span:
                    self._tag(span, user)


        class Audit(Handler):
            def audit(self, span):
                self._tag(span, "audit")
        """
    )
    # a call from another class (a subclass here) is a caller the module cannot vouch for
    assert "_tag() is used other than as self._tag(...) in its class" in _marker_above(
        code, 'span.add_attribute("user", user)'
    )
    alone = migrated_source(
        """
        from opencensus.trace import execution_context


        class Handler:
            def _tag(self, span, user):
                span.add_attribute("user", user)

            def handle(self, user):
                with execution_context.get_opencensus_tracer().span("request") as span:
                    self._tag(span, user)
        """
    )
    assert "opencensus" not in alone and 'span.set_attribute("user", user)' in alone


#: A tracer made in main() and handed to the helper that traces with it.
HANDED_TRACER = """
    from opencensus.trace.samplers import AlwaysOnSampler
    from opencensus.trace.tracer import Tracer


    def main():
        tracer = Tracer(sampler=AlwaysOnSampler())
        for line in ["a", "b"]:
            handle(line, tracer)


    def handle(line, tracer):
        with tracer.span(name="repl") as span:
            span.add_attribute("len", len(line))
    """
PRIVATE_HELPER = HANDED_TRACER.replace("handle(", "_handle(")


def test_a_helper_given_only_converted_tracers_converts_with_them(tmp_path: Path) -> None:
    code = migrate_project(tmp_path, {"app.py": HANDED_TRACER})["app.py"]
    assert "opencensus" not in code
    assert 'configure(sampler="always_on")' in code
    assert "    tracer = trace.get_tracer(__name__)\n" in code
    assert "        handle(line, tracer)\n" in code
    assert (
        textwrap.dedent(
            """\
        def handle(line, tracer):
            with tracer.start_as_current_span("repl") as span:
                span.set_attribute("len", len(line))
        """
        )
        in code
    )


def test_a_tracer_handed_down_a_chain_of_private_helpers_converts() -> None:
    code = migrated_source(
        """
        from opencensus.trace.tracer import Tracer


        def main():
            tracer = Tracer()
            _handle("a", tracer)


        def _handle(line, tracer):
            with tracer.span(name="line"):
                _count(tracer, line)


        def _count(tracer, line):
            span = tracer.start_span("count")
            span.add_attribute("words", len(line.split()))
            tracer.end_span()
        """
    )
    assert "opencensus" not in code and "TODO(otelbridge): kept" not in code
    assert '    with tracer.start_as_current_span("line"):\n' in code
    assert '    with tracer.start_as_current_span("count") as span:\n' in code


def test_a_tracer_that_stays_keeps_its_helper() -> None:
    code = migrated_source(
        PRIVATE_HELPER.replace(
            "            _handle(line, tracer)",
            "            _handle(line, tracer)\n        return tracer.exporter",
        )
    )
    assert "start_as_current_span" not in code
    assert _marker_above(code, 'with tracer.span(name="repl") as span:').startswith(
        KEPT + "'tracer' stays OpenCensus: a call of _handle() gives it tracer 'tracer', which "
        "stays OpenCensus (tracer.exporter has no OpenTelemetry equivalent)"
    )


def test_a_helper_given_another_tracer_keeps_the_tracers_passed_to_it() -> None:
    code = migrated_source(
        PRIVATE_HELPER
        + """

    def audit(tracer_factory):
        _handle("audit", tracer_factory())
    """
    )
    assert "start_as_current_span" not in code and "get_tracer" not in code
    assert _marker_above(code, "_handle(line, tracer)").startswith(
        KEPT + "'tracer' stays OpenCensus: 'tracer' is passed to _handle(), whose parameter "
        "'tracer' stays OpenCensus (a call of _handle() gives it something other than a tracer "
        "made here)"
    )


def test_a_public_helper_other_modules_import_keeps_the_tracers_passed_to_it(
    tmp_path: Path,
) -> None:
    files = migrate_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/lines.py": HANDED_TRACER,
            "app/other.py": "from app.lines import handle\n",
        },
    )
    code = files["app/lines.py"]
    assert "start_as_current_span" not in code
    assert "handle() is public: other modules may call it with their tracers" in _marker_above(
        code, 'with tracer.span(name="repl") as span:'
    )


CONTEXT_TRACER = """
    from opencensus.trace import execution_context


    def _handle(line, tracer):
        with tracer.span(name="line"):
            pass


    def work(lines):
        for line in lines:
            _handle(line, execution_context.get_opencensus_tracer())
    """


def test_the_context_tracer_given_to_a_helper_converts_with_it() -> None:
    code = migrated_source(CONTEXT_TRACER)
    assert "opencensus" not in code
    assert "        _handle(line, trace.get_tracer(__name__))\n" in code
    assert '    with tracer.start_as_current_span("line"):\n' in code


def test_the_context_tracer_given_to_a_helper_that_stays_is_marked_with_why() -> None:
    code = migrated_source(
        CONTEXT_TRACER + '\n\n    def audit():\n        _handle("x", object())\n'
    )
    assert "start_as_current_span" not in code and "get_tracer" not in code
    assert _marker_above(code, "_handle(line, execution_context.get_opencensus_tracer())") == (
        KEPT + "'tracer' stays OpenCensus: a call of _handle() gives it something other than a "
        "tracer made here"
    )
