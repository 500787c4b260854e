"""A ``MockTracer`` made inside the patch that installs it as the global tracer, and read back
from the patch (``self.tracer = patcher.start()``, ``with patch(...) as tracer``). The migrated
patch gives a mock ``get_tracer``, not the tracer: before, the test read spans from that mock
(``TypeError: 'Mock' object is not subscriptable``) and the inline mock lost its exporter. The
pre-pass names the mock first (``patched_mocks.py``), so the test keeps its tracer and exporter;
so it does for the mock a decorator makes (``new_callable=MockTracer``), marked before."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from otelbridge.migration_tool.patched_mocks import plan
from tests.migration_tool.projects import migrate_project, unittest_passes

WORKER = """
    import opentracing


    def handle(job):
        with opentracing.tracer.start_active_span('handle') as scope:
            scope.span.set_tag('job', job)
    """
TEST = """
    import unittest
    from unittest import mock

    from opentracing.mocktracer import MockTracer

    from worker import handle


    class PatcherTest(unittest.TestCase):
        def setUp(self):
            # every test gets its own mock
            self.patcher = mock.patch(
                'opentracing.tracer', MockTracer())
            self.tracer = self.patcher.start()

        def tearDown(self):
            self.patcher.stop()

        def test_job(self):
            handle(5)
            self.assertEqual(self.tracer.finished_spans()[0].tags, {'job': 5})


    class WithTest(unittest.TestCase):
        def test_job(self):
            with mock.patch('opentracing.tracer', new=MockTracer()) as tracer:
                handle(6)
            self.assertEqual(tracer.finished_spans()[0].operation_name, 'handle')

        @mock.patch('opentracing.tracer', new_callable=MockTracer)
        def test_decorated(self, tracer):
            '''A fresh mock for this test.'''
            handle(7)
            self.assertEqual(tracer.finished_spans()[0].tags, {'job': 7})
    """


def test_the_patched_in_mock_is_named_before_the_patch() -> None:
    new = plan({"t.py": dedent(TEST)})["t.py"]
    assert (
        "        # every test gets its own mock\n"
        "        self.tracer = MockTracer()\n"
        "        self.patcher = mock.patch(\n"
        "            'opentracing.tracer', self.tracer)\n"
        "        self.patcher.start()\n"
    ) in new
    assert (
        "        tracer = MockTracer()\n"
        "        with mock.patch('opentracing.tracer', new=tracer):\n"
    ) in new
    assert (
        "    def test_decorated(self):\n"
        "        '''A fresh mock for this test.'''\n"
        "        tracer = MockTracer()\n"
        "        with mock.patch('opentracing.tracer', new=tracer):\n"
        "            handle(7)\n"
    ) in new
    assert plan({"t.py": new}) == {}  # a second pass finds nothing more


def test_a_mock_made_elsewhere_or_a_patcher_not_read_back_is_left() -> None:
    kept = dedent(
        """
        from unittest import mock
        from opentracing.mocktracer import MockTracer

        tracer = MockTracer()
        patcher = mock.patch('opentracing.tracer', tracer)
        started = patcher.start()
        other = mock.patch('opentracing.tracer', MockTracer())
        other.start()
        with mock.patch('somewhere.tracer', new=MockTracer()) as t:
            pass
        holder = mock.patch('opentracing.tracer', MockTracer())
        objects[0].tracer = holder.start()
        """
    )
    assert plan({"t.py": kept}) == {}


def test_the_migrated_tests_read_their_spans_natively(tmp_path: Path) -> None:
    out = migrate_project(
        tmp_path, {"worker.py": WORKER, "tests/__init__.py": "", "tests/test_worker.py": TEST}
    )
    test = out["tests/test_worker.py"]
    assert "opentracing" not in test and "TODO(otelbridge)" not in test
    assert "self.assertEqual(self.exporter.get_finished_spans()[0].attributes, {'job': 5})" in test
    assert "self.assertEqual(exporter.get_finished_spans()[0].name, 'handle')" in test
    (tmp_path / "tests" / "worker.py").write_text(out["worker.py"])  # beside its test
    assert "Ran 3 tests" in unittest_passes(tmp_path)
