"""``migrate --semconv``: the attribute names the migrated code writes for OpenTracing tags are
the ones the bridge records for the same code, with the same setting (``otelbridge.semconv``)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from otelbridge.cli import main
from otelbridge.migration_tool.pipeline import migrate_source
from otelbridge.semconv import ENV

PROGRAM = textwrap.dedent(
    """
    import opentracing
    from opentracing.ext import tags

    tracer = opentracing.global_tracer()


    def main():
        with tracer.start_active_span(
            "query", tags={tags.SPAN_KIND: tags.SPAN_KIND_RPC_CLIENT, tags.DATABASE_TYPE: "sql"}
        ) as scope:
            scope.span.set_tag(tags.DATABASE_STATEMENT, "select 1")
            scope.span.set_tag(tags.PEER_HOSTNAME, "db.local")
            scope.span.set_tag("rows", 1)
    """
)


def test_by_default_the_tag_names_stay_as_the_bridge_records_them() -> None:
    code = migrate_source(PROGRAM, "program.py").code
    assert 'attributes={"span.kind": "client", "db.type": "sql"}' in code
    assert 'span.set_attribute("db.statement", "select 1")' in code
    assert 'span.set_attribute("peer.hostname", "db.local")' in code


def test_stable_writes_the_semantic_convention_names() -> None:
    code = migrate_source(PROGRAM, "program.py", semconv="stable").code
    assert 'kind=trace.SpanKind.CLIENT, attributes={"db.system.name": "sql"}' in code
    assert 'span.set_attribute("db.query.text", "select 1")' in code
    assert 'span.set_attribute("server.address", "db.local")' in code
    assert 'span.set_attribute("rows", 1)' in code


def test_the_setting_is_the_default_and_a_bad_value_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV, "stable")
    assert '"db.system.name"' in migrate_source(PROGRAM, "program.py").code
    assert '"db.type"' in migrate_source(PROGRAM, "program.py", semconv="opentracing").code
    with pytest.raises(ValueError, match="semconv 'v2' is not one of opentracing, stable"):
        migrate_source(PROGRAM, "program.py", semconv="v2")


def test_bridged_with_stable_and_migrated_with_stable_record_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, span_tree: Callable[[str, Path], str]
) -> None:
    legacy = tmp_path / "legacy" / "program.py"
    legacy.parent.mkdir()
    legacy.write_text(PROGRAM)
    migrated = tmp_path / "migrated" / "program.py"
    migrated.parent.mkdir()
    migrated.write_text(PROGRAM)
    monkeypatch.delenv(ENV, raising=False)
    assert main(["migrate", "--write", "--semconv", "stable", "--jobs", "1", str(migrated)]) == 1
    assert ENV not in os.environ  # the option holds for its run only
    monkeypatch.setenv(ENV, "stable")  # the bridge's setting, read by install()
    expected = (
        "query kind=CLIENT status=UNSET attrs={db.query.text='select 1', "
        "db.system.name='sql', rows=1, server.address='db.local'} events=[]"
    )
    assert span_tree("bridge", legacy) == span_tree("native", migrated) == expected
