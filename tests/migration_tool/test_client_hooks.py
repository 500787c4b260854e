"""A client integration of the Tornado-integration shape: module globals set by an init function
(a tracer, a user callback), a span per request, its context injected into the request's
headers, and the span finished by ``functools.partial(_finish, span=span)`` registered on the
request's future; and ``with tracer_stack_context():`` blocks, which OpenTelemetry does not need.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from otelbridge.cli import main
from otelbridge.migration_tool.pipeline import migrate_source

CLIENT = """
    import functools

    import opentracing
    from opentracing.ext import tags

    g_tracer = None
    g_on_span = None


    def init(tracer=None, on_span=None):
        global g_tracer, g_on_span
        g_tracer = tracer
        g_on_span = on_span


    def _tracer():
        if g_tracer is None:
            return opentracing.tracer
        return g_tracer


    def fetch(send, request):
        span = _tracer().start_span(request["method"])
        span.set_tag(tags.SPAN_KIND, tags.SPAN_KIND_RPC_CLIENT)
        span.set_tag(tags.HTTP_URL, request["url"])
        _tracer().inject(span.context, opentracing.Format.HTTP_HEADERS, request["headers"])
        if g_on_span is not None:
            g_on_span(span, request)
        future = send(request)
        future.add_done_callback(functools.partial(_finish, span=span))
        return future


    def _finish(future, span):
        if future.exception() is not None:
            span.set_tag(tags.ERROR, True)
        else:
            span.set_tag(tags.HTTP_STATUS_CODE, future.result())
        span.finish()
"""

APP = """
    from concurrent.futures import Future

    from opentracing import global_tracer

    import client


    def on_span(span, request):
        span.set_tag("caller", "app")


    def send(request):
        future = Future()
        if "traceparent" in request["headers"] or "uber-trace-id" in request["headers"]:
            future.set_result(200)
        else:
            future.set_exception(RuntimeError("no trace context sent"))
        return future


    def main():
        client.init(on_span=on_span)
        with global_tracer().start_active_span("job"):
            client.fetch(send, {"method": "GET", "url": "/a", "headers": {}})
"""

TREE = (
    "job kind=INTERNAL status=UNSET attrs={} events=[]\n"
    "  GET kind=CLIENT status=UNSET attrs={caller='app', http.status_code=200, http.url='/a'}"
    " events=[]"
)


def _write(root: Path) -> Path:
    for name, text in {"client.py": CLIENT, "app.py": APP}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _write(tmp_path_factory.mktemp("client") / "project")
    assert main(["migrate", "--write", "--jobs", "1", str(root)]) == 1
    return root


def test_the_span_finished_by_a_partial_callback_is_converted(migrated: Path) -> None:
    code = (migrated / "client.py").read_text()
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert "future.add_done_callback(functools.partial(_finish, span=span))" in code
    assert "span.end()" in code
    assert 'span.set_attribute("caller", "app")' in (migrated / "app.py").read_text()
    assert main(["migrate", "--check", "--jobs", "1", str(migrated)]) == 0


def test_the_migrated_client_runs_natively_with_the_same_tree(
    migrated: Path, span_tree: Callable[[str, Path], str], tmp_path: Path
) -> None:
    legacy = _write(tmp_path / "legacy")
    assert span_tree("shim", legacy / "app.py") == TREE
    assert span_tree("native", migrated / "app.py") == TREE


def test_a_partial_handed_a_span_for_a_function_outside_the_project_keeps_it() -> None:
    code = migrate_source(
        textwrap.dedent(
            """
            import functools
            import opentracing
            from somewhere import finish

            def go(future):
                span = opentracing.global_tracer().start_span("go")
                future.add_done_callback(functools.partial(finish, span=span))
            """
        )
    ).code
    assert "start_span" in code and "opentracing" in code
    assert "TODO(otelbridge): OpenTracing span passed to other code" in code


def test_tracer_stack_context_blocks_become_their_statements() -> None:
    code = migrate_source(
        textwrap.dedent(
            """
            from opentracing.scope_managers.tornado import tracer_stack_context


            def execute(func, handler, args, kwargs):
                tracing = handler.settings.get("tracing")
                # the handler's context
                with tracer_stack_context():
                    if tracing.enabled:
                        tracing.start(handler)
                    return func(*args, **kwargs)
            """
        )
    ).code
    assert code.lstrip() == textwrap.dedent(
        """\
        def execute(func, handler, args, kwargs):
            tracing = handler.settings.get("tracing")
            # the handler's context
            if tracing.enabled:
                tracing.start(handler)
            return func(*args, **kwargs)
        """
    )


def test_handlers_of_opentracing_carrier_errors_go_with_the_extraction() -> None:
    code = migrate_source(
        textwrap.dedent(
            """
            import opentracing
            from opentracing import Format

            tracer = opentracing.global_tracer()


            def serve(headers):
                # the caller's context
                try:
                    parent = tracer.extract(Format.HTTP_HEADERS, headers)
                except (opentracing.InvalidCarrierException,
                        opentracing.SpanContextCorruptedException):
                    raise
                with tracer.start_active_span("serve", child_of=parent):
                    pass


            def other(headers):
                try:
                    return int(headers["retries"])
                except ValueError:
                    return None
            """
        )
    ).code
    assert "    # the caller's context\n    parent = propagate.extract(headers)\n" in code
    assert "InvalidCarrierException" not in code and "import opentracing" not in code
    assert "except ValueError:" in code
