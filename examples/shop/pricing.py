"""The pricing service: gRPC (a generic handler over JSON, no generated code), OpenTracing spans.

The trace arrives in the call's metadata; the server continues it by hand, as OpenTracing
services without an interceptor library did.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import grpc
from opentracing import Format, global_tracer
from opentracing.ext import tags

PRICES_CENTS = {"apple": 40, "plum": 65, "pear": 55}


def quote(items: dict, context: grpc.ServicerContext) -> dict:
    tracer = global_tracer()
    parent = tracer.extract(Format.TEXT_MAP, dict(context.invocation_metadata()))
    with tracer.start_active_span(
        "Quote",
        child_of=parent,
        tags={tags.SPAN_KIND: tags.SPAN_KIND_RPC_SERVER, "rpc.system": "grpc"},
    ) as scope:
        total = sum(PRICES_CENTS[item] * quantity for item, quantity in items.items())
        scope.span.set_tag("pricing.total_cents", total)
        return {"total_cents": total}


def serve() -> tuple[grpc.Server, int]:
    """Start the service on a free loopback port."""
    handler = grpc.method_handlers_generic_handler(
        "shop.Pricing",
        {
            "Quote": grpc.unary_unary_rpc_method_handler(
                quote,
                request_deserializer=json.loads,
                response_serializer=lambda message: json.dumps(message).encode(),
            )
        },
    )
    server = grpc.server(ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port
