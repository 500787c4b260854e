"""A library tracer with a default (``self._tracer = tracer or opentracing.tracer``), used in
another method. Without the project index nothing tells what callers pass, so the default and
its readers are one flow: kept together and marked (never a converted default read as an
OpenTracing tracer). With the index the callers are known and the whole flow is converted."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from otelbridge.cli import main
from otelbridge.migration_tool.pipeline import migrate_source

CLIENT = """
    import opentracing


    class Client(object):
        def __init__(self, tracer=None):
            self._tracer = tracer {default}

        def call(self, name):
            with self._tracer.start_active_span(name) as scope:
                scope.span.set_tag("name", name)
"""
DEFAULTS = {
    "or": "or opentracing.tracer",
    "if": "if tracer is not None else opentracing.tracer",
}
APP = """
    from client import Client


    def main():
        Client().call("first")
"""
TREE = "first kind=INTERNAL status=UNSET attrs={name='first'} events=[]"


def _project(root: Path, default: str) -> Path:
    root.mkdir(parents=True)
    (root / "client.py").write_text(textwrap.dedent(CLIENT.format(default=DEFAULTS[default])))
    (root / "app.py").write_text(textwrap.dedent(APP))
    return root


@pytest.mark.parametrize("default", sorted(DEFAULTS))
def test_without_the_index_the_default_is_kept_with_its_readers(
    tmp_path: Path, default: str, span_tree: Callable[[str, Path], str]
) -> None:
    root = _project(tmp_path / "app", default)
    client = root / "client.py"
    code = migrate_source(client.read_text(), str(client)).code
    assert "get_tracer" not in code and "opentracing.tracer" in code
    assert "self._tracer.start_active_span(name)" in code
    marked = [n for n, line in enumerate(code.splitlines()) if "TODO(otelbridge)" in line]
    default_line = next(n for n, line in enumerate(code.splitlines()) if "self._tracer =" in line)
    assert default_line - 1 in marked
    assert migrate_source(code, str(client)).code == code
    client.write_text(code)
    assert span_tree("bridge", root / "app.py") == TREE


@pytest.mark.parametrize("default", sorted(DEFAULTS))
def test_with_the_index_the_flow_is_converted_and_runs_natively(
    tmp_path: Path, default: str, span_tree: Callable[[str, Path], str]
) -> None:
    root = _project(tmp_path / "app", default)
    assert main(["migrate", "--write", "--jobs", "1", str(root)]) == 1
    code = (root / "client.py").read_text()
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert "self._tracer.start_as_current_span(name)" in code
    assert span_tree("native", root / "app.py") == TREE
