"""Entry-point lookup that works on Python 3.9 (no ``group=`` keyword there)."""

from __future__ import annotations

import sys
from importlib import metadata
from typing import Dict


def entry_points_in(group: str) -> Dict[str, metadata.EntryPoint]:
    """The entry points registered in ``group``, by name."""
    if sys.version_info >= (3, 10):
        found = metadata.entry_points(group=group)
    else:  # pragma: no cover - Python 3.9
        found = metadata.entry_points().get(group, ())
    return {ep.name: ep for ep in found}
