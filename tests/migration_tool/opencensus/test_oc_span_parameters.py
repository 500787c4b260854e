"""Helpers that take their caller's OpenCensus span as a parameter (``span_parameters.py``): known
by the methods only OpenCensus spans have, converted together with every span passed to them or
kept together. The behaviour is checked on ``tests/fixtures/opencensus/helpers.py``."""

from __future__ import annotations

import textwrap

from tests.migration_tool.projects import migrated_source

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
