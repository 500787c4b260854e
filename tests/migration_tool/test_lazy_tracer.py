"""A tracer made once, on first use, by a helper of the project (``get_tracer()`` filling a module
global), as tutorial services write it: jaeger's ``initialize_tracer()`` returns ``None`` when a
tracer was initialized before, so the helper falls back to the global tracer with ``or``. The
set-up becomes ``configure()``, the code using the helper's tracer converts with it, and the tests
that give the helper a ``MockTracer`` pass natively after the migration."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import migrate_project, unittest_passes, write_project

TRACING = """
    import opentracing
    from jaeger_client import Config

    _tracer = None


    def get_tracer():
        global _tracer
        if _tracer is None:
            config = Config(config={"sampler": {"type": "const", "param": 1}}, service_name="shop")
            _tracer = config.initialize_tracer() or opentracing.global_tracer()
        return _tracer


    def set_tracer(tracer):
        global _tracer
        _tracer = tracer
    """
ORDERS = """
    from opentracing.ext import tags

    from shop.tracing import get_tracer


    def place(order_id, items):
        tracer = get_tracer()
        with tracer.start_active_span("place-order") as scope:
            scope.span.set_tag("order.id", order_id)
            for item in items:
                with tracer.start_active_span("price", child_of=scope.span) as child:
                    child.span.set_tag("item", item)
            if len(items) > 2:
                scope.span.set_tag(tags.ERROR, True)
            return len(items)
    """
TESTS = """
    import unittest

    from opentracing.mocktracer import MockTracer

    from shop import tracing
    from shop.orders import place


    class PlaceTest(unittest.TestCase):
        def setUp(self):
            self.tracer = MockTracer()
            tracing.set_tracer(self.tracer)

        def test_place(self):
            self.assertEqual(place(1, ["a", "b"]), 2)
            spans = self.tracer.finished_spans()
            self.assertEqual([s.operation_name for s in spans], ["price", "price", "place-order"])
            self.assertEqual(spans[0].parent_id, spans[2].context.span_id)
            self.assertEqual(spans[2].tags["order.id"], 1)

        def test_error(self):
            place(2, ["a", "b", "c"])
            self.assertTrue(self.tracer.finished_spans()[-1].tags["error"])
    """


def test_a_lazily_made_tracer_and_its_tests_migrate_together(tmp_path: Path) -> None:
    files = {
        "shop/__init__.py": "",
        "shop/tracing.py": TRACING,
        "shop/orders.py": ORDERS,
        "tests/__init__.py": "",
        "tests/test_orders.py": TESTS,
    }
    write_project(tmp_path / "legacy", files)
    unittest_passes(tmp_path / "legacy")  # on OpenTracing's MockTracer, as written
    migrated = migrate_project(tmp_path / "migrated", files)
    for name, code in migrated.items():
        assert "opentracing" not in code and "jaeger_client" not in code, name
        assert "TODO(otelbridge)" not in code.replace("TODO(otelbridge): propagators", ""), name
    assert (
        'configure(sampler="parentbased_always_on", service_name="shop"'
        in migrated["shop/tracing.py"]
    )
    assert "_tracer = trace.get_tracer(__name__)" in migrated["shop/tracing.py"]
    unittest_passes(tmp_path / "migrated")
