"""OpenTracing tag names → current OpenTelemetry semantic-convention attribute names.

One table for both sides of the journey, so that bridged and migrated code record the same
names: the bridge's OpenTracing shim renames tags with it when ``OTELBRIDGE_SEMCONV=stable``, and
``otelbridge migrate --semconv stable`` writes the renamed attributes. Data only, importing
nothing: the runtime (shims, bridge) and ``migration_tool``, which must not import the runtime,
may both import it.

By default neither renames: tags stay attributes under their OpenTracing names (``span.kind``
and ``error`` too, beside the span's kind and status), as the published OpenTracing shim does.
"""

from __future__ import annotations

from typing import Mapping, Optional

#: The setting that chooses the names (the bridge reads it; ``migrate --semconv`` defaults to it).
ENV = "OTELBRIDGE_SEMCONV"
#: Its values: the OpenTracing names as written (the default), or the stable conventions.
OPENTRACING = "opentracing"
STABLE = "stable"
MODES = (OPENTRACING, STABLE)

#: OpenTracing error-log fields renamed by the exception conventions (always, as the OpenTracing
#: shim specification maps an ``error`` log to an exception event).
EXCEPTION_FIELDS: Mapping[str, str] = {
    "error.kind": "exception.type",
    "message": "exception.message",
    "stack": "exception.stacktrace",
}

#: ``opentracing.ext.tags`` names → stable semantic-convention names; ``None``: not recorded as
#: an attribute, because the span's own field carries it (its kind, its status).
STABLE_NAMES: Mapping[str, Optional[str]] = {
    "span.kind": None,
    "error": None,
    "http.url": "url.full",
    "http.method": "http.request.method",
    "http.status_code": "http.response.status_code",
    "peer.hostname": "server.address",
    "peer.port": "server.port",
    "peer.ipv4": "network.peer.address",
    "peer.ipv6": "network.peer.address",
    "db.type": "db.system.name",
    "db.instance": "db.namespace",
    "db.statement": "db.query.text",
    "message_bus.destination": "messaging.destination.name",
}
