"""The demo's OpenTracing part: ``examples/legacy_inventory.py``, run through the bridge.

That example is plain OpenTracing code. The demo installs the bridge on its own provider and
calls the example from inside its native request spans, so the legacy spans appear in the middle
of the native trace. The example lives in the source tree, not in the package: where it is
absent (an installed wheel), the demo runs without it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Callable, Optional

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "legacy_inventory.py"

# What each demo order asks the legacy inventory service for.
ORDERS = {1001: ["apple", "plum"], 1002: ["pear"]}


def load_example() -> Optional[ModuleType]:
    """``examples/legacy_inventory.py`` as a module, or None outside a source checkout."""
    spec = importlib.util.spec_from_file_location("legacy_inventory", EXAMPLE)
    if spec is None or spec.loader is None or not EXAMPLE.is_file():
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reserve_with(example: ModuleType) -> Callable[[int], object]:
    """The demo's inventory hook: reserve an order's items through the legacy code."""

    def reserve(order_id: int) -> object:
        return example.reserve(f"order-{order_id}", ORDERS.get(order_id, []))

    return reserve
