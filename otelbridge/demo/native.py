"""A fake checkout service instrumented with the plain OpenTelemetry API.

Two requests: one succeeds, one fails when the card is declined. Together they show nested
spans, span kinds, attributes, an event, a recorded exception and an error status. Real work
(an in-memory SQLite query) happens inside the database span.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Callable, Optional

from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from otelbridge.version import __version__


class PaymentDeclined(Exception):
    """The card processor refused the charge."""


def _load_cart(tracer: trace.Tracer, db: sqlite3.Connection, order_id: int) -> int:
    with tracer.start_as_current_span("load_cart") as span:
        span.add_event("cache.miss", {"cache.key": f"cart:{order_id}"})
        with tracer.start_as_current_span(
            "SELECT carts",
            kind=SpanKind.CLIENT,
            attributes={"db.system": "sqlite", "db.operation.name": "SELECT"},
        ):
            (items,) = db.execute(
                "SELECT COUNT(*) FROM items WHERE order_id = ?", (order_id,)
            ).fetchone()
        span.set_attribute("cart.items", items)
        return int(items)


def _charge(tracer: trace.Tracer, order_id: int, card: str) -> None:
    with tracer.start_as_current_span(
        "charge_card", kind=SpanKind.CLIENT, attributes={"payment.card": card}
    ):
        time.sleep(0.001)  # the payment provider thinks
        if card == "expired":
            raise PaymentDeclined(f"card expired for order {order_id}")


def handle_checkout(
    tracer: trace.Tracer,
    db: sqlite3.Connection,
    order_id: int,
    card: str,
    inventory: Optional[Callable[[int], object]] = None,
) -> int:
    """The request handler: returns the HTTP status it would send.

    ``inventory`` (if given) is called with the order id inside the request span, standing for
    legacy code the handler calls into (the demo passes OpenTracing-instrumented code).
    """
    with tracer.start_as_current_span(
        "POST /checkout",
        kind=SpanKind.SERVER,
        attributes={"http.request.method": "POST", "http.route": "/checkout", "order.id": order_id},
    ) as span:
        _load_cart(tracer, db, order_id)
        if inventory is not None:
            inventory(order_id)
        try:
            _charge(tracer, order_id, card)
            status = 200
        except PaymentDeclined as exc:
            status = 402
            span.set_status(StatusCode.ERROR, str(exc))
        span.set_attribute("http.response.status_code", status)
        return status


def run_native_workload(
    tracer_provider: trace.TracerProvider, inventory: Optional[Callable[[int], object]] = None
) -> list[int]:
    """Serve two checkout requests; returns their status codes."""
    tracer = tracer_provider.get_tracer("otelbridge.demo", __version__)
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE items (order_id INTEGER, sku TEXT)")
    db.executemany(
        "INSERT INTO items VALUES (?, ?)", [(1001, "book"), (1001, "pen"), (1002, "lamp")]
    )
    try:
        return [
            handle_checkout(tracer, db, 1001, "valid", inventory),
            handle_checkout(tracer, db, 1002, "expired", inventory),
        ]
    finally:
        db.close()
