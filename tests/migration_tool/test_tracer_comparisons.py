"""Tests comparing the tracer a library hands out with the global tracer, or two reads of it,
in a file that patches nothing: each assertion runs under a patch of ``trace.get_tracer`` of its
own (``global_patches.py``), so the tests convert with the library and still pass natively."""

from __future__ import annotations

from pathlib import Path

from otelbridge.cli import main
from tests.migration_tool.projects import migrate_project, unittest_passes

LIBRARY = """
    import opentracing


    class Tracing(object):
        def __init__(self, tracer=None):
            self._tracer_obj = tracer

        @property
        def _tracer(self):
            return self.tracer

        @property
        def tracer(self):
            if self._tracer_obj is None:
                return opentracing.tracer
            return self._tracer_obj

        def handle(self, name):
            with self._tracer.start_active_span(name) as scope:
                scope.span.set_tag("handled", True)
    """
TESTS = """
    import unittest

    import opentracing
    from opentracing.mocktracer import MockTracer

    from app.tracing import Tracing


    class TestTracing(unittest.TestCase):
        def test_default(self):
            tracing = Tracing()
            self.assertEquals(tracing.tracer, opentracing.tracer, "#A0")
            self.assertEquals(tracing._tracer, tracing.tracer, "#A1")

        def test_given(self):
            tracer = MockTracer()
            tracing = Tracing(tracer)
            tracing.handle("one")
            self.assertEqual(tracing.tracer, tracer)
            spans = tracer.finished_spans()
            self.assertEqual([s.operation_name for s in spans], ["one"])
    """


def _project(root: Path, files: dict[str, str]) -> Path:
    migrate_project(root, files)
    return root


def _passes(root: Path) -> None:
    assert "Ran 2 tests" in unittest_passes(root)


def test_two_reads_of_a_tracer_property_compare_under_one_patch(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/tracing.py": LIBRARY,
        "tests/__init__.py": "",
        "tests/test_tracing.py": TESTS,
    }
    root = _project(tmp_path, files)
    tests = (root / "tests/test_tracing.py").read_text()
    library = (root / "app/tracing.py").read_text()
    for text in (tests, library):
        assert "opentracing" not in text and "TODO(otelbridge" not in text
    patch = 'with mock.patch("opentelemetry.trace.get_tracer"):\n            '
    assert f"{patch}self.assertEquals(tracing._tracer, tracing.tracer, \"#A1\")" in tests
    assert f"{patch}self.assertEquals(tracing.tracer, trace.get_tracer(__name__), " in tests
    # a tracer the test holds is compared as it is: no patch around it
    assert "        self.assertEqual(tracing.tracer, tracer)\n" in tests
    _passes(root)  # natively: no bridge in the child process
    main(["migrate", "--write", "--jobs", "1", str(root)])
    assert (root / "tests/test_tracing.py").read_text() == tests  # a second run is a no-op


FACTORY_TESTS = """
    import unittest

    from opentracing.mocktracer import MockTracer

    from app.tracing import Tracing


    def tracing_callable(**settings):
        tracer = MockTracer()
        tracer.component_name = settings["component_name"]
        return Tracing(tracer)


    class TestFactory(unittest.TestCase):
        def test_component(self):
            tracing = tracing_callable(component_name="MyComponent")
            tracing.handle("one")
            tracer = tracing.tracer
            self.assertEqual("MyComponent", tracer.component_name)
            self.assertIsNone(tracer.active_span)

        def test_private(self):
            tracer = MockTracer()
            tracer._finished_spans = []  # not handed to the library: kept alone
    """


def test_an_attribute_the_tests_set_on_a_tracer_converts_with_it(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/tracing.py": LIBRARY,
        "tests/__init__.py": "",
        "tests/test_factory.py": FACTORY_TESTS,
    }
    root = _project(tmp_path, files)
    text = (root / "tests/test_factory.py").read_text()
    library = (root / "app/tracing.py").read_text()
    assert "opentracing" not in library  # the test's own attribute keeps nothing
    component = text.split("def tracing_callable")[1].split("def test_private")[0]
    assert '    tracer.component_name = settings["component_name"]\n' in component
    assert 'self.assertEqual("MyComponent", tracer.component_name)' in component
    assert "TODO(otelbridge" not in component
    # a tracer's internals are no user data: kept, and marked
    private = text.split("def test_private")[1]
    assert "`_finished_spans` of an OpenTracing tracer is not mapped" in private
    _passes(root)


REPLACED = """
    import unittest
    from unittest import mock

    import opentracing

    from app.tracing import Tracing


    class TestReplaced(unittest.TestCase):
        @mock.patch("opentracing.tracer")
        def test_replaced(self, tracer):
            tracing = Tracing()
            self.assertEqual(tracing.tracer, opentracing.tracer)
            opentracing.tracer = mock.MagicMock()
            self.assertEqual(tracing.tracer, opentracing.tracer)

        def test_other(self):
            Tracing().handle("x")
    """
BOUND = """
    import unittest
    from unittest import mock

    import opentracing


    class TestBound(unittest.TestCase):
        @mock.patch("opentracing.tracer")
        def test_bound(self, tracer):
            opentracing.tracer = mock.MagicMock()
            self.assertIsNot(opentracing.tracer, tracer)
    """


def test_the_global_tracer_set_under_a_patch_is_what_get_tracer_returns(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/tracing.py": LIBRARY,
        "tests/__init__.py": "",
        "tests/test_replaced.py": REPLACED,
    }
    root = _project(tmp_path, files)
    text = (root / "tests/test_replaced.py").read_text()
    assert "opentracing" not in text and "TODO(otelbridge" not in text
    assert "        trace.get_tracer.return_value = mock.MagicMock()\n" in text
    _passes(root)


def test_a_patch_whose_bound_name_is_read_keeps_the_global_tracer_set(tmp_path: Path) -> None:
    root = _project(tmp_path, {"tests/__init__.py": "", "tests/test_bound.py": BOUND})
    text = (root / "tests/test_bound.py").read_text()
    # ``tracer`` would read the patched ``get_tracer``'s ``return_value``, which this changes
    assert '@mock.patch("opentracing.tracer")' in text
    assert "global tracer set to a tracer of unknown type" in text
    assert "get_tracer" not in text


CHECKS = """
    import unittest

    from opentracing.mocktracer import MockTracer

    from app.tracing import Tracing


    def make_tracing():
        return Tracing(MockTracer())


    class TestChecks(unittest.TestCase):
        def test_made(self):
            tracing = make_tracing()
            self.assertTrue(isinstance(tracing.tracer, MockTracer))
            tracing.handle("made")

        def test_not(self):
            assert isinstance(make_tracing().tracer, MockTracer)
    """


def test_an_asserted_isinstance_check_of_a_mock_checks_for_a_tracer(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/tracing.py": LIBRARY,
        "tests/__init__.py": "",
        "tests/test_checks.py": CHECKS,
    }
    root = _project(tmp_path, files)
    text = (root / "tests/test_checks.py").read_text()
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "opentracing" not in code and "MockTracer" not in code
    assert "self.assertTrue(isinstance(tracing.tracer, trace.Tracer))" in text
    assert "assert isinstance(make_tracing().tracer, trace.Tracer)" in text
    assert text.count("TODO(otelbridge): isinstance check of a MockTracer: now of an") == 2
    _passes(root)


DOUBLES = """
    import unittest

    from opentracing.mocktracer import MockTracer

    from app.tracing import Tracing


    class TestDoubles(unittest.TestCase):
        def test_mock(self):
            tracer = MockTracer()
            Tracing(tracer).handle("mock")
            self.assertEqual(len(tracer.finished_spans()), 1)

        def test_double(self):
            Tracing(DummyTracer()).handle("double")


    class DummyTracer(MockTracer):
        def __init__(self, context=None):
            super(DummyTracer, self).__init__()
            self.context = context

        def extract(self, format, carrier):
            return self.context
    """


def test_a_test_double_beside_migrated_tracers_is_stable_on_a_second_run(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/tracing.py": LIBRARY.replace(
            """with self._tracer.start_active_span(name) as scope:
                scope.span.set_tag("handled", True)""",
            """span = self._tracer.start_span(name)
            span.finish()""",
        ),
        "tests/__init__.py": "",
        "tests/test_doubles.py": DOUBLES,
    }
    root = _project(tmp_path, files)
    first = {name: (root / name).read_text() for name in files}
    assert "span.end()" in first["app/tracing.py"]
    assert "TODO(otelbridge" not in first["app/tracing.py"]
    assert "a test double or wrapper?" in first["tests/test_doubles.py"]
    main(["migrate", "--write", "--jobs", "1", str(root)])
    # the parameter holds migrated tracers now, and the double is still a double
    assert {name: (root / name).read_text() for name in files} == first
