# ruff: noqa: E501  (before/after fixtures keep their real line lengths)
"""Span and scope shapes outside ``with`` blocks: scopes held in a variable, spans activated
through the scope manager, parents of unknown kind. Before/after pairs, then behaviour: the
programs of ``tests/fixtures/codemod_spans`` give the same span trees under the OpenTracing shim
and, migrated, natively."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from otelbridge.migration_tool.pipeline import migrate_source

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "fixtures" / "codemod_spans"
HEADER = """
import opentracing

tracer = opentracing.global_tracer()
"""
OTEL_HEADER = """
from opentelemetry import context, trace

tracer = trace.get_tracer(__name__)
"""

CASES: dict[str, tuple[str, str]] = {
    "held scope closed in the same block": (
        """
        def work():
            scope = tracer.start_active_span("work", tags={"a": 1})
            scope.span.set_tag("b", 2)
            scope.close()
        """,
        """
        def work():
            scope_span = tracer.start_span("work", attributes={"a": 1})
            scope_token = context.attach(trace.set_span_in_context(scope_span))
            scope_span.set_attribute("b", 2)
            scope_span.end()
            context.detach(scope_token)
        """,
    ),
    "held scope closed in a later finally, its kind tag moved to the creation": (
        """
        def serve(name):
            scope = tracer.start_active_span(name)
            scope.span.set_tag("span.kind", "server")
            try:
                return name
            finally:
                scope.close()
        """,
        """
        def serve(name):
            scope_span = tracer.start_span(name, kind=trace.SpanKind.SERVER)
            scope_token = context.attach(trace.set_span_in_context(scope_span))
            scope_span.set_attribute("span.kind", "server")
            try:
                return name
            finally:
                scope_span.end()
                context.detach(scope_token)
        """,
    ),
    "held scope that does not finish its span": (
        """
        def work():
            scope = tracer.start_active_span("work", finish_on_close=False)
            scope.close()
            scope.span.finish()
        """,
        """
        def work():
            scope_span = tracer.start_span("work")
            scope_token = context.attach(trace.set_span_in_context(scope_span))
            context.detach(scope_token)
            scope_span.end()
        """,
    ),
    "scope_manager.activate as a with item": (
        """
        def work():
            span = tracer.start_span("work")
            with tracer.scope_manager.activate(span, True) as scope:
                scope.span.set_tag("a", 1)
        """,
        """
        def work():
            span = tracer.start_span("work")
            with trace.use_span(span, end_on_exit=True) as span:
                span.set_attribute("a", 1)
        """,
    ),
    "scope_manager.activate held": (
        """
        def work():
            span = tracer.start_span("work")
            scope = tracer.scope_manager.activate(span, False)
            tracer.start_span("child").finish()
            scope.close()
            span.finish()
        """,
        """
        def work():
            span = tracer.start_span("work")
            scope_token = context.attach(trace.set_span_in_context(span))
            tracer.start_span("child").end()
            context.detach(scope_token)
            span.end()
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rewrite(name: str) -> None:
    before, after = CASES[name]
    result = migrate_source(HEADER + textwrap.dedent(before))
    header = OTEL_HEADER if "context." in after else OTEL_HEADER.replace("context, ", "")
    assert result.code == header + textwrap.dedent(after)
    assert not result.findings and not result.remaining
    assert migrate_source(result.code).code == result.code  # a second run changes nothing


#: Scopes whose close may not run, or run twice, or that leave the function: kept and marked.
ESCAPING = {
    "closed in a branch": """
        def work(ready):
            scope = tracer.start_active_span("work")
            if ready:
                scope.close()
        """,
    "closed twice": """
        def work():
            scope = tracer.start_active_span("work")
            scope.close()
            scope.close()
        """,
    "returned": """
        def work():
            scope = tracer.start_active_span("work")
            scope.span.set_tag("a", 1)
            return scope
        """,
    "bound twice": """
        def work(name):
            try:
                scope = tracer.start_active_span(name)
            except ValueError:
                scope = tracer.start_active_span("fallback")
            scope.close()
        """,
    "its span attribute assigned": """
        def work(other):
            scope = tracer.start_active_span("work")
            scope.span = other
            scope.close()
        """,
    "read in a nested function": """
        def work():
            scope = tracer.start_active_span("work")

            def tag():
                scope.span.set_tag("a", 1)

            tag()
            scope.close()
        """,
    "activated span of unknown kind": """
        def work(span):
            scope = tracer.scope_manager.activate(span, True)
            scope.close()
        """,
}


@pytest.mark.parametrize("name", sorted(ESCAPING))
def test_escaping_scope_is_kept_and_marked(name: str) -> None:
    result = migrate_source(HEADER + textwrap.dedent(ESCAPING[name]))
    assert "context.attach" not in result.code and "TODO(otelbridge)" in result.code
    kept = [line for line in result.code.splitlines() if "start_active_span(" in line or ".activate(" in line]
    assert kept and all("global_tracer()" in line for line in kept), kept
    assert all(site.marked for site in result.remaining)


def test_parent_of_unknown_kind_takes_span_context_or_none() -> None:
    result = migrate_source(HEADER + textwrap.dedent(
        """
        def child(name, parent):
            tracer.start_span(name, child_of=parent).finish()
        """
    ))
    assert result.code == OTEL_HEADER.replace("context, ", "") + textwrap.dedent(
        """
        def child(name, parent):
            tracer.start_span(name, context=None if parent is None else trace.set_span_in_context(parent if isinstance(parent, trace.Span) else trace.NonRecordingSpan(parent))).end()
        """
    )
    assert [f.rule for f in result.findings] == ["parent-of-any-kind"]
    assert not result.remaining


def test_context_of_a_parent_of_unknown_kind_takes_a_span() -> None:
    """``child_of=parent.context``: the holder is a span whatever made it (OpenTracing raised on
    ``None.context``), so the migrated helper puts the span itself in the context."""
    result = migrate_source(HEADER + textwrap.dedent(
        """
        def child(name, parent=None):
            tracer.start_span(name, child_of=parent.context if parent else None).finish()

        def sibling(name, parent):
            tracer.start_span(name, child_of=parent.context).finish()
        """
    ))
    assert result.code == OTEL_HEADER.replace("context, ", "") + textwrap.dedent(
        """
        def child(name, parent=None):
            tracer.start_span(name, context=trace.set_span_in_context(parent) if parent else None).end()

        def sibling(name, parent):
            tracer.start_span(name, context=trace.set_span_in_context(parent)).end()
        """
    )
    assert [f.rule for f in result.findings] == ["parent-of-any-kind"] * 2
    assert "an OpenTelemetry span" in result.findings[0].reason
    assert not result.remaining


def test_parent_of_unknown_kind_fed_kept_spans_in_the_project_is_kept(tmp_path: Path) -> None:
    """A helper's parameter that callers of the project give OpenTracing objects kept on
    OpenTracing (passed around as values elsewhere too) stays OpenTracing with them."""
    from otelbridge.cli import main

    (tmp_path / "helper.py").write_text(HEADER + textwrap.dedent("""
        def child(name, parent):
            span = tracer.start_span(name, child_of=parent)
            span.finish()


        def main():
            root = tracer.start_span("root")
            child("of_span", root)
            child("of_context", root.context)
            root.finish()
        """))
    (tmp_path / "other.py").write_text(HEADER + textwrap.dedent("""
        def work():
            child = tracer.start_span("child")
            child.finish()
        """))
    assert main(["migrate", "--write", "--jobs", "1", str(tmp_path)]) == 1
    code = (tmp_path / "helper.py").read_text()
    assert "global_tracer().start_span(name, child_of=parent)" in code, code


# -- behaviour ------------------------------------------------------------------------------
EXPECTED = {
    "held_scopes": """
        activated kind=INTERNAL status=UNSET attrs={via='with'} events=[]
          activated_child kind=INTERNAL status=UNSET attrs={} events=[]
        after_held kind=INTERNAL status=UNSET attrs={} events=[]
        held_parent kind=INTERNAL status=UNSET attrs={} events=[]
          held_child kind=INTERNAL status=UNSET attrs={} events=[]
        kept_open kind=INTERNAL status=UNSET attrs={after_close=True} events=[]
          under_kept_open kind=INTERNAL status=UNSET attrs={} events=[]
        request kind=INTERNAL status=UNSET attrs={path='/a', step='started'} events=[]
          handler kind=INTERNAL status=UNSET attrs={} events=[handled{}]
        """,
}
#: Library code run by ``spans_driver.py``, which calls it as its callers would, with either API.
LIBRARIES = {
    "library_parent": """
        active kind=INTERNAL status=UNSET attrs={} events=[]
          of_none kind=INTERNAL status=UNSET attrs={parent.given=False} events=[]
        root kind=INTERNAL status=UNSET attrs={} events=[]
          of_context kind=INTERNAL status=UNSET attrs={parent.given=True} events=[]
          of_span kind=INTERNAL status=UNSET attrs={parent.given=True} events=[]
        """,
}


def test_corpus_is_complete() -> None:
    assert sorted(p.stem for p in CORPUS.glob("*.py")) == sorted({**EXPECTED, **LIBRARIES})


@pytest.mark.parametrize("name", sorted({**EXPECTED, **LIBRARIES}))
def test_migrated_program_leaves_opentracing(migrated: Path, name: str) -> None:
    code = (migrated / f"{name}.py").read_text()
    assert "opentracing" not in code and "TODO(otelbridge)" not in code


@pytest.mark.parametrize("variant", ["shim", "bridge"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_legacy_and_migrated_trees_are_equal(migrated: Path, name: str, variant: str, span_tree: Callable[[str, Path], str]) -> None:
    legacy = span_tree(variant, CORPUS / f"{name}.py")
    assert legacy == span_tree("native", migrated / f"{name}.py") == textwrap.dedent(EXPECTED[name]).strip()


@pytest.mark.parametrize("name", sorted(LIBRARIES))
def test_library_gives_the_same_tree_to_callers_of_either_api(
    migrated: Path, name: str, driver: Callable[[Path, str, Path], str]
) -> None:
    program = HERE / "spans_driver.py"
    legacy = driver(program, "shim", CORPUS / f"{name}.py")
    assert legacy == driver(program, "native", migrated / f"{name}.py") == textwrap.dedent(LIBRARIES[name]).strip()
