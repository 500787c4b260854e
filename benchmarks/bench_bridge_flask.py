"""Benchmark: per-request tracing overhead of an OpenTracing Flask service, bridged vs jaeger.

One Flask app, traced by Flask-OpenTracing (the server span, tagged after start), whose handler
makes two more spans with tags and a log: 3 spans a request. It runs three times in one process;
each request runs Flask-OpenTracing's request hooks and the view inside one pushed request
context, so that Flask's own (much larger, identical) cost does not drown the tracers':

- ``noop``: OpenTracing's no-op tracer, the cost of the app and the integrations themselves;
- ``bridged``: the bridge's shim over otelbridge.sdk, BatchSpanProcessor + our Jaeger exporter
  (compact Thrift over UDP to an agent port);
- ``jaeger``: jaeger-client with its own reporter (RemoteReporter, compact Thrift over UDP to the
  same kind of agent port).

Overhead = time per request minus the ``noop`` time; the ratio is bridged / jaeger overhead.
Rounds run interleaved; medians are printed.

    python benchmarks/bench_bridge_flask.py [--rounds 7] [--number 5000]
"""

from __future__ import annotations

import gc
import socket
import statistics
import time
from importlib.metadata import version
from typing import Any, Callable, Dict, List

from _harness import rounds_and_number


def _agent_port() -> socket.socket:
    """A bound UDP socket standing for a Jaeger agent (what it receives is never read)."""
    agent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    agent.bind(("127.0.0.1", 0))
    return agent


class Service:
    """A Flask app traced by Flask-OpenTracing; :meth:`request` runs what one request costs the
    tracer: Flask-OpenTracing's before-request hook (extract, server span, ``span.kind`` tag),
    the view (two spans with tags and a log) and its after-request hook (status tag, close)."""

    def __init__(self, tracer: Any) -> None:
        import flask
        from flask_opentracing import FlaskTracing

        app = flask.Flask(f"shop-{type(tracer).__name__}")
        self.tracing = FlaskTracing(tracer)  # hooks called by request(), not by Flask

        def checkout(cart: str) -> str:
            with tracer.start_active_span("price-cart", tags={"cart.id": cart}) as scope:
                scope.span.set_tag("cart.items", 3)
                scope.span.log_kv({"event": "priced", "total": 42})
                with tracer.start_active_span("reserve-stock") as inner:
                    inner.span.set_tag("warehouse", "eu-1")
            return "ok"

        self.view = checkout
        self.response = app.response_class("ok")
        self.context = app.test_request_context("/checkout/c-1", headers={"Accept": "*/*"})
        self.context.push()  # one request context, reused: Flask's own cost is not measured

    def request(self) -> None:
        self.tracing._before_request_fn([])
        self.view("c-1")
        self.tracing._after_request_fn(self.response)


def bridged(agent: socket.socket) -> Any:
    from otelbridge.sdk.export.jaeger import JaegerExporter
    from otelbridge.sdk.trace import TracerProvider
    from otelbridge.sdk.trace.export import BatchSpanProcessor
    from otelbridge.shims.opentracing import TracerShim

    provider = TracerProvider()
    exporter = JaegerExporter(agent_host_name="127.0.0.1", agent_port=agent.getsockname()[1])
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return TracerShim(provider)


def jaeger(agent: socket.socket) -> Any:
    from jaeger_client import Config

    config = Config(
        config={
            "sampler": {"type": "const", "param": 1},
            "local_agent": {
                "reporting_host": "127.0.0.1",
                "reporting_port": agent.getsockname()[1],
            },
            "logging": False,
        },
        service_name="shop",
        validate=True,
    )
    return config.new_tracer()


def noop(agent: socket.socket) -> Any:
    import opentracing

    return opentracing.Tracer()


def measure(service: Service, number: int) -> float:
    """Seconds per request for one round."""
    request = service.request
    gc.collect()
    start = time.perf_counter()
    for _ in range(number):
        request()
    return (time.perf_counter() - start) / number


def main() -> None:
    args = rounds_and_number(__doc__, number=5000)
    agent = _agent_port()
    makers: Dict[str, Callable[[socket.socket], Any]] = {
        "noop": noop,
        "bridged": bridged,
        "jaeger": jaeger,
    }
    services = {label: Service(make(agent)) for label, make in makers.items()}
    for service in services.values():  # warm up
        measure(service, 500)
    samples: Dict[str, List[float]] = {label: [] for label in services}
    for _ in range(args.rounds):
        for label, service in services.items():
            samples[label].append(measure(service, args.number))
    medians = {label: statistics.median(values) for label, values in samples.items()}
    print(
        f"Flask {version('flask')} + Flask-OpenTracing {version('Flask-OpenTracing')}, 3 spans a "
        f"request; jaeger-client {version('jaeger-client')}; median of {args.rounds} "
        f"interleaved rounds of {args.number} requests"
    )
    print(f"{'tracer':10} {'µs/request':>11} {'overhead µs':>12}")
    for label, median in medians.items():
        print(f"{label:10} {median * 1e6:11.1f} {(median - medians['noop']) * 1e6:12.1f}")
    ours = medians["bridged"] - medians["noop"]
    theirs = medians["jaeger"] - medians["noop"]
    print(f"overhead ratio bridged / jaeger-client: {ours / theirs:.3f}")


if __name__ == "__main__":
    main()
