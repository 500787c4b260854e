"""A client hook's flow across modules: a helper starts a child of an optional parent
(``child_of=parent.context if parent is not None else None``), the hook gives it the active span,
injects the child's context into the outgoing headers and hands the span back to be finished.
Migrated as a project, the whole flow converts and runs natively."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from otelbridge.cli import main

SPANS = """
import opentracing


def start_child_span(operation_name, parent=None, tags=None):
    return opentracing.tracer.start_span(
        operation_name=operation_name,
        child_of=parent.context if TEST else None,
        tags=tags,
    )
"""
CLIENT = """
import opentracing
from opentracing import Format

from hooks.spans import start_child_span


def before_request(headers, url):
    span = start_child_span("GET", parent=opentracing.tracer.active_span, tags={"http.url": url})
    carrier = {}
    opentracing.tracer.inject(
        span_context=span.context, format=Format.HTTP_HEADERS, carrier=carrier
    )
    headers.update(carrier)
    return span


def call(url):
    headers = {}
    span = before_request(headers, url)
    span.finish()
    return headers
"""
#: the start of a check program: spans recorded in memory by the global provider
RECORDING = """
from opentelemetry import trace
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
"""
CHECK = RECORDING + """
from hooks.client import call
with trace.get_tracer("check").start_as_current_span("handler") as parent:
    headers = call("http://svc/a")
root_headers = call("http://svc/b")
child, handler, root = exporter.get_finished_spans()
assert child.parent.span_id == handler.context.span_id, child.parent
assert root.parent is None
assert dict(child.attributes) == {"http.url": "http://svc/a"}
assert headers["traceparent"].split("-")[2] == format(child.context.span_id, "016x")
assert root_headers["traceparent"].split("-")[1] == format(root.context.trace_id, "032x")
print("ok")
"""


@pytest.mark.parametrize(
    ("test", "migrated"),
    [("parent is not None", "parent.get_span_context().is_valid"), ("parent", "parent")],
)
def test_a_conditional_parent_and_the_inject_of_a_helper_span_convert_as_one_flow(
    tmp_path: Path, test: str, migrated: str
) -> None:
    """Tested for truth, OpenTelemetry's current span is always taken: an invalid one starts a
    root span, as no parent did."""
    package = tmp_path / "hooks"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "spans.py").write_text(textwrap.dedent(SPANS).lstrip().replace("TEST", test))
    (package / "client.py").write_text(textwrap.dedent(CLIENT).lstrip())
    assert main(["migrate", "--write", "--jobs", "1", str(tmp_path)]) == 1
    spans, client = (package / "spans.py").read_text(), (package / "client.py").read_text()
    for code in (spans, client):
        assert "opentracing" not in code and "TODO(otelbridge)" not in code, code
    # no parent is ``context=None``: the current context, as ``child_of=None`` was (and the
    # ``None`` test of a current span is a validity test, ``tracer.py``)
    assert (
        "context=trace.set_span_in_context(trace.NonRecordingSpan(parent.get_span_context())) "
        f"if {migrated} else None,"
    ) in spans
    assert 'span = start_child_span("GET", parent=trace.get_current_span()' in client
    assert "propagate.inject(carrier, context=trace.set_span_in_context(span))" in client
    assert main(["migrate", "--check", "--jobs", "1", str(tmp_path)]) == 0
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr


SESSION = """
import opentracing
from opentracing.ext import tags


def request(method, url, send):
    with opentracing.tracer.start_active_span("requests." + method) as scope:
        span = scope.span
        span.set_tag(tags.COMPONENT, "requests")
        span.set_tag(tags.SPAN_KIND, tags.SPAN_KIND_RPC_CLIENT)
        response = send(method, url)
        span.set_tag(tags.HTTP_STATUS_CODE, response)
        return response
"""
SESSION_CHECK = RECORDING + """
from session import request
assert request("get", "http://svc", lambda method, url: 200) == 200
(span,) = exporter.get_finished_spans()
assert span.kind == trace.SpanKind.CLIENT, span.kind
assert dict(span.attributes) == {
    "span.kind": "client", "component": "requests", "http.status_code": 200
}, span.attributes
print("ok")
"""


def test_a_kind_tag_set_through_an_alias_of_scope_span_moves_into_the_creation(
    tmp_path: Path,
) -> None:
    (tmp_path / "session.py").write_text(textwrap.dedent(SESSION).lstrip())
    assert main(["migrate", "--write", "--jobs", "1", str(tmp_path)]) == 1
    code = (tmp_path / "session.py").read_text()
    assert "opentracing" not in code and "TODO(otelbridge)" not in code, code
    assert 'start_as_current_span("requests." + method, kind=trace.SpanKind.CLIENT)' in code
    # beside kind=, the attribute the bridge records too (by default: ``--semconv``)
    assert 'span.set_attribute("span.kind", "client")' in code
    assert 'span.set_attribute("component", "requests")' in code
    result = subprocess.run(
        [sys.executable, "-c", SESSION_CHECK],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_handlers_of_what_only_opentracing_propagation_raised_go_with_it() -> None:
    from otelbridge.migration_tool.pipeline import migrate_source

    source = textwrap.dedent(
        """
        import opentracing
        from opentracing import Format


        def outgoing(headers):
            try:
                # the caller's context
                opentracing.tracer.inject(
                    opentracing.tracer.active_span.context, Format.HTTP_HEADERS, headers
                )
            except opentracing.UnsupportedFormatException:
                pass
            return headers


        def incoming(headers):
            try:
                context = opentracing.tracer.extract(Format.TEXT_MAP, headers)
            except (opentracing.InvalidCarrierException, opentracing.SpanContextCorruptedException):
                context = None
            except ValueError:
                context = None
            # (returned, it would escape: without the project index, kept on OpenTracing)
            with opentracing.tracer.start_active_span("incoming", child_of=context):
                pass


        def binary(carrier):
            try:
                opentracing.tracer.inject(
                    opentracing.tracer.active_span.context, Format.BINARY, carrier
                )
            except opentracing.UnsupportedFormatException:
                pass
        """
    ).lstrip()
    code = migrate_source(source).code
    assert migrate_source(code).code == code
    outgoing, incoming, binary = code.split("\ndef ")[1:]
    # propagate.inject/extract never raise them: the handlers were dead code
    assert outgoing == (
        "outgoing(headers):\n"
        "    # the caller's context\n"
        "    propagate.inject(headers)\n"
        "    return headers\n\n"
    )
    assert "except ValueError:" in incoming and "opentracing" not in incoming
    # a BINARY inject stays OpenTracing, and so does what catches its error
    assert "except opentracing.UnsupportedFormatException:" in binary
    assert "Format.BINARY has no OpenTelemetry propagator" in binary


SESSION_INJECT = """
import opentracing
from opentracing import Format


def headers_of(request):
    return request.setdefault("headers", {})


class Session:
    def _get_tracer(self):
        return opentracing.tracer

    def send(self, request):
        span = self._get_tracer().active_span
        try:
            self._get_tracer().inject(span.context, Format.HTTP_HEADERS, request["headers"])
        except opentracing.UnsupportedFormatException:
            pass
        return request

    def send_other(self, request):
        span = self._get_tracer().active_span
        try:
            self._get_tracer().inject(span.context, Format.HTTP_HEADERS, headers_of(request))
        except opentracing.UnsupportedFormatException:
            request["untraced"] = True
        return request
"""


def test_in_a_project_a_handler_goes_unless_the_try_calls_project_code(tmp_path: Path) -> None:
    """The tracer's getter is not called any more; ``headers_of`` might still raise it."""
    (tmp_path / "session.py").write_text(textwrap.dedent(SESSION_INJECT).lstrip())
    assert main(["migrate", "--write", "--jobs", "1", str(tmp_path)]) == 1
    code = (tmp_path / "session.py").read_text()
    send, send_other = code.split("    def send")[1:]
    assert "try:" not in send and 'propagate.inject(request["headers"])' in send, send
    assert "except opentracing.UnsupportedFormatException:" in send_other
    assert "propagate.inject(headers_of(request))" in send_other


def test_a_tracer_defaulting_to_the_global_one_is_kept_whole_where_its_use_is_kept() -> None:
    """``tracer = tracer or opentracing.tracer`` used where the tracer's kind is unknown: the
    global tracer operand stays too, or the kept ``start_span(operation_name=...)`` would be
    called on an OpenTelemetry tracer."""
    from otelbridge.migration_tool.pipeline import migrate_source

    source = textwrap.dedent(
        """
        import opentracing


        def start_child_span(operation_name, tracer=None):
            tracer = tracer or opentracing.tracer
            return tracer.start_span(operation_name=operation_name)
        """
    ).lstrip()
    code = migrate_source(source).code
    assert migrate_source(code).code == code
    assert "tracer = tracer or opentracing.tracer\n" in code and "trace.get_tracer" not in code
    assert "tracer of unknown type" in code
    scope: dict[str, object] = {}
    exec(compile(code, "<migrated>", "exec"), scope)  # runs as written (served by the bridge)
    scope["start_child_span"]("work").finish()  # type: ignore[operator]
