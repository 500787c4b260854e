"""Scopes stored on a request object by one hook and closed by another (``stored_scopes.py``).

A small middleware library of the shape framework integrations have: ``start`` extracts the
caller's context (under ``try``/``except`` of OpenTracing's carrier errors), starts an active span
and stores the scope on the request with ``setattr`` and a constant name; ``finish`` reads it back
with ``getattr``, tags it, marks errors and closes it; ``current`` returns the stored span; the
tracer is a property falling back on the global tracer; a user callback gets each new span. An
application handles a good and a failing request. Migrated, the flow is one OpenTelemetry flow
(a span and the token of its context) and the program, run natively, makes the tree it made
under the shim.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from otelbridge.cli import main

LIBRARY = """
    import opentracing
    from opentracing.ext import tags

    from .names import SCOPE_ATTR


    class Middleware(object):
        def __init__(self, tracer=None, on_span=None):
            self._tracer_obj = tracer
            self._on_span = on_span

        @property
        def tracer(self):
            if self._tracer_obj is None:
                return opentracing.tracer
            return self._tracer_obj

        def current(self, request):
            scope = getattr(request, SCOPE_ATTR, None)
            return None if scope is None else scope.span

        def start(self, request):
            try:
                parent = self.tracer.extract(opentracing.Format.HTTP_HEADERS, request.headers)
                scope = self.tracer.start_active_span(request.path, child_of=parent)
            except (opentracing.InvalidCarrierException,
                    opentracing.SpanContextCorruptedException):
                scope = self.tracer.start_active_span(request.path)
            setattr(request, SCOPE_ATTR, scope)
            scope.span.set_tag(tags.SPAN_KIND, tags.SPAN_KIND_RPC_SERVER)
            scope.span.set_tag(tags.HTTP_URL, request.path)
            if self._on_span is not None:
                self._on_span(scope.span, request)
            return scope

        def finish(self, request, error=None):
            scope = getattr(request, SCOPE_ATTR, None)
            if scope is None:
                return
            delattr(request, SCOPE_ATTR)
            if error is not None:
                scope.span.set_tag(tags.ERROR, True)
            else:
                scope.span.set_tag(tags.HTTP_STATUS_CODE, 200)
            scope.close()
"""

APP = """
    from opentracing import global_tracer

    from mw.middleware import Middleware


    class Request(object):
        def __init__(self, path):
            self.path = path
            self.headers = {}


    def child(tracing, request):
        with global_tracer().start_active_span("child") as scope:
            scope.span.set_tag("path", request.path)


    def handle(tracing, request, fail):
        tracing.start(request)
        try:
            child(tracing, request)
            if fail:
                raise ValueError("boom")
        except Exception as exc:
            tracing.finish(request, error=exc)
            return
        tracing.finish(request)


    def tag_user(span, request):
        span.set_tag("user", "u1")


    def main():
        tracing = Middleware(on_span=tag_user)
        handle(tracing, Request("/ok"), False)
        handle(tracing, Request("/bad"), True)
        assert tracing.current(Request("/none")) is None
"""

TREE = """
    /bad kind=SERVER status=ERROR attrs={http.url='/bad', user='u1'} events=[]
      child kind=INTERNAL status=UNSET attrs={path='/bad'} events=[]
    /ok kind=SERVER status=UNSET attrs={http.status_code=200, http.url='/ok', user='u1'} events=[]
      child kind=INTERNAL status=UNSET attrs={path='/ok'} events=[]
    """


def _write(root: Path) -> Path:
    files = {
        "mw/__init__.py": "",
        "mw/names.py": "SCOPE_ATTR = '__scope'\n",
        "mw/middleware.py": LIBRARY,
        "app.py": APP,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _write(tmp_path_factory.mktemp("stored") / "project")
    assert main(["migrate", "--write", "--jobs", "1", str(root)]) == 1
    return root


def test_the_stored_scope_becomes_a_span_and_a_context_token(migrated: Path) -> None:
    code = (migrated / "mw" / "middleware.py").read_text()
    assert "opentracing" not in code
    assert "parent = propagate.extract(request.headers)" in code
    assert (
        "scope_span = self.tracer.start_span(request.path, context=parent, "
        "kind=trace.SpanKind.SERVER)"
    ) in code
    assert "scope = (scope_span, context.attach(trace.set_span_in_context(scope_span)))" in code
    assert "setattr(request, SCOPE_ATTR, scope)" in code
    assert "except" not in code  # OpenTelemetry's extract raises no carrier errors
    assert "return None if scope is None else scope[0]" in code
    assert "scope[0].set_status(trace.Status(trace.StatusCode.ERROR))" in code
    assert "scope[0].end()\n        context.detach(scope[1])" in code
    assert "return trace.get_tracer(__name__)" in code
    assert "TODO(otelbridge)" not in code


def test_the_callback_the_project_gives_the_library_takes_the_new_span(migrated: Path) -> None:
    code = (migrated / "app.py").read_text()
    assert 'span.set_attribute("user", "u1")' in code
    assert "opentracing" not in code


def test_a_callback_from_outside_the_project_is_marked(tmp_path: Path) -> None:
    root = _write(tmp_path / "project")
    (root / "app.py").unlink()
    assert main(["migrate", "--write", "--jobs", "1", str(root)]) == 1
    code = (root / "mw" / "middleware.py").read_text()
    assert "self._on_span(scope_span, request)" in code
    assert "TODO(otelbridge): span handed to `self._on_span`, a callback" in code
    assert "start_active_span" not in code


def test_a_second_run_changes_nothing(migrated: Path) -> None:
    assert main(["migrate", "--check", "--jobs", "1", str(migrated)]) == 0


def test_the_migrated_program_runs_natively_with_the_same_tree(
    migrated: Path, span_tree: Callable[[str, Path], str], tmp_path: Path
) -> None:
    legacy = _write(tmp_path / "legacy")
    assert span_tree("shim", legacy / "app.py") == textwrap.dedent(TREE).strip()
    assert span_tree("native", migrated / "app.py") == textwrap.dedent(TREE).strip()


def test_a_reader_using_the_scope_otherwise_keeps_the_flow(tmp_path: Path) -> None:
    root = _write(tmp_path / "project")
    library = root / "mw" / "middleware.py"
    library.write_text(
        library.read_text().replace("scope.close()", "scope.close()\n        print(scope)")
    )
    assert main(["migrate", "--write", "--jobs", "1", str(root)]) == 1
    code = library.read_text()
    assert "start_active_span" in code and "scope.close()" in code
    assert "context.attach" not in code and "scope[0]" not in code


ATTRIBUTE_HOOKS = """
    import opentracing


    def on_request(request):
        scope = opentracing.global_tracer().start_active_span(request.path)
        request._scope = scope
        scope.span.set_tag("path", request.path)


    def on_response(request, status):
        scope = request._scope
        scope.span.set_tag("status", status)
        scope.close()
"""


def test_a_scope_stored_as_an_attribute_converts_too() -> None:
    from otelbridge.migration_tool.pipeline import migrate_source

    code = migrate_source(textwrap.dedent(ATTRIBUTE_HOOKS)).code
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert "request._scope = scope" in code
    assert 'scope_span.set_attribute("path", request.path)' in code
    assert 'scope[0].set_attribute("status", status)' in code
    assert "scope[0].end()\n    context.detach(scope[1])" in code


def test_a_read_back_used_another_way_keeps_every_part() -> None:
    from otelbridge.migration_tool.pipeline import migrate_source

    source = textwrap.dedent(ATTRIBUTE_HOOKS) + textwrap.dedent(
        """

        def peek(request):
            return request._scope.span.operation_name
        """
    )
    code = migrate_source(source).code
    assert "start_active_span" in code and "scope.close()" in code
    assert "scope[0]" not in code and "context.attach" not in code


DIRECT_HOOKS = """
    import opentracing
    from opentracing.ext import tags


    class Hooks(object):
        def __init__(self, tracer=None):
            self._tracer = tracer or opentracing.tracer

        def before(self, request):
            request.tracing_scope = self._tracer.start_active_span(request.path)
            request.tracing_scope.span.set_tag(tags.SPAN_KIND, tags.SPAN_KIND_RPC_SERVER)

        def after(self, request, error=None):
            if getattr(request, "tracing_scope", None) is None:
                return
            if error is not None:
                request.tracing_scope.span.set_tag(tags.ERROR, True)
            request.tracing_scope.close()


    class Handler(object):
        def __init__(self):
            self.tracer = opentracing.global_tracer()

        def on_start(self):
            self._scope = self.tracer.start_active_span("handle")

        def on_end(self):
            self._scope.span.set_tag("done", True)
            self._scope.close()
"""


def test_a_creation_stored_as_it_is_gets_a_span_variable(tmp_path: Path) -> None:
    (tmp_path / "hooks.py").write_text(textwrap.dedent(DIRECT_HOOKS))
    assert main(["migrate", "--write", "--jobs", "1", str(tmp_path)]) == 1
    code = (tmp_path / "hooks.py").read_text()
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert "span = self._tracer.start_span(request.path, kind=trace.SpanKind.SERVER)" in code
    assert (
        "request.tracing_scope = (span, context.attach(trace.set_span_in_context(span)))"
    ) in code
    assert "request.tracing_scope[0].set_status(trace.Status(trace.StatusCode.ERROR))" in code
    closed = "request.tracing_scope[0].end()\n        context.detach(request.tracing_scope[1])"
    assert closed in code
    assert "self._scope = (span, context.attach(trace.set_span_in_context(span)))" in code
    assert "self._scope[0].end()\n        context.detach(self._scope[1])" in code
    assert main(["migrate", "--check", "--jobs", "1", str(tmp_path)]) == 0
