"""A pytest fixture returning a ``MockTracer`` whose spans the tests read (``mock_fixtures.py``):
the fixture records into an exporter fixture of its own, each test reading spans asks for it;
a generator fixture gives what it yields (``engine/fixtures.py``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from otelbridge.cli import main
from tests.migration_tool.projects import migrate_project, pytest_passes

CONFTEST = """
    import pytest
    from opentracing.mocktracer import MockTracer


    @pytest.fixture
    def tracer():
        return MockTracer()
    """
TESTS = """
    def work(tracer):
        with tracer.start_active_span("work") as scope:
            scope.span.set_tag("k", 1)


    def test_work(tracer):
        work(tracer)
        spans = tracer.finished_spans()
        assert [s.operation_name for s in spans] == ["work"]
        assert spans[0].tags == {"k": 1}


    def test_reset(tracer):
        work(tracer)
        work(tracer)
        assert len(tracer.finished_spans()) == 2
        tracer.reset()
        assert not tracer.finished_spans()


    class TestOwn:
        @pytest.fixture(scope="function")
        def tracer(self):
            return MockTracer()

        def test_own(self, tracer):
            work(tracer)
            assert tracer.finished_spans()[0].operation_name == "work"
    """


def test_tests_reading_a_fixture_mock_s_spans_ask_for_its_exporter(tmp_path: Path) -> None:
    tests = "import pytest\nfrom opentracing.mocktracer import MockTracer\n\n\n" + textwrap.dedent(
        TESTS
    )
    out = migrate_project(tmp_path, {"tests/conftest.py": CONFTEST, "tests/test_work.py": tests})
    conftest = out["tests/conftest.py"]
    assert "@pytest.fixture\ndef tracer_exporter():\n    return InMemorySpanExporter()" in conftest
    assert "def tracer(tracer_exporter):" in conftest
    assert "provider.add_span_processor(SimpleSpanProcessor(tracer_exporter))" in conftest
    test = out["tests/test_work.py"]
    assert "opentracing" not in test and "TODO(otelbridge" not in test
    assert "def test_work(tracer, tracer_exporter):" in test
    assert "spans = list(tracer_exporter.get_finished_spans())" in test
    assert 'assert [s.name for s in spans] == ["work"]' in test
    assert "tracer_exporter.clear()" in test
    # a fixture of the class: its companion is a method too, with the same decorator
    assert '@pytest.fixture(scope="function")\n    def tracer_exporter(self):' in test
    assert "def test_own(self, tracer, tracer_exporter):" in test
    pytest_passes(tmp_path, 3)  # natively: neither OpenTracing's shims nor the bridge
    main(["migrate", "--write", "--jobs", "1", str(tmp_path)])
    assert (tmp_path / "tests/test_work.py").read_text() == test  # a second run is a no-op
    assert (tmp_path / "tests/conftest.py").read_text() == conftest


def test_a_generator_fixture_gives_what_it_yields(tmp_path: Path) -> None:
    conftest = CONFTEST.replace(
        "return MockTracer()", "tracer = MockTracer()\n        yield tracer"
    )
    tests = """
        def test_work(tracer):
            with tracer.start_active_span("work") as scope:
                scope.span.set_tag("k", 1)
    """
    out = migrate_project(tmp_path, {"tests/conftest.py": conftest, "tests/test_work.py": tests})
    assert "yield tracer" in out["tests/conftest.py"]
    assert "MockTracer" not in out["tests/conftest.py"]
    assert 'with tracer.start_as_current_span("work") as span:' in out["tests/test_work.py"]
    assert "TODO(otelbridge" not in "".join(out.values())
    pytest_passes(tmp_path, 1)
