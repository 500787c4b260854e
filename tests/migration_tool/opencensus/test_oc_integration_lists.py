"""``trace_integrations([...])`` lists as applications write them: names with an instrumentor
convert even when the list also names one without (that one stays, in a call of its own, marked),
and with ``logging`` the module's format strings name LoggingInstrumentor's record fields, so
the migrated program logs its trace ids instead of failing on every record."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.migration_tool.projects import migrated_source

KEPT = "# TODO(otelbridge): kept on OpenCensus (served by the otelbridge OpenCensus shim): "


def test_names_that_map_are_not_held_back_by_one_that_does_not() -> None:
    code = migrated_source(
        """
        from opencensus.trace import config_integration

        config_integration.trace_integrations(["requests", "httplib"])
        """
    )
    assert "RequestsInstrumentor().instrument()" in code
    assert KEPT + "httplib: no OpenTelemetry instrumentor\n" in code
    assert 'config_integration.trace_integrations(["httplib"])' in code
    assert "still imports OpenCensus" in code  # config_integration, for the call that stays


def test_a_list_with_the_tracer_given_stays_whole() -> None:
    code = migrated_source(
        """
        from opencensus.trace import config_integration

        config_integration.trace_integrations(["requests", "httplib"], tracer=None)
        """
    )
    assert 'config_integration.trace_integrations(["requests", "httplib"], tracer=None)' in code
    assert "RequestsInstrumentor" not in code


PROGRAM = """
import logging

from opencensus.trace import config_integration
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer

config_integration.trace_integrations(["logging"])
logging.basicConfig(format="%(levelname)s traceId=%(traceId)s spanId=%(spanId)s %(message)s")
BRACES = logging.Formatter("{traceId:>32}/{spanId} {message}", style="{")
logging.getLogger().handlers[0].setFormatter(logging.Formatter("%(traceId)s %(message)s"))
OTHER = "a traceId is not a field: %(traceId"

tracer = Tracer(sampler=AlwaysOnSampler())

with tracer.span(name="hello"):
    logging.warning("in the span")
"""


def test_log_format_fields_follow_the_logging_instrumentor(tmp_path: Path) -> None:
    code = migrated_source(PROGRAM)
    assert "LoggingInstrumentor().instrument(inject_trace_context=True)" in code
    assert '"%(levelname)s traceId=%(otelTraceID)s spanId=%(otelSpanID)s %(message)s"' in code
    assert '"{otelTraceID:>32}/{otelSpanID} {message}"' in code
    assert '"a traceId is not a field: %(traceId"' in code
    program = tmp_path / "app.py"
    program.write_text(code)
    run = subprocess.run(
        [sys.executable, str(program)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    assert "Logging error" not in run.stderr
    assert re.search(r"^[0-9a-f]{32} in the span$", run.stderr, re.M), run.stderr
