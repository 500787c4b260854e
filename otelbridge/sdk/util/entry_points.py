"""Entry-point lookup that works on Python 3.9 (no ``group=`` keyword there).

``importlib.metadata`` (some thirty modules) is imported on the first lookup, not with the SDK.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Dict

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint


def entry_points_in(group: str) -> Dict[str, EntryPoint]:
    """The entry points registered in ``group``, by name."""
    from importlib import metadata

    if sys.version_info >= (3, 10):
        found = metadata.entry_points(group=group)
    else:  # pragma: no cover - Python 3.9
        found = metadata.entry_points().get(group, ())
    return {ep.name: ep for ep in found}
