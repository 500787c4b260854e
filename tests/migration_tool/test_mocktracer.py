# ruff: noqa: E501  (before/after fixtures keep their real line lengths)
"""Tests on OpenTracing's ``MockTracer``: the mock, what only it has, and the assertions on what it
recorded (``transforms/mocktracer.py``, ``transforms/recorded.py``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from otelbridge.cli import main
from tests.migration_tool.projects import migrate_project, migrated_source, unittest_passes

SDK_IMPORTS = """\
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
"""


def test_a_bound_mock_gets_its_exporter_and_mock_calls_follow() -> None:
    code = migrated_source(
        """
        from opentracing.mocktracer import MockTracer
        from opentracing.scope_managers import ThreadLocalScopeManager

        class T:
            def setUp(self):
                self._tracer = MockTracer(ThreadLocalScopeManager())

            def test(self):
                self._tracer.reset()
                return self._tracer.finished_spans()

        def test_local():
            tracer = MockTracer()
            exporter = None
            tracer.start_span("a").finish()
            assert len(tracer.finished_spans()) == 1
        """
    )
    assert "MockTracer" not in code and code.startswith(SDK_IMPORTS)
    assert (
        "        self._exporter = InMemorySpanExporter()\n"
        "        self._provider = TracerProvider()\n"
        "        self._provider.add_span_processor(SimpleSpanProcessor(self._exporter))\n"
        "        self._tracer = self._provider.get_tracer(__name__)\n"
    ) in code
    assert "self._exporter.clear()\n        return self._exporter.get_finished_spans()" in code
    # ``exporter`` is taken in that function: the next free name
    assert "exporter2 = InMemorySpanExporter()" in code
    assert "provider.add_span_processor(SimpleSpanProcessor(exporter2))" in code
    assert "assert len(exporter2.get_finished_spans()) == 1" in code


def test_mock_only_uses_without_a_mapping_keep_the_mock_whole() -> None:
    """A kept mock still runs natively (it is OpenTracing's own): the test keeps passing."""
    for use in (
        "holder = [tracer]",
        # two mocks in the function: which one an alias reads cannot be told
        "assert MockTracer().finished_spans() or alias.finished_spans()",
    ):
        code = migrated_source(
            f"""
            from opentracing.mocktracer import MockTracer

            def test():
                tracer = MockTracer()
                alias = tracer
                {use}
            """
        )
        assert "tracer = MockTracer()" in code and use in code, use
        assert "global_tracer" not in code


def test_the_one_mock_of_a_function_is_reached_through_what_it_was_handed_to(
    tmp_path: Path,
) -> None:
    """``finished_spans()`` exists only on a mock: on a tracer read back through the code under
    test (or an alias), in a function that makes one mock, it reads that mock's spans."""
    out = _project(
        tmp_path,
        {
            "lib.py": """
                class Tracing(object):
                    def __init__(self, tracer):
                        self._tracer = tracer

                    @property
                    def tracer(self):
                        return self._tracer

                    def call(self):
                        self._tracer.start_span("call").finish()
                """,
            "test_lib.py": """
                from opentracing.mocktracer import MockTracer
                from lib import Tracing

                def test_inline():
                    tracing = Tracing(MockTracer())
                    tracing.call()
                    spans = tracing.tracer.finished_spans()
                    assert spans[0].operation_name == "call"
                    tracing.tracer.reset()

                def test_alias():
                    tracer = MockTracer()
                    alias = tracer
                    Tracing(alias).call()
                    assert len(alias.finished_spans()) == 1
                """,
        },
    )
    test = out["test_lib.py"]
    assert (
        "def test_inline():\n"
        "    exporter = InMemorySpanExporter()\n"
        "    provider = TracerProvider()\n"
        "    provider.add_span_processor(SimpleSpanProcessor(exporter))\n"
        "    tracing = Tracing(provider.get_tracer(__name__))\n"
        "    tracing.call()\n"
        "    spans = list(exporter.get_finished_spans())\n"
        '    assert spans[0].name == "call"\n'
        "    exporter.clear()\n"
    ) in test
    assert "assert len(exporter.get_finished_spans()) == 1" in test
    assert "TODO(otelbridge)" not in test and "MockTracer" not in test


def test_a_mock_used_at_a_kept_site_is_kept_whole_not_swapped() -> None:
    """No global stand-in serves a mock: the mock is kept, not replaced by the global tracer."""
    code = migrated_source(
        """
        from opentracing.mocktracer import MockTracer

        def test():
            tracer = MockTracer()
            with tracer.start_active_span("a") as scope:
                pass
            scope.close()
        """
    )
    assert "tracer = MockTracer()" in code and "tracer.start_active_span(" in code
    assert "global_tracer" not in code


def test_assertions_only_compare_and_none_checks_become_validity_checks(tmp_path: Path) -> None:
    out = _project(
        tmp_path,
        {
            "test_app.py": """
                import unittest
                from opentracing.mocktracer import MockTracer

                class App:
                    def __init__(self, tracer):
                        self.tracer = tracer

                class T(unittest.TestCase):
                    def test(self):
                        tracer = MockTracer()
                        app = App(tracer)
                        self.assertEqual(app.tracer, tracer)
                        self.assertTrue(isinstance(app.tracer, object))
                        self.assertIsNone(app.tracer.active_span, "#A0")
                        with app.tracer.start_active_span("a"):
                            self.assertIsNotNone(app.tracer.active_span)
                """
        },
    )
    code = out["test_app.py"]
    assert "self.assertEqual(app.tracer, tracer)" in code and "app = App(tracer)" in code
    assert 'self.assertFalse(trace.get_current_span().get_span_context().is_valid, "#A0")' in code
    assert "self.assertTrue(trace.get_current_span().get_span_context().is_valid)" in code
    assert "TODO(otelbridge)" not in code


def test_a_truth_assertion_on_the_active_span_is_kept() -> None:
    code = migrated_source(
        """
        import opentracing

        def test(case):
            case.assertTrue(opentracing.global_tracer().active_span)
        """
    )
    assert "current span tested for None or truth in an assertion" in code


def test_the_class_used_as_a_value_is_marked() -> None:
    code = migrated_source(
        """
        from opentracing.mocktracer import MockTracer

        def test(tracer):
            assert isinstance(tracer, MockTracer)
        """
    )
    assert "the MockTracer class used as a value" in code


def test_recorded_span_fields_map_and_the_unmappable_are_marked() -> None:
    code = migrated_source(
        """
        from opentracing.ext import tags
        from opentracing.mocktracer import MockTracer

        def test():
            tracer = MockTracer()
            with tracer.start_active_span("parent"):
                tracer.start_span("child").finish()
            child, parent = tracer.finished_spans()
            assert child.parent_id == parent.context.span_id and parent.parent_id is None
            assert [s.operation_name for s in sorted(tracer.finished_spans(), key=lambda s: s.start_time)]
            assert all(map(lambda s: s.finished, tracer.finished_spans()))
            assert parent.finish_time >= child.finish_time
            assert parent.tags[tags.SPAN_KIND] == tags.SPAN_KIND_RPC_SERVER
            logs = parent.logs
            assert logs[0].key_values["event"] == "error"
            assert logs[0].key_values == {"event": "error"}
        """
    )
    assert "child, parent = exporter.get_finished_spans()" in code
    assert (
        "assert (child.parent.span_id if child.parent else None) == parent.context.span_id "
        "and (parent.parent.span_id if parent.parent else None) is None"
    ) in code
    assert (
        "[s.name for s in sorted(exporter.get_finished_spans(), key=lambda s: s.start_time)]"
        in code
    )
    assert "all(map(lambda s: (s.end_time is not None), exporter.get_finished_spans()))" in code
    assert "assert parent.end_time >= child.end_time" in code
    assert "ReadableSpan.end_time is int nanoseconds" in code
    assert "ReadableSpan.start_time is int nanoseconds" in code
    assert "assert parent.kind == trace.SpanKind.SERVER" in code  # see test_recorded_reads.py
    assert "logs = parent.events" in code
    assert "assert logs[0].name == 'exception'" in code.replace('"', "'")
    assert "OpenTracing log key_values: an OpenTelemetry event has .name and .attributes" in code


def test_fields_of_other_objects_are_left_alone() -> None:
    code = migrated_source(
        """
        from opentracing.mocktracer import MockTracer

        def test(record):
            tracer = MockTracer()
            spans = tracer.finished_spans()
            assert record.tags and record.operation_name and spans[0].tags
        """
    )
    assert "assert record.tags and record.operation_name and spans[0].attributes" in code


def _project(tmp_path: Path, files: dict[str, str]) -> dict[str, str]:
    """``files`` written to ``tmp_path`` and migrated there as one project."""
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    main(["migrate", "--write", "--jobs", "1", str(tmp_path)])
    return {name: (tmp_path / name).read_text() for name in files}


# A library that takes its tracer as an argument, and a test that hands it a mock.
CLIENT_LIB = """
    class Client(object):
        def __init__(self, tracer):
            self._tracer = tracer

        def call(self):
            span = self._tracer.start_span("call")
            span.set_tag("k", 1)
            span.finish()
            return span
    """
CLIENT_TEST = """
    from opentracing.mocktracer import MockTracer
    from lib import Client

    def test():
        tracer = MockTracer()
        span = Client(tracer).call()
        assert span.finished and span.tags == {"k": 1}
        assert tracer.finished_spans()[0].operation_name == "call"
    """


def test_a_mock_converts_with_the_library_it_is_handed_to(tmp_path: Path) -> None:
    out = _project(tmp_path, {"lib.py": CLIENT_LIB, "test_lib.py": CLIENT_TEST})
    assert 'span.set_attribute("k", 1)' in out["lib.py"] and "span.end()" in out["lib.py"]
    test = out["test_lib.py"]
    assert "TODO(otelbridge)" not in test and "MockTracer" not in test
    assert 'assert (span.end_time is not None) and span.attributes == {"k": 1}' in test
    assert 'assert exporter.get_finished_spans()[0].name == "call"' in test


def test_a_mock_handed_to_a_kept_library_is_kept_too(tmp_path: Path) -> None:
    out = _project(
        tmp_path,
        {
            "lib.py": CLIENT_LIB,
            "app.py": """
                from jaeger_client import Config
                from lib import Client

                config = Config(config={"sampler": {"type": "remote"}}, service_name="app")
                client = Client(config.initialize_tracer())
                """,
            "test_lib.py": CLIENT_TEST,
        },
    )
    assert 'span.set_tag("k", 1)' in out["lib.py"]
    test = out["test_lib.py"]
    assert "tracer = MockTracer()" in test
    assert 'tracer.finished_spans()[0].operation_name == "call"' in test


def test_an_unbound_mock_is_a_tracer_of_its_own_provider(tmp_path: Path) -> None:
    out = _project(
        tmp_path,
        {
            "test_client.py": """
                from opentracing.mocktracer import MockTracer

                class Client:
                    def __init__(self, tracer):
                        self.tracer = tracer

                def test():
                    Client(MockTracer())
                """
        },
    )
    assert "Client(TracerProvider().get_tracer(__name__))" in out["test_client.py"]


def test_a_mock_handed_to_a_project_parameter_of_unknown_kind_is_kept(tmp_path: Path) -> None:
    """A project parameter that did not become a tracer (it is also given objects of unknown
    kind) runs on OpenTracing: the mock must stay with it."""
    out = _project(
        tmp_path,
        {
            "test_lib.py": """
                from opentracing.mocktracer import MockTracer

                class Client(object):
                    def __init__(self, tracer):
                        self._tracer = tracer

                    def call(self):
                        with self._tracer.start_active_span("call"):
                            pass

                def run_all(tracers):
                    for tracer in tracers:
                        Client(tracer).call()

                def test():
                    tracer = MockTracer()
                    Client(tracer).call()
                    assert tracer.finished_spans()
                """,
        },
    )
    test = out["test_lib.py"]
    assert "tracer = MockTracer()" in test and "assert tracer.finished_spans()" in test
    assert "tracer handed to a parameter, kept on OpenTracing elsewhere in the project" in test


def test_finished_spans_stays_a_list_so_list_assertions_hold(tmp_path: Path) -> None:
    """The mock's ``finished_spans()`` returned a list, the exporter's a tuple: a migrated
    ``assertEqual(tracer.finished_spans(), [])`` failed (``() != []``)."""
    test = """
        import unittest
        from opentracing.mocktracer import MockTracer

        class T(unittest.TestCase):
            def test_it(self):
                tracer = MockTracer()
                self.assertEqual(tracer.finished_spans(), [])
                with tracer.start_active_span('a'):
                    pass
                self.assertListEqual([s.operation_name for s in tracer.finished_spans()], ['a'])
        """
    out = migrate_project(tmp_path, {"tests/__init__.py": "", "tests/test_m.py": test})
    assert "self.assertEqual(list(exporter.get_finished_spans()), [])" in out["tests/test_m.py"]
    assert "Ran 1 test" in unittest_passes(tmp_path)
