"""Run the shop: the inventory (HTTP), pricing (gRPC) and front (HTTP) services on free loopback
ports in one process, place one order through the front door, and stop.

    python examples/shop/shop.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading

import frontend
import inventory
import pricing
import requests
from werkzeug.serving import BaseWSGIServer, make_server

ORDER = {"apple": 3, "plum": 2}


def serve_http(app) -> BaseWSGIServer:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    with tempfile.TemporaryDirectory() as directory:
        db_path = inventory.create_db(os.path.join(directory, "inventory.db"))
        stock = serve_http(inventory.create_app(db_path))
        prices, prices_port = pricing.serve()
        front = serve_http(
            frontend.create_app(f"http://127.0.0.1:{stock.port}", f"127.0.0.1:{prices_port}")
        )
        try:
            reply = requests.post(f"http://127.0.0.1:{front.port}/orders", json=ORDER, timeout=10)
        finally:
            front.shutdown()
            prices.stop(None)
            stock.shutdown()
    print(f"order {ORDER}: {reply.status_code} {reply.json()}")
    frontend.close()
    return 0 if reply.ok else 1


if __name__ == "__main__":
    sys.exit(main())
