"""``otelbridge run --instrument``: activate the installed ``opentelemetry-instrumentation-*``.

What ``opentelemetry-instrument`` does with the ``opentelemetry_instrumentor`` entry points, run
after the bridge has made our providers and propagator global, so every instrumentation records
into the same pipeline as the bridged OpenTracing code: each instrumentor whose library is
installed (checked as ``opentelemetry-instrument`` checks it) is instrumented, except those named
in ``OTEL_PYTHON_DISABLED_INSTRUMENTATIONS`` (``*`` disables all). One that fails is reported in
one line and the others still run.
"""

from __future__ import annotations

import os
import sys
from typing import List

from otelbridge.sdk.util.entry_points import entry_points_in

GROUP = "opentelemetry_instrumentor"
DISABLED = "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"


def instrument_installed() -> List[str]:
    """Instrument what is installed and enabled; returns the names instrumented."""
    disabled = {name.strip() for name in os.environ.get(DISABLED, "").split(",")}
    found = entry_points_in(GROUP)
    if "*" in disabled or not found:
        return []
    from opentelemetry.instrumentation.dependencies import get_dist_dependency_conflicts

    done: List[str] = []
    for name, entry_point in sorted(found.items()):
        if name in disabled:
            continue
        try:
            dist = getattr(entry_point, "dist", None)
            if dist is not None and get_dist_dependency_conflicts(dist) is not None:
                continue  # the library it instruments is not installed (or not a version it knows)
            entry_point.load()().instrument(skip_dep_check=True)
        except Exception as exc:
            print(
                f"otelbridge: instrumentation {name!r} failed ({type(exc).__name__}: {exc}); "
                "skipped",
                file=sys.stderr,
            )
            continue
        done.append(name)
    return done
