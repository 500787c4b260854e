"""Whole-project migration: kinds flow across modules, and flows are converted or kept together.

``tests/fixtures/codemod_project`` is one application of three modules: a helper module that
makes the tracer, a library that takes it as a constructor parameter (defaulting to the global
tracer), and an application that never imports opentracing, binds its tracer below the functions
that use it and hands it to the library. Migrated as a project, every module is converted and the
program, run natively without the bridge, produces the tree it produced under the shim.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

from otelbridge.cli import main
from otelbridge.migration_tool.engine.index import build
from otelbridge.migration_tool.flow_rules import OpenTracingRules

PROJECT = Path(__file__).resolve().parent.parent / "fixtures" / "codemod_project"
TREE = """
    handle kind=INTERNAL status=UNSET attrs={user=7} events=[]
      client.lookup kind=INTERNAL status=UNSET attrs={annotated=True, call='lookup'} events=[]
    """


def test_every_module_is_converted(migrated: Path) -> None:
    for path in migrated.glob("*.py"):
        code = path.read_text()
        assert "opentracing" not in code and "TODO(otelbridge)" not in code, path.name
    assert main(["migrate", "--check", "--jobs", "1", str(migrated)]) == 0


def test_migrated_project_runs_natively_with_the_same_tree(
    migrated: Path, span_tree: Callable[[str, Path], str]
) -> None:
    assert span_tree("native", migrated / "app.py") == textwrap.dedent(TREE).strip()


def test_the_legacy_project_has_that_tree_under_the_shim(
    span_tree: Callable[[str, Path], str],
) -> None:
    assert span_tree("shim", PROJECT / "app.py") == textwrap.dedent(TREE).strip()


def index(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    sources = {}
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        sources[str(path)] = path.read_text()
    return build(list(sources), sources, OpenTracingRules())


def test_kinds_follow_imports_calls_and_attributes(tmp_path: Path) -> None:
    project = index(
        tmp_path,
        {
            "pkg/__init__.py": "from .tracing import make\n",
            "pkg/tracing.py": """
                import opentracing
                def make():
                    return opentracing.global_tracer()
            """,
            "app.py": """
                from pkg import make
                class Holder:
                    def setUp(self):
                        self.tracer = make()
                    def use(self):
                        return self.tracer.start_span("x")
                def helper(span):
                    span.set_tag("k", 1)
                def unseen(tracer):
                    tracer.start_active_span("y")
                def cycle():
                    return cycle()
            """,
        },
    )
    app = project.module_at(str(tmp_path / "app.py"))
    assert app is not None
    assert project.kind(app, "Holder.use", ("attr", ("name", "self"), "tracer")) == "tracer"
    assert project.return_kind(app, "Holder.use") == "span"
    assert project.kind(app, "helper", ("name", "span")) == "span"  # from its use
    assert project.kind(app, "unseen", ("name", "tracer")) == "tracer"
    assert project.return_kind(app, "cycle") is None  # a cycle makes nothing, and ends


def test_a_kept_symbol_keeps_what_flows_into_it(tmp_path: Path) -> None:
    project = index(
        tmp_path,
        {
            "lib.py": """
                def use(tracer):
                    tracer.start_active_span("x")
            """,
            "app.py": """
                import opentracing
                from lib import use
                use(opentracing.global_tracer())
            """,
        },
    )
    lib = project.module_at(str(tmp_path / "lib.py"))
    assert lib is not None
    key = ("param", lib.path, "use", "tracer")
    assert project.symbol_kind(key) == "tracer"
    assert project.keep([key]) is True
    assert project.symbol_kind(key) == "kept on OpenTracing"
    assert project.keep([key]) is False  # already kept: nothing changes
