# ruff: noqa: E501  (program fixtures keep their real line lengths)
"""A ``MockTracer`` made OpenTracing's global tracer (``opentracing.tracer = mock``,
``set_global_tracer(mock)``) so that the code under test records into it: the migrated code reads
``trace.get_tracer(__name__)``, which a patch makes give the mock's tracer. Before, the statement
was dropped as for any converted tracer, and the code under test recorded into the global
provider: the migrated test found no spans."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.migration_tool.projects import migrate_project, unittest_passes

WORKER = """
    import opentracing


    def handle(job):
        tracer = opentracing.global_tracer()
        with tracer.start_active_span('handle') as scope:
            scope.span.set_tag('job', job)
    """
TEST = """
    import unittest

    import opentracing
    from opentracing.mocktracer import MockTracer

    from worker import handle


    class WorkerTest(unittest.TestCase):
        def setUp(self):
            self.tracer = MockTracer()
            opentracing.tracer = self.tracer

        def tearDown(self):
            opentracing.tracer = opentracing.Tracer()

        def test_records_job(self):
            handle(3)
            spans = self.tracer.finished_spans()
            self.assertEqual(1, len(spans))
            self.assertEqual(spans[0].operation_name, 'handle')

        def test_each_test_has_its_own_mock(self):
            self.assertEqual(self.tracer.finished_spans(), [])
            handle(4)
            self.assertEqual(self.tracer.finished_spans()[0].tags, {'job': 4})
    """
#: a script, not a test case: the patch lasts, as the assignment did
SCRIPT = """
    import opentracing
    from opentracing.mocktracer import MockTracer

    from worker import handle

    tracer = MockTracer()
    opentracing.set_global_tracer(tracer)
    handle(5)
    print([span.operation_name for span in tracer.finished_spans()])
    """


def test_a_test_case_s_global_mock_is_patched_in_for_the_test(tmp_path: Path) -> None:
    out = migrate_project(
        tmp_path, {"worker.py": WORKER, "tests/__init__.py": "", "tests/test_worker.py": TEST}
    )
    test = out["tests/test_worker.py"]
    assert "opentracing" not in test and "TODO(otelbridge)" not in test
    assert (
        '        tracer_patch = mock.patch("opentelemetry.trace.get_tracer", new=mock.Mock(return_value=self.tracer))\n'
        "        tracer_patch.start()\n"
        "        self.addCleanup(tracer_patch.stop)\n"
    ) in test
    assert "from unittest import mock" in test
    (tmp_path / "tests" / "worker.py").write_text(out["worker.py"])  # beside its test
    assert "Ran 2 tests" in unittest_passes(tmp_path)


def test_a_script_s_global_mock_is_patched_in_for_the_rest_of_the_run(tmp_path: Path) -> None:
    out = migrate_project(tmp_path, {"worker.py": WORKER, "script.py": SCRIPT})
    script = out["script.py"]
    assert 'mock.patch("opentelemetry.trace.get_tracer", new=mock.Mock(return_value=tracer)).start()' in script
    assert "addCleanup" not in script
    run = [sys.executable, "script.py"]
    done = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['handle']"


def test_a_global_mock_that_kept_sites_read_stays_on_opentracing(tmp_path: Path) -> None:
    """A site of the file keeps reading OpenTracing's global tracer (handed to a library the
    project does not have): a patch would not reach it, so the mock given it stays, marked."""
    kept = TEST.replace(
        "    from worker import handle\n",
        "    import somelib\n    from worker import handle\n",
    ).replace(
        "        def test_records_job(self):\n",
        "        def test_library(self):\n            somelib.instrument(opentracing.global_tracer())\n\n"
        "        def test_records_job(self):\n",
    )
    out = migrate_project(tmp_path, {"worker.py": WORKER, "tests/test_worker.py": kept})
    test = out["tests/test_worker.py"]
    assert "opentracing.tracer = self.tracer" in test and "get_tracer\"" not in test
    assert "TODO(otelbridge)" in test
