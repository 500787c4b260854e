"""``start_span()`` in one function and ``end_span()`` in another (``opencensus/handoffs.py``): the
detach token goes along in the context, for the whole module or not at all. The behaviour (same
span tree as OpenCensus) is checked on ``tests/fixtures/opencensus/handoffs.py``."""

from __future__ import annotations

import textwrap

from tests.migration_tool.projects import migrated_source

KEPT = "# TODO(otelbridge): kept on OpenCensus (served by the otelbridge OpenCensus shim): "


def test_callbacks_hand_the_span_and_its_detach_token_over_in_the_context() -> None:
    code = migrated_source(
        """
        from opencensus.trace import execution_context
        from opencensus.trace import span as span_module


        def on_send(message):
            tracer = execution_context.get_opencensus_tracer()
            span = tracer.start_span()
            span.name = "send"
            span.span_kind = span_module.SpanKind.CLIENT
            tracer.add_attribute_to_current_span("size", len(message))


        def on_sent():
            execution_context.get_opencensus_tracer().end_span()
        """
    )
    assert code == textwrap.dedent(
        """\
        from opentelemetry import context, trace


        def on_send(message):
            tracer = trace.get_tracer(__name__)
            span = tracer.start_span("send", kind=trace.SpanKind.CLIENT)
            span_token = context.attach(trace.set_span_in_context(span))
            context.attach(context.set_value("otelbridge.started_span_token", span_token))
            trace.get_current_span().set_attribute("size", len(message))


        def on_sent():
            trace.get_current_span().end()
            context.detach(context.get_value("otelbridge.started_span_token"))
        """
    )


def test_one_span_that_stays_opencensus_keeps_the_module_s_other_hand_offs_too() -> None:
    code = migrated_source(
        """
        from opencensus.trace import execution_context


        def on_send():
            span = execution_context.get_opencensus_tracer().start_span("send")
            return span.span_id


        def on_receive():
            tracer = execution_context.get_opencensus_tracer()
            tracer.start_span("receive")


        def on_done():
            tracer = execution_context.get_opencensus_tracer()
            tracer.end_span()
        """
    )
    assert "opentelemetry" not in code and "otelbridge.started_span_token" not in code
    lines = code.splitlines()
    for statement in ('tracer.start_span("receive")', "tracer.end_span()"):
        above = lines[lines.index("    " + statement) - 1]
        assert above.startswith("    " + KEPT), statement
        assert "other start_span()/end_span() calls, and 'span' stays OpenCensus" in above
