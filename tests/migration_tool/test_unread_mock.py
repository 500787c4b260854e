"""A ``MockTracer`` bound to a variable whose spans the test never reads (it only checks what the
code under test returns) needs no ``InMemorySpanExporter``: it becomes a tracer of a plain
``TracerProvider``, as a mock bound to nothing does. One whose spans are read keeps its exporter.
The migrated tests pass."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from otelbridge.cli import main

LIBRARY = """
    import opentracing


    class Client(object):
        def __init__(self, tracer=None):
            self.tracer = tracer or opentracing.tracer

        def call(self, name):
            with self.tracer.start_active_span(name) as scope:
                scope.span.set_tag("name", name)
            return name
"""
TESTS = """
    from opentracing.mocktracer import MockTracer

    from client import Client


    def test_the_result():
        tracer = MockTracer()
        client = Client(tracer)
        assert client.call("first") == "first"


    def test_the_spans():
        tracer = MockTracer()
        Client(tracer).call("second")
        assert [span.operation_name for span in tracer.finished_spans()] == ["second"]
"""


def test_only_a_mock_whose_spans_are_read_gets_an_exporter(tmp_path: Path) -> None:
    (tmp_path / "client.py").write_text(textwrap.dedent(LIBRARY))
    (tmp_path / "test_client.py").write_text(textwrap.dedent(TESTS))
    assert main(["migrate", "--write", "--jobs", "1", str(tmp_path)]) == 1
    code = (tmp_path / "test_client.py").read_text()
    result, spans = code.split("def test_the_result")[1].split("def test_the_spans")
    assert "    tracer = TracerProvider().get_tracer(__name__)\n" in result
    assert "xporter" not in result and "provider" not in result
    assert "exporter = InMemorySpanExporter()" in spans
    assert "exporter.get_finished_spans()" in spans
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert main(["migrate", "--check", "--jobs", "1", str(tmp_path)]) == 0
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_client.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
