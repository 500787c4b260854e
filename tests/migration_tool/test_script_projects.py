"""A project of scripts, as tutorials and small services are laid out: the script imports its
tracer helper from ``lib/``, a directory without ``__init__.py`` (a namespace package, importable
from the script's directory), binds the tracer at the bottom and calls a loopback server with the
active span's context and baggage. Migrated as a project, both modules convert and the script,
run natively, has the tree it had under the shim."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

from otelbridge.migration_tool.pipeline import migrate_source
from tests.migration_tool.projects import migrate_project, migrated_source, write_project

HELPER = '''
\"\"\"Makes the service's tracer (``lib`` has no ``__init__.py``: a namespace package).\"\"\"

import opentracing


def init_tracer(service):
    return opentracing.global_tracer()
'''

SCRIPT = '''
\"\"\"The script: its tracer comes from ``lib.tracing`` and is bound at the bottom; it calls
a loopback server with the active span's context and baggage.\"\"\"

import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

from lib.tracing import init_tracer
from opentracing.ext import tags
from opentracing.propagation import Format


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        headers = {key.lower(): value for key, value in self.headers.items()}
        span_ctx = tracer.extract(Format.HTTP_HEADERS, headers)
        span_tags = {tags.SPAN_KIND: tags.SPAN_KIND_RPC_SERVER}
        with tracer.start_active_span("format", child_of=span_ctx, tags=span_tags) as scope:
            greeting = scope.span.get_baggage_item("greeting")
            scope.span.set_tag("greeting", greeting)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format, *args):
        pass


def call(port):
    span = tracer.active_span
    span.set_tag(tags.HTTP_METHOD, "GET")
    headers = {}
    tracer.inject(span, Format.HTTP_HEADERS, headers)
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers=headers)
    with urllib.request.urlopen(request) as reply:
        span.set_tag("status", reply.status)


def main():
    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with tracer.start_active_span("say-hello") as scope:
            scope.span.set_baggage_item("greeting", "Hi")
            call(server.server_port)
    finally:
        server.shutdown()
        server.server_close()


# main
tracer = init_tracer("hello")
'''

FILES = {"lib/tracing.py": HELPER, "app.py": SCRIPT}
TREE = """
    say-hello kind=INTERNAL status=UNSET attrs={http.method='GET', status=200} events=[]
      format kind=SERVER status=UNSET attrs={greeting='Hi'} events=[]
    """


def test_a_script_and_its_namespace_package_helper_convert_together(
    tmp_path: Path, span_tree: Callable[[str, Path], str]
) -> None:
    legacy = tmp_path / "legacy"
    write_project(legacy, FILES)
    assert span_tree("shim", legacy / "app.py") == textwrap.dedent(TREE).strip()
    migrated = migrate_project(tmp_path / "migrated", FILES)
    for name, code in migrated.items():
        assert "opentracing" not in code and "TODO(otelbridge)" not in code, name
    script = migrated["app.py"]
    assert "kind=trace.SpanKind.SERVER, attributes=span_tags" in script  # the dict's span.kind
    assert "propagate.inject(headers)" in script  # the active span given for its context
    assert span_tree("native", tmp_path / "migrated" / "app.py") == textwrap.dedent(TREE).strip()


def test_a_span_kind_tagged_after_start_stays_the_attribute_and_is_noted() -> None:
    code = migrated_source(
        """
        import opentracing
        from opentracing.ext import tags

        tracer = opentracing.global_tracer()


        def call():
            span = tracer.active_span
            span.set_tag(tags.SPAN_KIND, tags.SPAN_KIND_RPC_CLIENT)
        """
    )
    assert (
        "    # TODO(otelbridge): span.kind set after the span started: OpenTelemetry takes a kind"
        " only at creation, so this records the `span.kind` attribute alone; give kind= where"
        " this span is started\n"
        "    span.set_attribute(\"span.kind\", \"client\")\n"
    ) in code
    assert "opentracing" not in code


def test_a_tags_dict_changed_after_it_is_made_gives_no_kind() -> None:
    code = migrated_source(
        """
        import opentracing
        from opentracing.ext import tags

        tracer = opentracing.global_tracer()


        def serve(server):
            span_tags = {tags.SPAN_KIND: tags.SPAN_KIND_RPC_CLIENT}
            if server:
                span_tags[tags.SPAN_KIND] = tags.SPAN_KIND_RPC_SERVER
            with tracer.start_active_span("serve", tags=span_tags):
                pass
        """
    )
    assert "SpanKind" not in code
    assert 'tracer.start_as_current_span("serve", attributes=span_tags)' in code


def test_a_module_level_tags_dict_gives_its_kind() -> None:
    code = migrated_source(
        """
        import opentracing
        from opentracing.ext import tags

        tracer = opentracing.global_tracer()
        SERVER_TAGS = {tags.SPAN_KIND: tags.SPAN_KIND_RPC_SERVER, "team": "core"}


        def serve():
            with tracer.start_active_span("serve", tags=SERVER_TAGS):
                pass
        """
    )
    assert (
        'tracer.start_as_current_span("serve", kind=trace.SpanKind.SERVER, attributes=SERVER_TAGS)'
        in code
    )


def test_a_tag_without_value_fails_the_same_way_and_keeps_nothing_else() -> None:
    """``span.set_tag("Hello")`` (found in a public service) raised TypeError under OpenTracing;
    it converts as it is, marked, and no longer keeps the tracer and its other spans."""
    code = migrated_source(
        """
        import opentracing

        tracer = opentracing.global_tracer()


        def home():
            with tracer.start_span("home") as span:
                span.set_tag("Hello")
                span.set_tag("page", "home")
        """
    )
    assert "opentracing" not in code
    assert (
        "        # TODO(otelbridge): set_tag() with a key and no value raised TypeError under"
        " OpenTracing, and set_attribute() raises it too: give the value\n"
        '        span.set_attribute("Hello")\n'
        '        span.set_attribute("page", "home")\n'
    ) in code


def test_the_global_tracer_assigned_a_jaeger_set_up_converts() -> None:
    """``opentracing.tracer = config.initialize_tracer()`` (OpenTracing 1.x style; jaeger sets
    the global tracer itself): the set-up becomes ``configure()`` and the global tracer's uses
    convert."""
    code = migrated_source(
        """
        import opentracing
        from jaeger_client import Config


        def init():
            config = Config(config={"sampler": {"type": "const", "param": 1}}, service_name="s")
            opentracing.tracer = config.initialize_tracer()


        def work():
            with opentracing.tracer.start_active_span("w"):
                pass
        """
    )
    assert "opentracing" not in code and "TODO(otelbridge)" not in code
    assert "    configure(sampler=" in code
    assert 'with trace.get_tracer(__name__).start_as_current_span("w"):' in code


def test_an_imported_tracer_name_rebound_to_an_object_of_the_module_is_not_only_a_tracer() -> None:
    """``from opentracing import tracer`` and later ``tracer = Tracer(...)``, a class of the
    module: the name holds either, so its ``init_tracer()`` is not an OpenTracing call to mark."""
    code = migrate_source(
        textwrap.dedent(
            """\
            from opentracing import tracer


            class Tracer:
                def init_tracer(self):
                    return None


            if __name__ == "__main__":
                tracer = Tracer()
                tracer.init_tracer()
            """
        )
    ).code
    assert "`init_tracer` of an OpenTracing tracer" not in code
    assert "    tracer.init_tracer()\n" in code
