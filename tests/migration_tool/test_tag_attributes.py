"""``error`` and ``span.kind`` tags: by default the bridge (the OpenTracing shim) records them as
attributes beside the span's status and kind, so the migrated code does too (``set_status`` and
``set_attribute("error", ...)``; ``kind=`` and the ``span.kind`` attribute, for a kind tag moved
into the creation as for one given there). With ``stable`` names (``OTELBRIDGE_SEMCONV``,
``--semconv``) neither side records them. Compared on the spans each side exports, all
attributes included."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from otelbridge.migration_tool.pipeline import migrate_source
from tests.migration_tool.projects import SPANS_DRIVER

PROGRAM = """
    import opentracing
    from opentracing.ext import tags

    tracer = opentracing.global_tracer()


    def main():
        with tracer.start_active_span("given", tags={tags.SPAN_KIND: tags.SPAN_KIND_RPC_SERVER}):
            pass
        with tracer.start_active_span("moved") as scope:
            scope.span.set_tag(tags.SPAN_KIND, tags.SPAN_KIND_RPC_CLIENT)
            scope.span.set_tag("peer.service", "db")
        span = tracer.start_span("failed")
        span.set_tag(tags.ERROR, True)
        span.finish()
        span = tracer.start_span("failed as text")
        span.set_tag("error", "true")
        span.finish()
"""


def _spans(tmp_path: Path, variant: str, program: Path, semconv: str) -> str:
    driver = tmp_path / "driver.py"
    driver.write_text(SPANS_DRIVER)
    result = subprocess.run(
        [sys.executable, str(driver), variant, str(program)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "OTELBRIDGE_SEMCONV": semconv},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("semconv", ["opentracing", "stable"])
def test_migrated_code_records_what_the_bridge_records(tmp_path: Path, semconv: str) -> None:
    legacy = tmp_path / "legacy.py"
    legacy.write_text(textwrap.dedent(PROGRAM))
    migrated = tmp_path / "migrated.py"
    code = migrate_source(legacy.read_text(), str(legacy), semconv=semconv).code
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    migrated.write_text(code)
    bridged = _spans(tmp_path, "bridge", legacy, semconv)
    assert _spans(tmp_path, "native", migrated, semconv) == bridged
    if semconv == "opentracing":
        assert "('error', True)" in bridged and "('span.kind', 'client')" in bridged
    else:
        assert "'error'" not in bridged and "span.kind" not in bridged
    assert "failed INTERNAL ERROR" in bridged and "moved CLIENT UNSET" in bridged


def test_names_of_the_tags_module_that_ext_tags_re_exports_become_their_strings() -> None:
    # opentracing.ext.tags only re-exports opentracing.tags; applications name either. The
    # removed import group also leaves its blank line, so the groups stay apart.
    code = migrate_source(
        textwrap.dedent(
            """\
            import logging

            import opentracing
            import opentracing.tags

            logger = logging.getLogger(__name__)


            def lookup(key):
                with opentracing.global_tracer().start_active_span("lookup") as scope:
                    scope.span.set_tag(opentracing.tags.COMPONENT, "cache")
                    scope.span.set_tag(opentracing.tags.DATABASE_TYPE, "redis")
                    logger.info("looked up %s", key)
            """
        ),
        "lookup.py",
    ).code
    assert code == textwrap.dedent(
        """\
        import logging

        from opentelemetry import trace

        logger = logging.getLogger(__name__)


        def lookup(key):
            with trace.get_tracer(__name__).start_as_current_span("lookup") as span:
                span.set_attribute("component", "cache")
                span.set_attribute("db.type", "redis")
                logger.info("looked up %s", key)
        """
    )


VALUES = """
    import opentracing

    tracer = opentracing.global_tracer()


    def main():
        response = {"message": "homepage"}
        with tracer.start_active_span("values") as scope:
            scope.span.set_tag("response", response)
            scope.span.set_tag("ids", {7})
            scope.span.set_tag("count", 2)
            scope.span.log_kv({"event": "sent", "payload": {"size": 3}, "count": 2})
"""


def test_dict_and_set_values_are_recorded_as_their_str(tmp_path: Path) -> None:
    """A dict or set is no OpenTelemetry attribute value (set_attribute() drops it, warning);
    OpenTracing tracers and the bridge record its ``str()``: the migration writes it."""
    legacy = tmp_path / "legacy.py"
    legacy.write_text(textwrap.dedent(VALUES))
    code = migrate_source(legacy.read_text(), str(legacy)).code
    assert 'span.set_attribute("response", str(response))' in code
    assert 'span.set_attribute("ids", str({7}))' in code
    assert 'span.set_attribute("count", 2)' in code
    assert 'span.add_event("sent", {"payload": str({"size": 3}), "count": 2})' in code
    migrated = tmp_path / "migrated.py"
    migrated.write_text(code)
    bridged = _spans(tmp_path, "bridge", legacy, "opentracing")
    assert _spans(tmp_path, "native", migrated, "opentracing") == bridged
    assert "('response', \"{'message': 'homepage'}\")" in bridged
