"""A cheap text test run before parsing: most files of a code base never mention a legacy API.

It catches the legacy modules and the members only that API has on any receiver
(``start_active_span``, ``log_kv``...), so that a file using a tracer made in another module, which
never imports ``opentracing`` itself, is still parsed and its sites converted or marked.
"""

from __future__ import annotations

import re
from typing import Optional, Protocol

from otelbridge.migration_tool.names import INTEGRATION_MODULES, OPENCENSUS, OPENTRACING

_GENERATED = re.compile(r"@generated\b")
#: Words of code that may handle tracers or spans made elsewhere with only generic members
#: (``g_tracer.start_span(...)``, ``span.finish()``): such files are indexed too.
_TRACING_WORDS = re.compile(r"tracer|span", re.IGNORECASE)


class Involved(Protocol):
    def holds_kinds(self, path: str) -> bool:
        """Whether the whole-project index found objects of the legacy API in ``path``."""

    def defines(self, module: str) -> bool:
        """Whether a module of the project is importable as ``module``."""


def mentions_legacy(source: str) -> bool:
    return OPENTRACING.mentioned_in(source) or OPENCENSUS.mentioned_in(source)


#: the environment variable that names a Django process's settings module
DJANGO_SETTINGS_VARIABLE = "DJANGO_SETTINGS_MODULE"
#: how django_opentracing's settings are spelled (``OPENTRACING_TRACING``, ``OPENTRACING_TRACER``)
OPENTRACING_SETTINGS = "OPENTRACING_TRAC"


def may_trace(source: str) -> bool:
    """Whether the whole-project index should read ``source``: it names the legacy API or one of
    its framework integrations, or words of code that may be handed its objects."""
    return mentions_legacy(source) or _tracing_words(source) or _integrations(source) != ()


def _integrations(source: str) -> tuple[str, ...]:
    """The OpenTracing framework integrations ``source`` names (``grpc_opentracing``)."""
    return tuple(module for module in INTEGRATION_MODULES if module in source)


def _tracing_words(source: str) -> bool:
    """``_TRACING_WORDS``; on ASCII text (where ignoring case is ASCII case) by ``str.lower``,
    a hundred times faster than the case-insensitive pattern."""
    if source.isascii():
        lowered = source.lower()
        return "tracer" in lowered or "span" in lowered
    return _TRACING_WORDS.search(source) is not None


def is_candidate(source: str, path: str, project: Optional[Involved]) -> bool:
    """Whether a file is migrated: it names the legacy API, or the index found its objects
    there (a library whose tracer is set by another module and used through ``start_span``),
    or it names a framework integration (its set-up converts) that is not the project itself
    (the integration's own modules and tests are the project's code, migrated as such)."""
    if mentions_legacy(source) or (project is not None and project.holds_kinds(path)):
        return True
    named = _integrations(source)
    return any(project is None or not project.defines(module) for module in named)


def starts_django(source: str) -> bool:
    """Whether ``source`` may be where a Django process starts (``manage.py``, ``wsgi.py``): the
    index reads it for the pre-pass that starts Django's instrumentation there."""
    return DJANGO_SETTINGS_VARIABLE in source


def django_related(source: str) -> bool:
    """Whether the index reads ``source`` for the Django pre-pass: a start-up file, or a module
    that reads django_opentracing's settings (which keeps them)."""
    return starts_django(source) or OPENTRACING_SETTINGS in source


def mentions_opencensus(source: str) -> bool:
    return OPENCENSUS.mentioned_in(source)


def is_generated(source: str) -> bool:
    """Files marked ``@generated`` (in their first lines) belong to a generator, not to us."""
    return _GENERATED.search(source, 0, 2048) is not None
