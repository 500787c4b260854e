"""Tests that patch OpenTracing's global tracer (``global_patches.py``): the patch becomes one of
``trace.get_tracer``, so the test and the library it tests convert together and still pass."""

from __future__ import annotations

from pathlib import Path

from otelbridge.cli import main
from tests.migration_tool.projects import migrate_project, unittest_passes

LIBRARY = """
    import opentracing


    class Worker:
        def __init__(self, tracer=None):
            self._tracer = tracer

        @property
        def tracer(self):
            return self._tracer or opentracing.tracer

        def run(self):
            with opentracing.tracer.start_active_span("run") as scope:
                scope.span.set_tag("k", 1)
    """
TESTS = """
    import unittest
    from unittest import mock

    import opentracing
    from opentracing.mocktracer import MockTracer

    from lib.work import Worker


    class TestWork(unittest.TestCase):
        def setUp(self):
            self.tracer = MockTracer()

        def test_global(self):
            with mock.patch("opentracing.tracer", new=self.tracer):
                Worker().run()
            spans = self.tracer.finished_spans()
            self.assertEqual([s.operation_name for s in spans], ["run"])

        @mock.patch("opentracing.tracer")
        def test_default(self, tracer):
            self.assertEqual(Worker().tracer, opentracing.tracer)

        def test_object(self):
            with mock.patch.object(opentracing, "tracer", self.tracer):
                Worker().run()
            self.assertEqual(len(self.tracer.finished_spans()), 1)
    """


def _project(root: Path, library: str = LIBRARY, tests: str = TESTS) -> Path:
    files = {
        "lib/__init__.py": "",
        "lib/work.py": library,
        "tests/__init__.py": "",
        "tests/test_work.py": tests,
    }
    migrate_project(root, files)
    return root


def test_patched_global_tracer_converts_with_the_library(tmp_path: Path) -> None:
    root = _project(tmp_path)
    tests = (root / "tests/test_work.py").read_text()
    assert "opentracing" not in tests and "TODO(otelbridge" not in tests
    patch = 'mock.patch("opentelemetry.trace.get_tracer", new=mock.Mock(return_value=self.tracer))'
    assert tests.count(f"with {patch}:") == 2  # ``patch`` and ``patch.object`` alike
    assert '@mock.patch("opentelemetry.trace.get_tracer")' in tests
    assert "self.assertEqual(Worker().tracer, trace.get_tracer(__name__))" in tests
    library = (root / "lib/work.py").read_text()
    assert "opentracing" not in library and "TODO(otelbridge" not in library
    unittest_passes(root)  # natively: no bridge installed in the child process
    main(["migrate", "--write", "--jobs", "1", str(root)])
    assert (root / "tests/test_work.py").read_text() == tests  # a second run is a no-op


def test_patch_stays_while_a_kept_site_reads_the_global_tracer(tmp_path: Path) -> None:
    library = (
        LIBRARY
        + """
        def scopes(self):  # the scope manager is not mapped: this site stays OpenTracing
            return opentracing.tracer.scope_manager
    """
    )
    root = _project(tmp_path, library=library)
    tests = (root / "tests/test_work.py").read_text()
    assert 'mock.patch("opentracing.tracer", new=self.tracer)' in tests
    assert "get_tracer" not in tests.replace("trace.get_tracer(__name__)", "")


def test_a_name_the_patch_binds_reads_the_tracer_it_installs(tmp_path: Path) -> None:
    tests = (
        TESTS
        + """
        def test_bound(self):
            tracing = Worker()
            with mock.patch("opentracing.tracer") as tracer:
                self.assertIs(tracing.tracer, tracer)

        def test_mocked_api(self):
            with mock.patch("opentracing.tracer") as tracer:
                Worker().run()
                tracer.start_active_span.assert_called_once()

        @mock.patch("opentracing.tracer")
        def test_injected(self, tracer):
            self.assertEqual(Worker().tracer, tracer)

        def test_rebound(self):
            with mock.patch("opentracing.tracer") as tracer:
                tracer = Worker().tracer
    """
    )
    root = _project(tmp_path, tests=tests)
    text = (root / "tests/test_work.py").read_text()
    assert "self.assertIs(tracing.tracer, tracer.return_value)" in text
    assert "self.assertEqual(Worker().tracer, tracer.return_value)" in text
    # the test looks into the mock of OpenTracing's tracer: left as written
    assert "    tracer.start_active_span.assert_called_once()" in text
    assert text.count('mock.patch("opentracing.tracer") as tracer') == 2  # and the rebound one


def test_an_assertion_on_the_global_tracer_runs_under_its_own_patch(tmp_path: Path) -> None:
    tests = (
        TESTS
        + """
        def test_lazy(self):
            self.assertIs(Worker().tracer, opentracing.tracer)
            assert Worker().tracer is opentracing.global_tracer()
    """
    )
    root = _project(tmp_path, tests=tests)
    text = (root / "tests/test_work.py").read_text()
    patch = 'with mock.patch("opentelemetry.trace.get_tracer"):\n'
    assert f"{patch}            self.assertIs(Worker().tracer, trace.get_tracer(__name__))" in text
    assert f"{patch}            assert Worker().tracer is trace.get_tracer(__name__)" in text
    assert "TODO(otelbridge" not in text
    unittest_passes(root)


def test_a_tracer_read_before_the_assertion_is_kept(tmp_path: Path) -> None:
    tests = (
        TESTS
        + """
        def test_captured(self):
            tracer = Worker().tracer
            self.assertEqual(tracer, opentracing.tracer)
            assert tracer is opentracing.tracer
    """
    )
    root = _project(tmp_path, tests=tests)
    text = (root / "tests/test_work.py").read_text()
    # no patch makes it the one read there: kept, with the library property that gave it
    captured = text.split("def test_captured")[1]
    assert "TODO(otelbridge): OpenTracing tracer compared in an assertion" in captured
    assert "OpenTracing tracer compared with the global tracer: kept on OpenTracing" in captured
    assert "        assert tracer is opentracing.tracer" in captured
    assert "kept too" in (root / "lib/work.py").read_text()
    assert 'mock.patch("opentracing.tracer", new=self.tracer)' in text  # the library reads it


BARE = """
    import unittest
    from unittest.mock import patch

    import opentracing
    from opentracing.mocktracer import MockTracer

    from lib.work import Worker


    class TestBare(unittest.TestCase):
        def setUp(self):
            self.tracer = MockTracer()
            self.patcher = patch("opentracing.tracer", self.tracer)
            self.patcher.start()

        def tearDown(self):
            self.patcher.stop()

        def test_run(self):
            Worker().run()
            self.assertEqual(len(self.tracer.finished_spans()), 1)

        @patch.object(opentracing, "tracer", new=MockTracer())
        def test_decorated(self):
            self.assertIs(Worker().tracer, opentracing.tracer)
    """


def test_a_patcher_and_a_decorator_of_a_bare_patch(tmp_path: Path) -> None:
    root = _project(tmp_path, tests=BARE)
    text = (root / "tests/test_work.py").read_text()
    assert "from unittest.mock import Mock, patch" in text
    assert 'patch("opentelemetry.trace.get_tracer", new=Mock(return_value=self.tracer))' in text
    assert '@patch("opentelemetry.trace.get_tracer", new=Mock(return_value=' in text
    assert "opentracing" not in text and "TODO(otelbridge" not in text
    unittest_passes(root)
