"""What a module does with django_opentracing's tracing object, read from the Django settings.

Views reach the integration through the settings: ``tracing = settings.OPENTRACING_TRACING`` (or
``settings.OPENTRACING_TRACING`` itself), then ``tracing.get_span(request)`` for the request's
span, ``tracing.tracer`` for the tracer and ``@tracing.trace("path", ...)`` on a view. Once the
settings are migrated (``DjangoInstrumentor`` traces every request, see
``transforms/django_tracing.py``) each has an equivalent: the instrumentor's request span is the
current span in a view, the tracer is ``trace.get_tracer(__name__)``, and the decorator has
nothing left to do (its request attributes are the instrumentor's
``OTEL_PYTHON_DJANGO_TRACED_REQUEST_ATTRS``). :func:`read` finds those uses; any other use of the
object means the settings stay (the project pre-pass, ``django_entry.py``, asks it of every
module that names the setting).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Union

import libcst as cst
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    ScopeProvider,
)

Parents = Mapping[cst.CSTNode, cst.CSTNode]

#: django_opentracing's tracing object, as the views read it from the settings.
SETTINGS = frozenset(
    {"django.conf.settings.OPENTRACING_TRACING", "django.conf.settings.OPENTRACING_TRACER"}
)


@dataclass
class ViewsReads:
    #: ``tracing = settings.OPENTRACING_TRACING`` statements at module level (they go)
    aliases: set[cst.SimpleStatementLine] = field(default_factory=set)
    #: ``tracing.get_span(request)`` calls: the current span
    spans: set[cst.Call] = field(default_factory=set)
    #: ``tracing.tracer`` reads: a tracer of the module
    tracers: set[cst.Attribute] = field(default_factory=set)
    #: ``@tracing.trace(...)`` decorators -> the request attributes they recorded
    decorators: dict[cst.Decorator, list[str]] = field(default_factory=dict)


def read(wrapper: MetadataWrapper) -> Union[ViewsReads, str, None]:
    """The uses of the tracing object in ``wrapper``'s module: ``None`` when it reads none,
    a reason when one has no equivalent."""
    scopes = wrapper.resolve(ScopeProvider)
    found = ViewsReads()
    objects: list[cst.BaseExpression] = [  # what holds the tracing object
        node
        for node, scope in scopes.items()
        if isinstance(node, cst.Attribute)
        and scope is not None
        and {q.name for q in scope.get_qualified_names_for(node)} & SETTINGS
    ]
    if not objects:
        return None
    parents = wrapper.resolve(ParentNodeProvider)
    for node in list(objects):
        parent = parents.get(node)
        if (
            isinstance(parent, cst.Assign)
            and parent.value is node
            and _module_level(parents, parent)
        ):
            target = parent.targets[0].target if len(parent.targets) == 1 else None
            scope = scopes.get(target) if target is not None else None
            if not isinstance(target, cst.Name) or scope is None:
                return "the tracing object is stored other than in one module-level name"
            assignments = scope.assignments[target.value]
            if len(assignments) != 1:
                return f"{target.value!r} is bound to more than the tracing object"
            (assignment,) = assignments
            assert isinstance(assignment, Assignment)
            objects.remove(node)
            objects.extend(access.node for access in assignment.references)
            statement = parents.get(parent)
            assert isinstance(statement, cst.SimpleStatementLine)
            found.aliases.add(statement)
    for node in objects:
        reason = _use(parents, node, found)
        if reason:
            return reason
    return found


def _use(parents: Parents, node: cst.CSTNode, found: ViewsReads) -> str:
    """Record the use of the tracing object ``node``; the reason it has no equivalent, if so."""
    attribute = parents.get(node)
    if not isinstance(attribute, cst.Attribute) or attribute.value is not node:
        return "the tracing object is used other than by its get_span(), tracer and trace()"
    member = attribute.attr.value
    call = parents.get(attribute)
    if member == "tracer":
        found.tracers.add(attribute)
        return ""
    if not isinstance(call, cst.Call) or call.func is not attribute:
        return f"the tracing object's {member} is used other than by a call"
    if member == "get_span" and len(call.args) <= 1 and not any(a.star for a in call.args):
        found.spans.add(call)
        return ""
    decorator = parents.get(call)
    if member == "trace" and isinstance(decorator, cst.Decorator):
        attributes = [_string(a.value) for a in call.args]
        if any(a is None or item.keyword or item.star for a, item in zip(attributes, call.args)):
            return "a trace() decorator of attributes that are not literal strings"
        found.decorators[decorator] = [a for a in attributes if a is not None]
        return ""
    return f"the tracing object's {member}() has no OpenTelemetry equivalent"


def _string(node: cst.BaseExpression) -> Optional[str]:
    value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
    return value if isinstance(value, str) else None


def _module_level(parents: Parents, assign: cst.Assign) -> bool:
    statement = parents.get(assign)
    return statement is not None and isinstance(parents.get(statement), cst.Module)
