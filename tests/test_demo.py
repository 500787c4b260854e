"""``otelbridge demo`` prints the workload's span tree."""

from __future__ import annotations

import subprocess
import sys


def test_demo_prints_span_tree() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "otelbridge", "demo"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2 requests (200, 402), 15 spans" in out
    # The OpenTracing example (examples/legacy_inventory.py) joins through the bridge.
    assert out.count("   ├─ inventory.reserve") == 2
    assert "   │  ├─ inventory.check_stock" in out and "   │  └─ warehouse.notify [CLIENT]" in out
    assert "received over OTLP/gRPC at http://127.0.0.1:" in out
    assert out.count("└─ POST /checkout [SERVER]") == 2
    assert "   ├─ load_cart" in out and "   │  └─ SELECT carts [CLIENT]" in out
    assert "• cache.miss cache.key=cart:1001" in out
    assert "charge_card [CLIENT]" in out and "(ERROR: PaymentDeclined: card expired" in out
    assert "exception.type=otelbridge.demo.native.PaymentDeclined" in out
    no_events = subprocess.run(
        [sys.executable, "-m", "otelbridge", "demo", "--no-events"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "cache.miss" not in no_events
