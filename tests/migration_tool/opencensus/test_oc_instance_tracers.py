"""OpenCensus tracers held on an instance (``self._tracer = Tracer(...)`` in ``__init__``, read
as ``self._tracer`` in the class's methods) convert with their spans, like a module's tracer;
where some store or read of the attribute is unknown, the tracer and its spans stay, with why.
(The behaviour of the converted shape: ``instance_tracer`` in ``test_oc_equivalence.py``.)"""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import migrate_project, migrated_source

SERVICE = """
    from opencensus.trace import tracer as tracer_module
    from opencensus.trace.samplers import AlwaysOnSampler


    class Service:
        def __init__(self):
            self._tracer = tracer_module.Tracer(sampler=AlwaysOnSampler())

        def handle(self, item):
            with self._tracer.span(name="handle") as span:
                span.add_attribute("item", item)
            self._tracer.finish()
    """
KEPT = (
    "kept on OpenCensus (served by the otelbridge OpenCensus shim): 'self._tracer' stays "
    "OpenCensus: "
)


def test_the_tracer_and_its_spans_convert() -> None:
    code = migrated_source(SERVICE)
    assert "opencensus" not in code
    assert 'configure(sampler="always_on")' in code
    assert "        self._tracer = trace.get_tracer(__name__)\n" in code
    assert '        with self._tracer.start_as_current_span("handle") as span:\n' in code
    assert '            span.set_attribute("item", item)\n' in code
    assert "finish" not in code


def test_an_import_of_a_module_named_like_the_attribute_is_no_use(tmp_path: Path) -> None:
    service = SERVICE.replace("_tracer", "tracer").replace(
        "    from opencensus.trace import tracer as tracer_module\n",
        "    import opencensus.trace.tracer\n"
        "    from opencensus.trace import tracer as tracer_module\n",
    )
    files = migrate_project(tmp_path, {"service.py": service})
    assert "start_as_current_span" in files["service.py"]
    assert "opencensus" not in files["service.py"]


def test_the_attribute_read_on_another_object_keeps_it() -> None:
    code = migrated_source(
        SERVICE
        + """

    def audit(service):
        with service._tracer.span(name="audit"):
            pass
    """
    )
    assert "start_as_current_span" not in code
    assert KEPT + "'_tracer' is also used on objects other than the instance's own" in code


def test_the_tracer_passed_on_keeps_it() -> None:
    code = migrated_source(
        SERVICE.replace("            self._tracer.finish()", "            publish(self._tracer)")
    )
    assert "start_as_current_span" not in code
    assert KEPT + "'self._tracer' is passed on or returned" in code


def test_a_tracer_given_from_outside_keeps_it() -> None:
    code = migrated_source(
        SERVICE.replace("def __init__(self):", "def __init__(self, tracer=None):").replace(
            "self._tracer = tracer_module.Tracer(sampler=AlwaysOnSampler())",
            "self._tracer = tracer or tracer_module.Tracer(sampler=AlwaysOnSampler())",
        )
    )
    assert "start_as_current_span" not in code and "opencensus" in code


def test_two_set_ups_in_a_method_keep_it() -> None:
    """Both configure() calls would run at start-up, where the choice was per instance."""
    code = migrated_source(
        SERVICE.replace("def __init__(self):", "def __init__(self, exporter=None):").replace(
            "            self._tracer = tracer_module.Tracer(sampler=AlwaysOnSampler())",
            "            if exporter is None:\n"
            "                self._tracer = tracer_module.Tracer(sampler=AlwaysOnSampler())\n"
            "            else:\n"
            "                self._tracer = tracer_module.Tracer()",
        )
    )
    assert "import configure" not in code
    assert KEPT + "made with 2 different set-ups in a function" in code


def test_a_public_attribute_of_a_class_other_modules_import_stays(tmp_path: Path) -> None:
    files = migrate_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/service.py": SERVICE.replace("_tracer", "tracer"),
            "app/main.py": "from app.service import Service\n\nService().tracer.finish()\n",
        },
    )
    assert "start_as_current_span" not in files["app/service.py"]
    assert "other modules import Service, and may read self.tracer" in files["app/service.py"]
