"""The shop's front door: a Flask service instrumented with OpenTracing, set up for Jaeger.

``POST /orders`` checks each item's stock with the inventory service (HTTP, ``requests``) and
asks the pricing service for a quote (gRPC). Every outgoing call carries the trace in headers
injected by hand, as OpenTracing code did.
"""

from __future__ import annotations

import json

import grpc
import requests
from flask import Flask, jsonify, request
from flask_opentracing import FlaskTracing
from jaeger_client import Config
from opentracing import Format
from opentracing.ext import tags

config = Config(
    # B3 headers: what this fleet's OpenCensus services read (jaeger-client's own format is not).
    config={"sampler": {"type": "const", "param": 1}, "propagation": "b3", "logging": False},
    service_name="shop",
    validate=True,
)
tracer = config.initialize_tracer()


def close() -> None:
    """Flush the spans still buffered; call once, before the process exits."""
    tracer.close()


def create_app(inventory_url: str, pricing_target: str) -> Flask:
    app = Flask("shop")
    FlaskTracing(tracer, True, app)
    channel = grpc.insecure_channel(pricing_target)
    quote = channel.unary_unary(
        "/shop.Pricing/Quote",
        request_serializer=lambda message: json.dumps(message).encode(),
        response_deserializer=json.loads,
    )

    @app.route("/orders", methods=["POST"])
    def place_order():  # type: ignore[no-untyped-def]
        items = request.get_json()
        with tracer.start_active_span("place_order", tags={"shop.items": len(items)}) as scope:
            for item in items:
                headers: dict = {}
                tracer.inject(scope.span.context, Format.HTTP_HEADERS, headers)
                stock = requests.get(f"{inventory_url}/stock/{item}", headers=headers, timeout=5)
                if stock.json()["units"] < items[item]:
                    scope.span.set_tag("error", True)
                    scope.span.log_kv({"event": "error", "message": f"{item} is out of stock"})
                    return jsonify(error=f"{item} is out of stock"), 409
            with tracer.start_active_span(
                "shop.Pricing/Quote",
                tags={tags.SPAN_KIND: tags.SPAN_KIND_RPC_CLIENT, "rpc.service": "shop.Pricing"},
            ) as rpc:
                metadata: dict = {}
                tracer.inject(rpc.span.context, Format.TEXT_MAP, metadata)
                price = quote(items, metadata=tuple(metadata.items()), timeout=5)
            scope.span.set_tag("shop.total_cents", price["total_cents"])
            scope.span.log_kv({"event": "order placed"})
            return jsonify(price)

    return app
