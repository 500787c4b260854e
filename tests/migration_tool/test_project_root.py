"""A project's tests import its package from the project's folder (``tests/unit/test_x.py``,
where ``tests`` is no package: ``from mylib import Client``; ``mylib/__init__.py`` re-exports
``Client`` and mentions no tracing word, so only the import brings it into the index). The
package is found from the project's folder, whichever folder ``migrate`` was given: the project
itself, or a folder of several projects. Both runs write the same code, which runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from otelbridge.cli import main
from tests.migration_tool.projects import IN_MEMORY_PROVIDER, run_script

FILES = {
    "mylib/__init__.py": "from .core import Client  # noqa\n",
    "mylib/core.py": """
        import opentracing


        class Client(object):
            def __init__(self, tracer=None):
                self._tracer = tracer

            def _get_tracer(self):
                return self._tracer or opentracing.tracer

            def call(self, name):
                with self._get_tracer().start_active_span(name) as scope:
                    scope.span.set_tag("name", name)
    """,
    "tests/unit/__init__.py": "",
    "tests/unit/test_client.py": """
        from opentracing.mocktracer import MockTracer

        from mylib import Client


        def make():
            tracer = MockTracer()
            return tracer, Client(tracer)


        def test_call():
            tracer, client = make()
            client.call("first")
            spans = tracer.finished_spans()
            assert [span.operation_name for span in spans] == ["first"]
            assert spans[0].tags == {"name": "first"}
    """,
}
SIBLING = {
    "other/app.py": """
        import opentracing


        def work():
            with opentracing.tracer.start_active_span("work"):
                pass
    """,
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


def _texts(project: Path) -> dict[str, str]:
    return {name: (project / name).read_text() for name in FILES}


def test_the_project_alone_and_among_others_migrate_alike(tmp_path: Path) -> None:
    alone = tmp_path / "alone" / "project"
    _write(alone, FILES)
    assert main(["migrate", "--write", "--jobs", "1", str(alone)]) == 1
    among = tmp_path / "among"
    _write(among / "project", FILES)
    _write(among, SIBLING)
    assert main(["migrate", "--write", "--jobs", "1", str(among)]) == 1
    assert _texts(among / "project") == _texts(alone)
    # the test keeps its MockTracer (returned in a tuple) and hands it to the library: the
    # library keeps the flow too (converted, it would call the new API on an OpenTracing tracer)
    assert "MockTracer()" in (alone / "tests" / "unit" / "test_client.py").read_text()
    assert "start_active_span(name)" in (alone / "mylib" / "core.py").read_text()


def test_the_migrated_tests_pass(tmp_path: Path) -> None:
    project = tmp_path / "among" / "project"
    _write(project, FILES)
    _write(tmp_path / "among", SIBLING)
    assert main(["migrate", "--write", "--jobs", "1", str(tmp_path / "among")]) == 1
    shutil.rmtree(tmp_path / "among" / "other")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


#: A package whose modules import each other through the package (``from app import helpers``).
PACKAGE = {
    "app/__init__.py": "",
    "app/helpers.py": """
        import opentracing


        def start_child_span(operation_name, tracer=None, parent=None):
            tracer = tracer or opentracing.tracer
            return tracer.start_span(
                operation_name=operation_name,
                child_of=parent.context if parent else None,
            )
    """,
    "app/hooks.py": """
        from app import helpers


        def before_request(url, parent=None):
            span = helpers.start_child_span(operation_name="GET", parent=parent)
            span.set_tag("http.url", url)
            return span
    """,
}


def test_a_run_given_the_package_folder_follows_imports_through_the_package(
    tmp_path: Path,
) -> None:
    given_package = tmp_path / "one"
    _write(given_package, PACKAGE)
    assert main(["migrate", "--write", "--jobs", "1", str(given_package / "app")]) == 1
    given_project = tmp_path / "two"
    _write(given_project, PACKAGE)
    assert main(["migrate", "--write", "--jobs", "1", str(given_project)]) == 1
    hooks = (given_package / "app" / "hooks.py").read_text()
    assert hooks == (given_project / "app" / "hooks.py").read_text()
    assert "TODO(otelbridge" not in hooks and 'span.set_attribute("http.url", url)' in hooks
    script = """
        from app import hooks

        hooks.before_request("http://x/").end()
        (span,) = exporter.get_finished_spans()
        assert (span.name, dict(span.attributes)) == ("GET", {"http.url": "http://x/"})
    """
    run_script(IN_MEMORY_PROVIDER + textwrap.dedent(script), cwd=given_package)


def test_imports_through_a_namespace_package_are_followed(tmp_path: Path) -> None:
    """``app`` without ``__init__.py`` (a namespace package): no module is the package, yet
    ``from app import helpers`` names one of the project."""
    files = {name: text for name, text in PACKAGE.items() if name != "app/__init__.py"}
    _write(tmp_path, files)
    assert main(["migrate", "--write", "--jobs", "1", str(tmp_path)]) == 1
    hooks = (tmp_path / "app" / "hooks.py").read_text()
    assert "TODO(otelbridge" not in hooks and 'span.set_attribute("http.url", url)' in hooks
