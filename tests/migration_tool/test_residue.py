"""No silent leftovers: each legacy site the transforms leave is marked, reported, gates --check."""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import pytest

from otelbridge.cli import main
from otelbridge.migration_tool.engine.residue import MARK, mark, scan
from otelbridge.migration_tool.names import OPENCENSUS, OPENTRACING
from otelbridge.migration_tool.pipeline import migrate_source

#: Uses a tracer made in another module: the file never imports opentracing.
USER = """\
from lib.tracing import make_tracer

tracer = make_tracer()


def work(carrier):
    with tracer.start_active_span("work") as scope:
        scope.span.set_tag("ok", True)
        scope.span.log_kv({"event": "done"})
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def migrate(*args: str) -> int:
    return main(["migrate", "--jobs", "1", *args])


def test_members_on_a_receiver_of_unknown_origin_are_marked_line_by_line() -> None:
    migrated = migrate_source(USER)
    lines = migrated.code.splitlines()
    for site in migrated.remaining:
        assert site.marked and MARK in lines[site.line - 2]
    assert [lines[s.line - 1].strip()[:22] for s in migrated.remaining] == [
        "with tracer.start_acti",
        'scope.span.set_tag("ok',
        'scope.span.log_kv({"ev',
    ]
    assert migrate_source(migrated.code).code == migrated.code  # a second run changes nothing


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (  # inside brackets: a comment line is valid there
            """
            import opentracing
            span = opentracing.global_tracer().start_span(
                "x",
                child_of=parent_context)
            """,
            "child_of",
        ),
        (  # a docstring gets a line of text, naming no legacy word itself
            '''
            def traced():
                """Runs under a span.

                Call span.set_tag(key, value) to annotate it.
                """
            ''',
            "set_tag",
        ),
        (  # after a backslash: a trailing comment
            """
            import opentracing
            value = 1 + \\
                opentracing.tracer.scope_manager.active
            """,
            "scope_manager",
        ),
    ],
)
def test_markers_go_where_python_allows_them(source: str, expected: str) -> None:
    text = dedent(source)
    residue = mark(text, OPENTRACING)
    ast.parse(residue.text)
    lines = residue.text.splitlines()
    (site,) = [s for s in residue.sites if expected in s.names]
    assert site.marked and (MARK in lines[site.line - 1] or MARK in lines[site.line - 2])
    assert all(s.marked for s in scan(residue.text, OPENTRACING))
    assert mark(residue.text, OPENTRACING).text == residue.text


def test_a_value_string_is_reported_but_never_changed() -> None:
    text = 'QUERY = """select 1\nfrom opentracing\n"""\n'
    residue = mark(text, OPENTRACING)
    assert residue.text == text
    (site,) = residue.sites
    assert (site.line, site.what, site.marked) == (2, "string", False)


def test_generic_members_count_only_on_their_receivers() -> None:
    text = "import opentracing\nhandler.finish()\nspan.finish()\nrequest.span\nscope.span\n"
    assert [s.line for s in scan(text, OPENTRACING)] == [1, 3, 5]
    plain = "class Span:\n    def finish(self): ...\n\nSpan().finish()\n"
    assert migrate_source(plain).code == plain  # not a candidate: no legacy word at all


def test_check_fails_while_legacy_sites_remain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "user.py").write_text(USER)
    report = tmp_path / "report.json"
    assert migrate("--write", "--report", str(report), str(tmp_path)) == 1
    capsys.readouterr()
    assert migrate("--check", str(tmp_path)) == 1  # nothing to rewrite, but legacy calls remain
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert summary.endswith(
        "0 to rewrite, 0 sites to review, 0 failed, 0 skipped; 3 legacy sites remain (3 marked)"
    )
    (entry,) = json.loads(report.read_text())["files"]
    assert [s["line"] for s in entry["remaining"]] == [8, 10, 12]
    written = (tmp_path / "user.py").read_text().splitlines()
    code = [i for i, line in enumerate(written) if "span" in line.split("#")[0]]
    assert code and all(MARK in written[i - 1] for i in code)


def test_unknown_report_format_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "user.py").write_text(USER)
    assert migrate("--report", str(tmp_path / "r.txt"), str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown format" in err and "*.json or *.md" in err
    assert not (tmp_path / "r.txt").exists()


def test_globs_match_relative_to_each_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("app/svc.py", "app/tests/test_svc.py", "app/vendor/lib.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(USER)
    root = tmp_path / "app"
    assert migrate("--check", "--exclude", "tests/*", "--exclude", "vendor", str(root)) == 1
    assert capsys.readouterr().out.splitlines() == [f"would rewrite {root / 'svc.py'}"]
    assert migrate("--check", "--include", "tests/*.py", str(root)) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"would rewrite {root / 'tests' / 'test_svc.py'}"
    ]


def test_python_2_files_are_skipped_once_with_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "old.py").write_text("import opentracing\n\n\nprint 'hello'\n")
    assert migrate("--check", str(tmp_path)) == 0
    err = capsys.readouterr().err
    assert err.count("old.py") == 1
    assert "not Python 3 (Python 2 syntax at line 4)" in err


def test_a_stand_in_class_of_the_modules_own_is_not_the_api() -> None:
    """``class MockTracer:`` defined for when a tracing library is missing (seen in public code
    that uses OpenTelemetry) is the module's own: nothing to mark; imported, it is the API's."""
    own = textwrap.dedent(
        """
        try:
            from opentelemetry import trace
            tracer = trace.get_tracer(__name__)
        except ImportError:
            class MockTracer:
                def start_as_current_span(self, name):
                    return None
            tracer = MockTracer()
        """
    )
    assert scan(own, OPENTRACING) == []
    assert migrate_source(own).code == own
    imported = "from opentracing.mocktracer import MockTracer\nclass MockTracer(MockTracer): ...\n"
    assert [site.line for site in scan(imported, OPENTRACING)] == [1, 2]


def test_a_parameter_named_like_an_api_keyword_is_not_a_use() -> None:
    """``def trace(op_name, ignore_active_span=False)`` takes a flag of its own name: it does
    not call the API. The keyword in a call still counts, and so does a method named like an
    API method (a double, or a wrapper a human should look at), in a nested block too; a
    function outside a class implements no object's interface (``def log_event`` in a module
    of OpenCensus code is its own)."""
    helper = "def trace(op_name, ignore_active_span=False):\n    return op_name\n"
    assert scan(helper, OPENTRACING) == []
    uses = dedent(
        """
        start(op_name, ignore_active_span=True)


        def set_tag(tag, value):
            def finish():
                return tag
            return finish


        class FakeSpan:
            if True:
                def set_tag(self, tag, value):
                    def log_kv(): ...

            async def finish(self): ...
        """
    )
    assert [(site.line, site.what) for site in scan(uses, OPENTRACING)] == [
        (1, "code"),
        (12, "definition"),
        (15, "definition"),
    ]


def test_a_name_imported_from_the_api_marks_each_line_that_uses_it() -> None:
    """``aggregation.SumAggregation()`` on a continuation line of a kept ``View(...)``: the word
    alone is OpenTelemetry's too, but ``aggregation`` (or an ``as`` alias) came from OpenCensus,
    so the line is the API's and is marked; a name from any other package is not."""
    source = dedent(
        """
        import json as codec
        import opencensus.stats.measure as measure_module
        from opencensus.stats import aggregation, view as view_module

        VIEW = view_module.View(
            "errors", "failed", [],
            measure_module.MeasureInt("errors", "failed", "1"),
            aggregation.SumAggregation())
        DUMPED = codec.dumps({})
        """
    )
    sites = scan(source, OPENCENSUS)
    assert [(site.line, site.names) for site in sites if site.what == "code"] == [
        (5, ("view_module",)),
        (7, ("measure_module", "MeasureInt")),
        (8, ("aggregation",)),
    ]
    marked = mark(source, OPENCENSUS).text
    assert all(site.marked for site in scan(marked, OPENCENSUS))
    assert "codec" not in "".join(line for line in marked.splitlines() if MARK in line)
