"""A legacy inventory service instrumented with OpenTracing only.

Nothing here imports OpenTelemetry or otelbridge: it uses ``opentracing.global_tracer()``, tags,
logs, baggage and HTTP-header injection, as code written for Jaeger or LightStep did. Run it
bridged onto OpenTelemetry, spans printed on the console:

    OTEL_SERVICE_NAME=inventory OTEL_TRACES_EXPORTER=console \\
        otelbridge run -- python examples/legacy_inventory.py
"""

from __future__ import annotations

import sys
from typing import Dict, List, Sequence

import opentracing
from opentracing import Format
from opentracing.ext import tags

STOCK = {"apple": 12, "pear": 0, "plum": 7}


def check_stock(item: str) -> bool:
    tracer = opentracing.global_tracer()
    with tracer.start_active_span("inventory.check_stock", tags={"inventory.item": item}) as scope:
        available = STOCK.get(item, 0) > 0
        scope.span.set_tag("inventory.available", available)
        if not available:
            scope.span.log_kv({"event": "out of stock", "inventory.item": item})
        return available


def notify_warehouse(order_id: str) -> Dict[str, str]:
    """The outgoing call a legacy client made: a client span and injected headers."""
    tracer = opentracing.global_tracer()
    client_tags = {tags.SPAN_KIND: tags.SPAN_KIND_RPC_CLIENT, "peer.service": "warehouse"}
    with tracer.start_active_span("warehouse.notify", tags=client_tags) as scope:
        headers: Dict[str, str] = {}
        tracer.inject(scope.span.context, Format.HTTP_HEADERS, headers)
        scope.span.log_kv({"event": "sent", "order.id": order_id})
        return headers


def reserve(order_id: str, items: Sequence[str]) -> List[str]:
    """Reserve what is in stock; returns the reserved items."""
    tracer = opentracing.global_tracer()
    with tracer.start_active_span("inventory.reserve", tags={"order.id": order_id}) as scope:
        scope.span.set_baggage_item("order.id", order_id)
        reserved = [item for item in items if check_stock(item)]
        if len(reserved) < len(items):
            scope.span.set_tag("error", True)
            scope.span.log_kv({"event": "error", "message": "some items are out of stock"})
        notify_warehouse(order_id)
        return reserved


def main(argv: Sequence[str]) -> int:
    items = list(argv) or ["apple", "pear", "plum"]
    reserved = reserve("order-1", items)
    print(f"reserved {reserved} of {items}")
    return 0 if len(reserved) == len(items) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
