"""pytest fixtures that provide OpenTracing tracers (``engine/fixtures.py``): a test's parameter
named like a fixture of its class, its module or a ``conftest.py`` up the tree holds what the
fixture returns, and converts (or is kept) together with it."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

from otelbridge.migration_tool.engine import fixtures
from tests.migration_tool.projects import migrate_project

CONFTEST = """
    import pytest
    from opentracing.mocktracer import MockTracer


    @pytest.fixture
    def tracer():
        return MockTracer()
    """
TESTS = """
    import pytest


    class TestWork:
        @pytest.fixture(name="named")
        def make(self, tracer):
            return tracer

        def test_span(self, named):
            with named.start_active_span("work") as scope:
                scope.span.set_tag("k", 1)


    def test_plain(tracer):
        span = tracer.start_span("plain")
        span.finish()
    """


def test_the_closest_fixture_fills_a_parameter() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """
            import pytest

            @pytest.fixture
            def tracer(): ...

            class TestA:
                @pytest.fixture(scope="class", name="tracer")
                def own(self, tracer): ...

                def test(self, tracer): ...

            def test_b(tracer): ...
            """
        )
    )
    tables = {"/p/tests/test_a.py": fixtures.read(tree), "/p/conftest.py": fixtures.read(tree)}
    found = fixtures.lookup(tables, "/p/tests/test_a.py", "TestA.test", "tracer")
    assert found is not None and found[1].qualname == "TestA.own"
    # the class fixture asks for the module's one (a fixture never fills itself)
    found = fixtures.lookup(tables, "/p/tests/test_a.py", "TestA.own", "tracer")
    assert found is not None and found[1].qualname == "tracer"
    assert fixtures.lookup(tables, "/p/tests/test_a.py", "test_b", "other") is None
    conftest = {"/p/conftest.py": tables["/p/conftest.py"]}
    found = fixtures.lookup(conftest, "/p/tests/t.py", "test", "tracer")
    assert found == ("/p/conftest.py", fixtures.Fixture("tracer"))
    assert fixtures.requests_fixtures("TestA.own", tables["/p/tests/test_a.py"])
    assert not fixtures.requests_fixtures("helper", tables["/p/tests/test_a.py"])


def test_a_tracer_from_a_conftest_fixture_converts_with_it(tmp_path: Path) -> None:
    out = migrate_project(tmp_path, {"tests/conftest.py": CONFTEST, "tests/test_work.py": TESTS})
    # it records into an exporter fixture of its own, which a test may ask for (see
    # test_mock_fixture_exporter.py)
    assert "def tracer(tracer_exporter):" in out["tests/conftest.py"]
    assert "return provider.get_tracer(__name__)" in out["tests/conftest.py"]
    test = out["tests/test_work.py"]
    assert "TODO(otelbridge)" not in test
    assert 'with named.start_as_current_span("work") as span:' in test
    assert 'span = tracer.start_span("plain")\n    span.end()' in test
    # the migrated tests run natively, without OpenTracing's shims or the bridge
    run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    done = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout + done.stderr


def test_a_fixture_tracer_whose_spans_a_test_reads_is_kept_with_all_its_users(
    tmp_path: Path,
) -> None:
    """A generator fixture's mock gets no exporter fixture (``mock_fixtures.py``): its exporter
    is out of reach in the test, so the mock, its fixture and every test given it stay on
    OpenTracing (and keep running there), none is half converted."""
    reads = TESTS + textwrap.indent(
        textwrap.dedent(
            """

            def test_spans(tracer):
                tracer.start_span("x").finish()
                assert tracer.finished_spans()
            """
        ),
        "    ",
    )
    conftest = CONFTEST.replace("return MockTracer()", "yield MockTracer()")
    out = migrate_project(tmp_path, {"tests/conftest.py": conftest, "tests/test_work.py": reads})
    assert "yield MockTracer()" in out["tests/conftest.py"]
    test = out["tests/test_work.py"]
    assert 'tracer.start_span("x").finish()' in test and "span.finish()" in test
    assert 'named.start_active_span("work")' in test
    assert "assert tracer.finished_spans()" in test
    assert "global_tracer" not in test
