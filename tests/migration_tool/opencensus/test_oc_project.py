"""OpenCensus stats shared between the modules of a project (``opencensus/project.py``): the
modules that define and record a measure convert together or stay OpenCensus together."""

from __future__ import annotations

import textwrap
from pathlib import Path

from otelbridge.cli import main

MEASURES = """
    from opencensus.stats import aggregation, measure, view
    from opencensus.stats import stats as stats_module
    from opencensus.tags import TagKey

    KIND = TagKey("kind")
    JOBS = measure.MeasureInt("jobs", "jobs done", "1")
    JOBS_VIEW = view.View("jobs", "jobs done", [KIND], JOBS, aggregation.SumAggregation())
    stats_module.stats.view_manager.register_view(JOBS_VIEW)
    """
RECORDS = """
    from opencensus.stats import stats as stats_module
    from opencensus.tags import TagMap, TagValue

    from app.measures import JOBS, KIND


    def done(kind, count):
        mmap = stats_module.stats.stats_recorder.new_measurement_map()
        mmap.measure_int_put(JOBS, count)
        tags = TagMap()
        tags.insert(KIND, TagValue(kind))
        mmap.record(tags)
    """
#: ``record()`` with the context's tags, which the module sets: OpenTelemetry has no context tags.
CONTEXT_TAGS = """
    from opencensus.stats import stats as stats_module
    from opencensus.tags import TagContext, TagMap

    from app.measures import JOBS


    def done_in_context(count, queue):
        tags = TagMap()
        tags.insert("queue", queue)
        TagContext.set(tags)
        mmap = stats_module.stats.stats_recorder.new_measurement_map()
        mmap.measure_int_put(JOBS, count)
        mmap.record()
    """


def _project(root: Path, files: dict[str, str]) -> Path:
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    for name, text in files.items():
        (root / "app" / name).write_text(textwrap.dedent(text).lstrip("\n"))
    assert main(["migrate", "--write", "--jobs", "1", str(root)]) == 1
    assert main(["migrate", "--check", "--jobs", "1", str(root)]) in (0, 1)
    return root / "app"


def test_a_measure_recorded_in_another_module_converts_with_it(tmp_path: Path) -> None:
    app = _project(tmp_path, {"measures.py": MEASURES, "records.py": RECORDS})
    measures, records = (app / "measures.py").read_text(), (app / "records.py").read_text()
    assert "opencensus" not in measures + records
    assert 'JOBS = metrics.get_meter(__name__).create_counter("jobs"' in measures
    assert 'KIND = "kind"' in measures  # imported elsewhere: the key's name stays importable
    assert 'JOBS.add(count, {"kind": kind})' in records


def test_one_module_that_cannot_convert_keeps_every_module_sharing_the_measure(
    tmp_path: Path,
) -> None:
    app = _project(
        tmp_path, {"measures.py": MEASURES, "records.py": RECORDS, "context.py": CONTEXT_TAGS}
    )
    for name in ("measures.py", "records.py", "context.py"):
        text = (app / name).read_text()
        assert "measure.MeasureInt(" in text or "measure_int_put(JOBS" in text, name
    measures = (app / "measures.py").read_text()
    assert (
        "it shares measures with app.context, whose stats stay OpenCensus: record() with "
        "context tags" in measures
    )


#: Hands the measure on: the helper's ``measure_int_put`` would meet an instrument.
PASSES_ON = """
    from app.helpers import record
    from app.measures import JOBS


    def done(count):
        record(JOBS, count)
    """


def test_a_measure_handed_on_to_other_code_keeps_its_module_on_opencensus(tmp_path: Path) -> None:
    app = _project(tmp_path, {"measures.py": MEASURES, "passes.py": PASSES_ON})
    measures = (app / "measures.py").read_text()
    assert "measure.MeasureInt(" in measures
    assert (
        "it shares measures with app.passes, whose stats stay OpenCensus: measure 'JOBS' is "
        "used elsewhere" in measures
    )


def test_a_name_bound_by_python_itself_has_no_known_value() -> None:
    """Reading another module's stats follows names to their bindings; a builtin has none."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, ScopeProvider

    from otelbridge.migration_tool.bindings import bound_values

    wrapper = MetadataWrapper(cst.parse_module("print(len)\n"))
    scopes = wrapper.resolve(ScopeProvider)
    names = [n for n in scopes if isinstance(n, cst.Name) and n.value == "len"]
    assert names and bound_values(scopes, {}, names[0]) == []


#: The measure and its tag key read as attributes of the defining module, a distribution too.
BY_MODULE = {
    "measures.py": MEASURES
    + """
    LATENCY = measure.MeasureFloat("latency", "job latency", "ms")
    LATENCY_VIEW = view.View(
        "latency", "job latency", [KIND], LATENCY, aggregation.DistributionAggregation([10, 100])
    )
    stats_module.stats.view_manager.register_view(LATENCY_VIEW)
    """,
    "records.py": """
    from opencensus.stats import stats as stats_module
    from opencensus.tags import TagMap, TagValue

    from app import measures


    def done(kind, count, took):
        mmap = stats_module.stats.stats_recorder.new_measurement_map()
        mmap.measure_int_put(measures.JOBS, count)
        mmap.measure_float_put(measures.LATENCY, took)
        tags = TagMap()
        tags.insert(measures.KIND, TagValue(kind))
        mmap.record(tags)
    """,
}
PROGRAM = """
from app.records import done


def main():
    done("a", 2, 5.0)
    done("a", 1, 50.0)
    done("b", 3, 500.0)
"""


def test_a_measure_read_as_an_attribute_of_its_module_converts_with_it(tmp_path: Path) -> None:
    """``from app import measures`` ... ``measures.JOBS``: before, "a measure made in another
    module (or not by name)" kept both modules on OpenCensus."""
    from tests.migration_tool.conftest import run_driver

    legacy = tmp_path / "legacy"
    legacy.mkdir()
    for name, text in BY_MODULE.items():
        (legacy / "app").mkdir(exist_ok=True)
        (legacy / "app" / "__init__.py").write_text("")
        (legacy / "app" / name).write_text(textwrap.dedent(text).lstrip("\n"))
    (legacy / "program.py").write_text(PROGRAM)
    migrated = tmp_path / "migrated"
    migrated.mkdir()
    app = _project(migrated, BY_MODULE)
    (migrated / "program.py").write_text(PROGRAM)
    records = (app / "records.py").read_text()
    assert "opencensus" not in records + (app / "measures.py").read_text()
    assert 'measures.JOBS.add(count, {"kind": kind})' in records
    assert 'measures.LATENCY.record(took, {"kind": kind})' in records
    driver = Path(__file__).resolve().parent / "oc_span_tree.py"
    streams = []
    for variant, root in (("opencensus", legacy), ("native", migrated)):
        lines = run_driver(driver, variant, root / "program.py").split("\n")
        streams.append("\n".join(lines[lines.index("==") + 1 :]))
    assert streams[0] == (
        "jobs sum {kind='a'} 3\n"
        "jobs sum {kind='b'} 3\n"
        "latency histogram {kind='a'} (2, 55.0, [1, 1, 0])\n"
        "latency histogram {kind='b'} (1, 500.0, [0, 0, 1])"
    ), streams[0]
    assert streams[1] == streams[0]


RECORDER = (
    MEASURES
    + """
    stats_recorder = stats_module.stats.stats_recorder
    """
)
RECORDS_WITH_RECORDER = """
    from app.measures import JOBS, stats_recorder


    def done(count):
        mmap = stats_recorder.new_measurement_map()
        mmap.measure_int_put(JOBS, count)
        mmap.record()
    """


def test_a_recorder_imported_from_the_defining_module_leaves_the_imports(tmp_path: Path) -> None:
    """The defining module's ``stats_recorder = stats.stats_recorder`` goes with its stats, so
    the module importing it drops it too (before: an ImportError at start-up)."""
    app = _project(tmp_path, {"measures.py": RECORDER, "records.py": RECORDS_WITH_RECORDER})
    records = (app / "records.py").read_text()
    assert "stats_recorder" not in records + (app / "measures.py").read_text()
    assert "from app.measures import JOBS\n" in records and "JOBS.add(count)" in records
    assert "TODO(otelbridge)" not in records


def test_a_recorder_imported_for_other_uses_keeps_the_unit_on_opencensus(tmp_path: Path) -> None:
    other = RECORDS_WITH_RECORDER + "\n\n    RECORDER = stats_recorder\n"
    app = _project(tmp_path, {"measures.py": RECORDER, "records.py": other})
    measures = (app / "measures.py").read_text()
    assert "stats_recorder = stats_module.stats.stats_recorder" in measures
    assert "'stats_recorder' is used for more than measurement maps" in measures


def test_a_measure_used_elsewhere_as_a_module_attribute_keeps_the_unit(tmp_path: Path) -> None:
    records = BY_MODULE["records.py"] + "\n\n    def again(count):\n        print(measures.JOBS)\n"
    app = _project(tmp_path, {"measures.py": BY_MODULE["measures.py"], "records.py": records})
    measures = (app / "measures.py").read_text()
    assert "measure.MeasureInt(" in measures
    assert "measure 'measures.JOBS' is used elsewhere" in measures
