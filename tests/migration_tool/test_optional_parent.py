"""A parent variable also bound to ``None`` (``parent = None`` in an ``except`` branch or before
an ``if``): OpenTracing's ``child_of=None`` is "the active span", so the migrated code passes
``context=None`` then, and an extracted parent, an OpenTelemetry ``Context``, as ``context=``
itself (never wrapped in a ``NonRecordingSpan``). Checked with and without the project index."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from otelbridge.cli import main
from otelbridge.migration_tool.pipeline import migrate_source

PROGRAM = """
    import opentracing
    from opentracing import Format

    tracer = opentracing.global_tracer()


    def handle(headers):
        try:
            parent = tracer.extract(Format.HTTP_HEADERS, headers)
        except opentracing.SpanContextCorruptedException:
            parent = None
        with tracer.start_active_span("handle", child_of=parent) as scope:
            scope.span.set_tag("called", bool(headers))


    def work(flag):
        parent = None
        if flag:
            parent = tracer.start_span("early")
        with tracer.start_active_span("work", child_of=parent) as scope:
            scope.span.set_tag("flag", flag)
        if parent is not None:
            parent.finish()


    def call():
        headers = {}
        with tracer.start_active_span("client") as scope:
            tracer.inject(scope.span.context, Format.HTTP_HEADERS, headers)
        return headers


    def main():
        handle(call())
        with tracer.start_active_span("outer"):
            work(False)
            work(True)
"""

TREE = """
    client kind=INTERNAL status=UNSET attrs={} events=[]
      handle kind=INTERNAL status=UNSET attrs={called=True} events=[]
    outer kind=INTERNAL status=UNSET attrs={} events=[]
      early kind=INTERNAL status=UNSET attrs={} events=[]
        work kind=INTERNAL status=UNSET attrs={flag=True} events=[]
      work kind=INTERNAL status=UNSET attrs={flag=False} events=[]
"""


def _migrated(tmp_path: Path, indexed: bool) -> Path:
    program = tmp_path / "app.py"
    program.write_text(textwrap.dedent(PROGRAM))
    if indexed:
        assert main(["migrate", "--write", "--jobs", "1", str(tmp_path)]) == 1
    else:
        program.write_text(migrate_source(program.read_text(), str(program)).code)
    return program


@pytest.mark.parametrize("indexed", [False, True], ids=["source", "project"])
def test_the_parent_that_may_be_none_is_the_context_or_none(tmp_path: Path, indexed: bool) -> None:
    code = _migrated(tmp_path, indexed).read_text()
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert 'start_as_current_span("handle", context=parent)' in code
    assert (
        'start_as_current_span("work", context=None if parent is None else '
        "trace.set_span_in_context(parent))"
    ) in code
    assert "NonRecordingSpan" not in code


@pytest.mark.parametrize("indexed", [False, True], ids=["source", "project"])
def test_the_migrated_program_makes_the_legacy_tree(
    tmp_path: Path, indexed: bool, span_tree: Callable[[str, Path], str]
) -> None:
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "app.py").write_text(textwrap.dedent(PROGRAM))
    expected = textwrap.dedent(TREE).strip()
    assert span_tree("shim", legacy / "app.py") == expected
    migrated = tmp_path / "migrated"
    migrated.mkdir()
    assert span_tree("native", _migrated(migrated, indexed)) == expected
