# ruff: noqa: E501  (the program fixtures keep their real line lengths)
"""A Tracer given the application's own exporter class (a test's capturing exporter) through a
name or ``self.x`` stays on OpenCensus: that exporter takes OpenCensus spans, which the shim keeps
giving it, and nothing in ``configure()`` can stand in for it. Before, such a Tracer became
``trace.get_tracer(__name__)`` with a "move them to configure()" note, and the legacy test,
which reads its capturing exporter, failed even under ``otelbridge run``."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.migration_tool.projects import migrated_source

KEPT = "# TODO(otelbridge): kept on OpenCensus (served by the otelbridge OpenCensus shim): "
OWN = "its exporter is the application's own (CapturingExporter: it takes OpenCensus spans"

TEST_MODULE = """
import unittest

from opencensus.trace import base_exporter, execution_context, samplers
from opencensus.trace import tracer as tracer_module


class CapturingExporter(base_exporter.Exporter):
    def __init__(self):
        self.spans = []

    def export(self, span_datas):
        self.spans.extend(span_datas)


def checkout():
    with execution_context.get_opencensus_tracer().span(name="checkout") as span:
        span.add_attribute("items", 2)


class CheckoutTest(unittest.TestCase):
    def setUp(self):
        self.exporter = CapturingExporter()
        self.tracer = tracer_module.Tracer(exporter=self.exporter, sampler=samplers.AlwaysOnSampler())

    def test_attribute_and_local(self):
        checkout()
        self.assertEqual([(s.name, s.attributes) for s in self.exporter.spans], [("checkout", {"items": 2})])

    def test_local_tracer(self):
        exporter = CapturingExporter()
        tracer = tracer_module.Tracer(exporter=exporter, sampler=samplers.AlwaysOnSampler())
        checkout()
        self.assertEqual([s.name for s in exporter.spans], ["checkout"])


if __name__ == "__main__":
    unittest.main()
"""


def test_tracers_given_a_held_own_exporter_stay() -> None:
    code = migrated_source(TEST_MODULE)
    # alone, the test class could be imported by other modules: that reason comes first there
    assert f"{KEPT}'self.tracer' stays OpenCensus: other modules import CheckoutTest" in code
    assert f"{KEPT}'tracer' stays OpenCensus: {OWN}" in code
    assert "self.tracer = tracer_module.Tracer(exporter=self.exporter" in code
    assert "tracer = tracer_module.Tracer(exporter=exporter" in code
    assert 'trace.get_tracer(__name__).start_as_current_span("checkout")' in code  # code under test


def test_an_exporter_of_unknown_making_still_asks_for_the_set_up() -> None:
    code = migrated_source(
        """
        from opencensus.trace import samplers
        from opencensus.trace import tracer as tracer_module

        def handle(exporter):
            tracer = tracer_module.Tracer(exporter=exporter, sampler=samplers.AlwaysOnSampler())
            with tracer.span(name="handle"):
                pass
        """
    )
    assert "took its set-up from values set elsewhere (exporter=exporter)" in code
    assert "application's own" not in code


def test_the_migrated_project_keeps_its_set_up_and_passes_under_the_bridge(
    tmp_path: Path,
) -> None:
    """In a project nothing imports the test class: the attribute's own reason shows."""
    (tmp_path / "test_checkout.py").write_text(textwrap.dedent(TEST_MODULE).lstrip())
    migrate = subprocess.run(
        [str(Path(sys.executable).with_name("otelbridge")), "migrate", "--write", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert migrate.returncode in (0, 1), migrate.stderr
    code = (tmp_path / "test_checkout.py").read_text()
    assert f"{KEPT}'self.tracer' stays OpenCensus: {OWN}" in code
    otelbridge = Path(sys.executable).with_name("otelbridge")
    env = {**os.environ, "OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none"}
    run = subprocess.run(
        [str(otelbridge), "run", "--", sys.executable, "-m", "unittest", "-v", "test_checkout"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    assert run.returncode == 0, textwrap.shorten(run.stderr, 2000)
    assert "Ran 2 tests" in run.stderr and "OK" in run.stderr
