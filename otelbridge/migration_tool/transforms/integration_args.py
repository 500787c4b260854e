"""What an OpenTracing integration's set-up is given, as the transforms that replace set-ups ask
it: whether the integration is the project's own code, whether the tracer it is given turns into
OpenTelemetry's, a tracer factory the migrated set-up must still call, and so whether the
instrumentor that replaces it records where the set-up did."""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import Assignment

from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.transforms.base import LegacyTransform, arg, literal


def defined_in_project(transform: LegacyTransform, name: str) -> bool:
    """Whether the integration ``name`` is the project's own code (the project *is* the
    integration, its tests call it): then a call of it is project code, migrated with the rest."""
    if transform.model.project is None:
        return False
    index, module = transform.model.project
    return index.resolve(name.split(".", 1)[0], module) is not None


def converted_tracer(transform: LegacyTransform, given: Optional[cst.Arg]) -> bool:
    """Whether the tracer an integration's set-up is given records, once migrated, through the
    global provider its instrumentor uses: none (the global tracer), or a tracer the migration
    converts (the global one, a jaeger set-up, a helper's); not a vendor's or a kept one."""
    if given is None or literal(given.value) is None:
        return True
    return transform.kind(given.value) is Kind.TRACER


def tracer_factory(transform: LegacyTransform, call: cst.Call) -> Optional[str]:
    """The function of the module given as the set-up's tracer (Flask-OpenTracing calls it for
    its tracer, and so sets the tracing up): the migrated set-up must still call it."""
    tracer = arg(call, "tracer", 0)
    scope = transform.model.scope(call)
    if tracer is None or scope is None:
        return None
    given = tracer.value
    if (  # lambda: init_tracer(), the same factory
        isinstance(given, cst.Lambda)
        and given.params.deep_equals(cst.Parameters())
        and isinstance(given.body, cst.Call)
        and not given.body.args
    ):
        given = given.body.func
    if not isinstance(given, cst.Name):
        return None
    bindings = scope[given.value]
    if bindings and all(
        isinstance(b, Assignment) and isinstance(b.node, cst.FunctionDef) for b in bindings
    ):
        return given.value
    return None


def records_globally(transform: LegacyTransform, call: cst.Call) -> bool:
    """Whether the set-up ``call``'s tracer, once migrated, records through the global provider
    its instrumentor uses: a tracer the migration converts, or a factory still called."""
    return converted_tracer(transform, arg(call, "tracer", 0)) or bool(
        tracer_factory(transform, call)
    )
