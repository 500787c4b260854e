"""grpcio-opentracing's interceptors become opentelemetry-instrumentation-grpc's, or stay whole
(marked) where a use has no counterpart. The behaviour (spans over a loopback call, bridged and
migrated) is in the equivalence corpus: ``codemod_bridged/grpc_interceptors.py``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.migration_tool.projects import migrate_project

SERVER = """
    import grpc
    from concurrent import futures

    import opentracing
    from grpc_opentracing import open_tracing_server_interceptor
    from grpc_opentracing.grpcext import intercept_server


    def serve(extra):
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2)INTERCEPTORS)
        # one span per call
        interceptor = open_tracing_server_interceptor(opentracing.global_tracer()OPTIONS)
        TARGET = intercept_server(server, interceptor)
        return TARGET
"""


def server(
    tmp_path: Path, interceptors: str = "", options: str = "", target: str = "server"
) -> str:
    """``SERVER`` with those parts filled in, migrated."""
    code = SERVER.replace("INTERCEPTORS", interceptors).replace("OPTIONS", options)
    return migrate_project(tmp_path, {"app.py": code.replace("TARGET", target)})["app.py"]


def test_a_server_interceptor_joins_the_servers_creation(tmp_path: Path) -> None:
    code = server(tmp_path)
    assert "opentracing" not in code and "intercept_server" not in code
    assert (
        "    # one span per call\n"
        "    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2),"
        " interceptors=[server_interceptor()])\n"
        "    return server\n"
    ) in code


def test_interceptors_already_given_keep_theirs_first(tmp_path: Path) -> None:
    code = server(tmp_path, interceptors=", interceptors=[extra]")
    assert "interceptors=[extra, server_interceptor()])" in code


def test_a_server_bound_to_another_name_keeps_that_name(tmp_path: Path) -> None:
    code = server(tmp_path, target="traced")
    assert "    traced = server\n    return traced\n" in code


def test_a_span_decorator_keeps_the_set_up_whole_and_marked(tmp_path: Path) -> None:
    code = server(tmp_path, options=", span_decorator=print")
    assert "intercept_server(server, interceptor)" in code
    assert "# TODO(otelbridge): use opentelemetry.instrumentation.grpc's" in code
    assert "interceptors=[server_interceptor()]" not in code


def test_a_client_interceptor_goes_through_the_instrumentations_grpcext(tmp_path: Path) -> None:
    code = migrate_project(
        tmp_path,
        {
            "client.py": """
                import grpc
                import opentracing
                from grpc_opentracing import open_tracing_client_interceptor
                from grpc_opentracing.grpcext import intercept_channel


                def connect(verbose):
                    tracing = open_tracing_client_interceptor(
                        opentracing.global_tracer(), log_payloads=verbose
                    )
                    return intercept_channel(grpc.insecure_channel("localhost:1"), tracing)
            """
        },
    )["client.py"]
    assert "opentracing" not in code
    assert "from opentelemetry.instrumentation.grpc import client_interceptor, grpcext" in code
    assert "    tracing = client_interceptor()\n" in code
    assert 'return grpcext.intercept_channel(grpc.insecure_channel("localhost:1"), tracing)' in code


def test_a_vendors_tracer_keeps_the_interceptor(tmp_path: Path) -> None:
    code = server(tmp_path)  # the global tracer: converted
    vendor = SERVER.replace("opentracing.global_tracer()", "lightstep.Tracer()")
    vendor = vendor.replace("import opentracing", "import lightstep")
    filled = vendor.replace("INTERCEPTORS", "").replace("OPTIONS", "").replace("TARGET", "server")
    kept = migrate_project(tmp_path / "vendor", {"app.py": filled})["app.py"]
    assert "interceptors=[server_interceptor()]" in code
    assert "intercept_server(server, interceptor)" in kept
    assert "interceptors=[server_interceptor()]" not in kept


#: A greeter whose interceptors are made inline and whose module tracer (None until the program
#: starts) comes from jaeger-client under ``__main__``; it prints its reply.
GREETER = """
    from concurrent import futures

    import grpc
    from grpc_opentracing import open_tracing_client_interceptor, open_tracing_server_interceptor
    from grpc_opentracing.grpcext import intercept_channel, intercept_server
    from jaeger_client import Config
    import opentracing

    tracer = None


    def say_hello(request, servicer_context):
        active = opentracing.global_tracer().active_span
        with opentracing.global_tracer().start_active_span("build-reply", child_of=active):
            return b"Hello, " + request


    def serve():
        handler = grpc.method_handlers_generic_handler(
            "helloworld.Greeter", {"SayHello": grpc.unary_unary_rpc_method_handler(say_hello)}
        )
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        # one span per call
        server = intercept_server(server, open_tracing_server_interceptor(tracer, SERVER_OPTIONS))
        server.add_generic_rpc_handlers((handler,))
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        return server, port


    def run_client(port):
        channel = grpc.insecure_channel("127.0.0.1:%d" % port)
        channel = intercept_channel(channel, open_tracing_client_interceptor(CLIENT_ARGUMENTS))
        stub = channel.unary_unary("/helloworld.Greeter/SayHello")
        with tracer.start_active_span("client-main"):
            return stub(b"grpc", timeout=5)


    if __name__ == "__main__":
        config = Config(config={"sampler": {"type": "const", "param": 1}, "logging": False},
                        service_name="greeter")
        tracer = config.initialize_tracer()
        server, port = serve()
        print(run_client(port))
        server.stop(None)
        tracer.close()
"""


def greeter(tmp_path: Path, server: str = "log_payloads=True", client: str = "tracer") -> str:
    """``GREETER`` with those interceptor arguments, migrated as ``greeter.py``."""
    code = GREETER.replace("SERVER_OPTIONS", server).replace("CLIENT_ARGUMENTS", client)
    return migrate_project(tmp_path, {"greeter.py": code})["greeter.py"]


def test_inline_interceptors_of_a_tracer_bound_at_start_up_convert(tmp_path: Path) -> None:
    code = greeter(tmp_path)
    assert "opentracing" not in code and "intercept_server" not in code
    assert (
        "    # one span per call\n"
        "    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2),"
        " interceptors=[server_interceptor()])\n"
        "    server.add_generic_rpc_handlers((handler,))\n"
    ) in code
    assert "channel = grpcext.intercept_channel(channel, client_interceptor())\n" in code


def test_the_migrated_greeter_keeps_one_trace_over_a_loopback_call(tmp_path: Path) -> None:
    greeter(tmp_path)
    quiet = {**os.environ, "OTEL_TRACES_EXPORTER": "console", "OTEL_METRICS_EXPORTER": "none"}
    result = subprocess.run(
        [sys.executable, "greeter.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=quiet,
    )
    assert result.returncode == 0, result.stderr
    reply, _, printed = result.stdout.partition("\n")
    assert reply == "b'Hello, grpc'"
    spans = {(s["name"], s["kind"]): s for s in _objects(printed)}
    chain = [
        ("client-main", "SpanKind.INTERNAL"),
        ("/helloworld.Greeter/SayHello", "SpanKind.CLIENT"),
        ("/helloworld.Greeter/SayHello", "SpanKind.SERVER"),
        ("build-reply", "SpanKind.INTERNAL"),
    ]
    assert sorted(spans) == sorted(chain)
    parents = [spans[parent]["context"]["span_id"] for parent in chain[:-1]]
    assert [spans[child]["parent_id"] for child in chain[1:]] == parents


def test_an_inline_set_up_left_unconverted_keeps_its_tracer_on_opentracing(
    tmp_path: Path,
) -> None:
    code = greeter(tmp_path, server="span_decorator=print", client="tracer, span_decorator=print")
    assert code.count("# TODO(otelbridge): use opentelemetry.instrumentation.grpc's") == 2
    # the jaeger tracer has the bridged global tracer as its stand-in there
    assert "open_tracing_server_interceptor(global_tracer(), span_decorator=print)" in code
    assert "open_tracing_client_interceptor(global_tracer(), span_decorator=print)" in code
    assert "with tracer.start_as_current_span(" in code  # converted where nothing keeps it


def _objects(printed: str) -> list[dict]:
    """The JSON objects the console exporter printed one after the other."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while printed[at:].strip():
        at += len(printed[at:]) - len(printed[at:].lstrip())
        value, at = decoder.raw_decode(printed, at)
        found.append(value)
    return found


def test_an_interceptor_made_before_the_server_joins_its_creation(tmp_path: Path) -> None:
    """grpcio-opentracing's README makes the interceptor first, then the server; before, that
    order kept the set-up on OpenTracing, marked."""
    made = "        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2)INTERCEPTORS)\n"
    comment = "        # one span per call\n"
    interceptor = (
        "        interceptor = open_tracing_server_interceptor(opentracing.global_tracer())\n"
    )
    readme = SERVER.replace("OPTIONS", "").replace(
        made + comment + interceptor, comment + interceptor + made
    )
    assert readme != SERVER
    code = readme.replace("INTERCEPTORS", "").replace("TARGET", "server")
    migrated = migrate_project(tmp_path, {"app.py": code})["app.py"]
    assert "opentracing" not in migrated and "intercept_server" not in migrated
    assert (
        "    # one span per call\n"
        "    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2),"
        " interceptors=[server_interceptor()])\n"
        "    return server\n"
    ) in migrated


def test_a_server_intercepted_in_its_return_is_returned(tmp_path: Path) -> None:
    code = SERVER.replace("INTERCEPTORS", "").replace("OPTIONS", "")
    code = code.replace(
        "        TARGET = intercept_server(server, interceptor)\n        return TARGET\n",
        "        return intercept_server(server, interceptor)\n",
    )
    migrated = migrate_project(tmp_path, {"app.py": code})["app.py"]
    assert "opentracing" not in migrated and "intercept_server" not in migrated
    assert "interceptors=[server_interceptor()])\n    return server\n" in migrated
