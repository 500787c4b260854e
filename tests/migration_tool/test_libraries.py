"""Libraries that take the user's tracer, and objects that flow between their modules.

``tests/fixtures/codemod_libraries`` is an application and two libraries: one keeps its tracer in a
module global set by an init function (``global g_tracer``, unwrapping a wrapper under
``hasattr``), keeps the caller's span in a thread-local (``tls.active_span = span``, read back with
``getattr``, maybe ``None``), sets ``span.kind`` just after creating a span and hands its spans to a
helper of another module that never names OpenTracing; the other takes ``tracer=None`` and falls
back on the global tracer (``self._tracer_obj or opentracing.tracer``, a property). Migrated as a
project, the libraries take an OpenTelemetry tracer with the same defaults and the program, run
natively without the bridge, produces the tree it produced under the shim.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

from otelbridge.cli import main
from otelbridge.migration_tool.pipeline import migrate_source

PROJECT = Path(__file__).resolve().parent.parent / "fixtures" / "codemod_libraries"
TREE = """
    batch kind=INTERNAL status=UNSET attrs={} events=[]
      es:/doc! kind=CLIENT status=ERROR attrs={component='search', search.method='PUT'} events=[]
    main kind=INTERNAL status=UNSET attrs={} events=[]
      es:/index kind=CLIENT status=UNSET attrs={component='search', search.method='GET'} events=[]
      session.request kind=INTERNAL status=UNSET attrs={http.url='/a', team='core'} events=[]
        session.send kind=INTERNAL status=UNSET attrs={} events=[]
      session.request kind=INTERNAL status=UNSET attrs={http.url='/bc'} events=[]
        session.send kind=INTERNAL status=UNSET attrs={} events=[]
    """


def copy(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def test_every_module_is_converted(migrated: Path) -> None:
    for path in migrated.rglob("*.py"):
        code = path.read_text()
        assert "opentracing" not in code, path.name
        if path.name != "__init__.py":
            assert "TODO(otelbridge)" not in code, path.name
    helper = (migrated / "searchlib" / "spanhelpers.py").read_text()
    assert "span.set_attribute(" in helper  # named no legacy word: found by the index
    assert main(["migrate", "--check", "--jobs", "1", str(migrated)]) == 0


def test_the_library_defaults_to_an_opentelemetry_tracer(migrated: Path) -> None:
    code = (migrated / "sessionlib.py").read_text()
    assert "return self._tracer_obj or trace.get_tracer(__name__)" in code
    assert "def __init__(self, tracer=None, tags=None):" in code


def test_migrated_project_runs_natively_with_the_same_tree(
    migrated: Path, span_tree: Callable[[str, Path], str]
) -> None:
    assert span_tree("native", migrated / "app.py") == textwrap.dedent(TREE).strip()


def test_the_legacy_project_has_that_tree_under_the_shim(
    span_tree: Callable[[str, Path], str],
) -> None:
    assert span_tree("shim", PROJECT / "app.py") == textwrap.dedent(TREE).strip()


def test_a_default_in_an_or_is_kept_with_the_flow_it_joins(tmp_path: Path) -> None:
    """``self._tracer or opentracing.tracer`` hands both operands to the callers: when a caller
    keeps the result on OpenTracing, the default is not converted under it."""
    project = copy(
        tmp_path,
        {
            "lib.py": """
                import opentracing
                class Session:
                    def __init__(self, tracer=None):
                        self._tracer = tracer
                    def _get_tracer(self):
                        return self._tracer or opentracing.tracer
                    def request(self):
                        with self._get_tracer().start_active_span("get"):
                            return self._get_tracer().sampler
            """,
        },
    )
    main(["migrate", "--write", "--jobs", "1", str(project)])
    code = (project / "lib.py").read_text()
    assert "self._tracer or opentracing.tracer" in code
    assert "start_active_span" in code and "get_tracer(__name__)" not in code


def test_the_no_op_tracer_becomes_opentelemetrys() -> None:
    source = textwrap.dedent(
        """
        import opentracing
        tracer = opentracing.Tracer()
        with tracer.start_span("x") as span:
            span.set_tag("k", 1)
        """
    )
    code = migrate_source(source).code
    assert "tracer = trace.NoOpTracer()" in code
    assert 'span.set_attribute("k", 1)' in code and "opentracing" not in code


SETUP = """
    from setuptools import setup

    deps = ["six", "opentracing>=2.0,<2.1"]

    setup(
        name="pkg_opentracing",
        keywords=["opentracing"],
        install_requires=deps + ["opentracing_instrumentation"],
        extras_require={"tests": ['opentracing[tests]; python_version >= "3"', "mock"]},
    )
    """


def test_requirements_of_setup_name_the_opentelemetry_api() -> None:
    migration = migrate_source(textwrap.dedent(SETUP), "setup.py")
    assert 'deps = ["six", "opentelemetry-api"]' in migration.code
    assert '[\'opentelemetry-api; python_version >= "3"\', "mock"]' in migration.code
    assert 'name="pkg_opentracing"' in migration.code  # the project's own name stays
    assert 'keywords=["opentracing"]' in migration.code  # not a requirement
    assert '"opentracing_instrumentation"' in migration.code  # another package
    notes = [f for f in migration.findings if f.rule == "requirements"]
    assert [f.line for f in notes] == [4, 10]
    assert "`opentracing>=2.0,<2.1` replaced by `opentelemetry-api`" in notes[0].reason
    assert migrate_source(migration.code, "setup.py").code == migration.code


def test_the_library_keeps_its_tracer_parameter_and_its_thread_local(migrated: Path) -> None:
    code = (migrated / "searchlib" / "__init__.py").read_text()
    assert code.count("TODO(otelbridge)") == 1  # the unwrapping under hasattr, left as written
    assert "read under `hasattr`: left as written" in code
    assert "tls.active_span = span" in code
    assert (
        "context=None if (parent := get_active_span()) is None else "
        "trace.set_span_in_context(parent), kind=trace.SpanKind.CLIENT)"
    ) in code
    assert "span.set_status(trace.Status(trace.StatusCode.ERROR))" in code


def test_a_test_double_given_to_a_converted_parameter_is_marked(tmp_path: Path) -> None:
    """The library converts (its own code and its other callers say it takes a tracer); the
    test handing it a double of the OpenTracing API is marked, and spans it compares are not
    escapes."""
    project = copy(
        tmp_path,
        {
            "lib.py": """
                import opentracing
                def traced(tracer, name):
                    with tracer.start_active_span(name) as scope:
                        return scope.span
            """,
            "app.py": """
                import opentracing
                import lib
                lib.traced(opentracing.global_tracer(), "x")
            """,
            "test_lib.py": """
                import unittest
                import opentracing
                import lib
                class Double:
                    def start_active_span(self, name):
                        return None
                class Test(unittest.TestCase):
                    def test_it(self):
                        span = opentracing.global_tracer().start_span("y")
                        self.assertEqual(span, span)
                        lib.traced(Double(), "x")
            """,
        },
    )
    main(["migrate", "--write", "--jobs", "1", str(project)])
    library = (project / "lib.py").read_text()
    assert "start_as_current_span(name) as span" in library and "opentracing" not in library
    test = (project / "test_lib.py").read_text()
    assert "given where the migrated code takes an OpenTelemetry tracer" in test
    assert 'span = trace.get_tracer(__name__).start_span("y")' in test


def test_a_private_attribute_set_on_handed_objects_flows_between_handlers(tmp_path: Path) -> None:
    """``context._span = span`` in one event handler, ``getattr(context, "_span", None)`` in
    another (both handlers called by a framework, so their parameters are unknown): one symbol,
    converted on both sides."""
    project = copy(
        tmp_path,
        {
            "hooks.py": """
                import opentracing
                def before(conn, context):
                    span = opentracing.global_tracer().start_span("query")
                    span.set_tag("component", "sql")
                    context._span = span
                def after(conn, context):
                    span = getattr(context, "_span", None)
                    if span is not None:
                        span.finish()
                def register(engine):
                    engine.listen("before", before)
                    engine.listen("after", after)
            """,
        },
    )
    main(["migrate", "--write", "--jobs", "1", str(project)])
    code = (project / "hooks.py").read_text()
    assert "context._span = span" in code and "span.end()" in code
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
