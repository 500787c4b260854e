"""A cheap text test run before parsing: most files of a code base never mention a legacy API.

It catches the legacy modules and the members only that API has on any receiver
(``start_active_span``, ``log_kv``...), so that a file using a tracer made in another module, which
never imports ``opentracing`` itself, is still parsed and its sites converted or marked.
"""

from __future__ import annotations

import re

from otelbridge.migration_tool.names import OPENCENSUS, OPENTRACING

_GENERATED = re.compile(r"@generated\b")


def mentions_legacy(source: str) -> bool:
    return OPENTRACING.mentioned_in(source) or OPENCENSUS.mentioned_in(source)


def mentions_opencensus(source: str) -> bool:
    return OPENCENSUS.mentioned_in(source)


def is_generated(source: str) -> bool:
    """Files marked ``@generated`` (in their first lines) belong to a generator, not to us."""
    return _GENERATED.search(source, 0, 2048) is not None
