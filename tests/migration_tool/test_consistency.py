"""Objects are converted together with their uses or kept together with them (issue shapes)."""

from __future__ import annotations

import textwrap

from otelbridge.migration_tool.pipeline import migrate_source


def migrated(source: str) -> str:
    return migrate_source(textwrap.dedent(source).lstrip("\n")).code


def test_a_module_tracer_bound_below_its_uses_is_converted_with_them() -> None:
    code = migrated(
        """
        import opentracing


        def work():
            with tracer.start_active_span("work") as scope:
                scope.span.set_tag("ok", True)


        tracer = opentracing.global_tracer()
        """
    )
    assert "TODO(otelbridge)" not in code and "opentracing" not in code
    assert 'with tracer.start_as_current_span("work") as span:' in code
    assert "tracer = trace.get_tracer(__name__)" in code


def test_the_global_tracer_returned_to_unseen_callers_stays_opentracing() -> None:
    """A library property returning ``opentracing.tracer`` serves callers that call
    ``start_active_span`` on it: rewriting only the return would break every one of them."""
    code = migrated(
        """
        import opentracing


        class Tracing(object):
            def __init__(self, tracer=None):
                self._tracer_obj = tracer

            @property
            def tracer(self):
                if self._tracer_obj is None:
                    return opentracing.tracer
                return self._tracer_obj
        """
    )
    lines = code.splitlines()
    at = lines.index("            return opentracing.tracer")
    assert lines[at - 1].strip() == (
        "# TODO(otelbridge): OpenTracing tracer returned: kept on OpenTracing"
    )
    assert "get_tracer" not in code
    assert migrate_source(code).code == code
