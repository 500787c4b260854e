"""grpcio-opentracing's interceptors become opentelemetry-instrumentation-grpc's, or stay whole
(marked) where a use has no counterpart. The behaviour (spans over a loopback call, bridged and
migrated) is in the equivalence corpus: ``codemod_bridged/grpc_interceptors.py``."""

from __future__ import annotations

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
