"""``OTELBRIDGE_SEMCONV``: which attribute names the bridged OpenTracing tracer records.

Unset or ``opentracing``: the tag names as the code wrote them. ``stable``: the current semantic
conventions (``otelbridge.semconv.STABLE_NAMES``), the names ``otelbridge migrate --semconv
stable`` writes, so bridged and migrated code agree either way.
"""

from __future__ import annotations

import logging
import os
from typing import Mapping, Optional

from otelbridge.semconv import ENV, MODES, OPENTRACING, STABLE, STABLE_NAMES

_logger = logging.getLogger(__name__)


def attribute_names_from_env() -> Optional[Mapping[str, Optional[str]]]:
    """The renaming table the setting chooses (``None``: keep the tag names)."""
    value = os.environ.get(ENV, "").strip().lower()
    if value == STABLE:
        return STABLE_NAMES
    if value not in ("", OPENTRACING):
        _logger.warning("%s=%r is not one of %s; tag names are kept", ENV, value, ", ".join(MODES))
    return None
