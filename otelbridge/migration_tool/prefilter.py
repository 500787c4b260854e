"""A cheap text test run before parsing: most files of a code base never mention a legacy module."""

from __future__ import annotations

import re

from otelbridge.migration_tool.names import LEGACY_MODULES

_LEGACY = re.compile(r"\b(?:{})\b".format("|".join(LEGACY_MODULES)))
_GENERATED = re.compile(r"@generated\b")
#: OpenCensus' module, and the methods only its objects have (a tracer handed over by another
#: module is still recognised by what it calls).
_OPENCENSUS = re.compile(
    r"\b(?:opencensus|add_attribute_to_current_span|end_span|add_annotation)\b"
)


def mentions_legacy(source: str) -> bool:
    return _LEGACY.search(source) is not None or mentions_opencensus(source)


def mentions_opencensus(source: str) -> bool:
    return _OPENCENSUS.search(source) is not None


def is_generated(source: str) -> bool:
    """Files marked ``@generated`` (in their first lines) belong to a generator, not to us."""
    return _GENERATED.search(source, 0, 2048) is not None
