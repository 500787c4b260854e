"""What each expression is in OpenTracing terms (tracer, span, scope...), from scope analysis.

Kinds are inferred on the *original* tree: a name is a span when every assignment that reaches it
(``ScopeProvider``) binds a span; a call is a tracer when its qualified name is
``opentracing.global_tracer``; and so on. Every binding of the module is recorded before the
traversal (:meth:`LegacyModel.prerecord`), so a module tracer bound below the functions that use it
is known to them. What the file alone cannot tell (a parameter, a name imported from another
module, a helper's result, an attribute set elsewhere) is asked of the whole-project index
(``engine/index.py``), when there is one.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, AbstractSet, Mapping, Optional, Sequence

import libcst as cst
from libcst.metadata import (
    Assignment,
    BaseAssignment,
    ClassScope,
    FunctionScope,
    GlobalScope,
    ImportAssignment,
    Scope,
)

from otelbridge.migration_tool.bindings import bound_values
from otelbridge.migration_tool.engine.expr import from_cst
from otelbridge.migration_tool.engine.index import MIGRATED, SymbolKey
from otelbridge.migration_tool.names import (
    CHILD_SPAN_CALLS,
    CURRENT_SPAN_CALLS,
    GLOBAL_TRACER_ATTRS,
    JAEGER_CONFIG,
    LOCAL_SPAN_CALLS,
    MIGRATED_MODULES,
    TRACER_FACTORIES,
)
from otelbridge.migration_tool.walk import walk

#: The package of opentracing-instrumentation's request context: the project's own code when the
#: project is that package.
REQUEST_CONTEXT_PACKAGE = "opentracing_instrumentation"

if TYPE_CHECKING:
    from otelbridge.migration_tool.engine.index import Module, ProjectIndex


class Kind(enum.Enum):
    TRACER = "tracer"
    SPAN = "span"
    #: The active span (``tracer.active_span``, ``scope.span``): current in OpenTelemetry terms,
    #: and ``None`` when nothing is active.
    CURRENT_SPAN = "current span"
    SCOPE = "scope"
    SPAN_CONTEXT = "span context"
    #: ``tracer.extract(...)``: becomes an OpenTelemetry ``Context`` after the rewrite.
    EXTRACTED = "extracted context"
    JAEGER_CONFIG = "jaeger config"
    #: Bound from something we cannot see (a parameter, a loop variable, a mix of kinds).
    UNKNOWN = "unknown"
    #: Kept on OpenTracing by a partial conversion (see ``legacy.py``): left exactly as written,
    #: and so is everything derived from it.
    LEGACY = "kept on OpenTracing"


SPANS = (Kind.SPAN, Kind.CURRENT_SPAN)
#: The OpenTracing objects a conversion turns into OpenTelemetry ones.
CONVERTIBLE = frozenset(
    {
        Kind.TRACER,
        Kind.SPAN,
        Kind.CURRENT_SPAN,
        Kind.SCOPE,
        Kind.SPAN_CONTEXT,
        Kind.EXTRACTED,
        Kind.JAEGER_CONFIG,
    }
)

#: What a kept site keeps where the project hands it in (:meth:`LegacyModel.received`): a tracer
#: handed in is held instead (``legacy.py``).
RECEIVED = CONVERTIBLE - {Kind.TRACER, Kind.JAEGER_CONFIG}


def index_kind(found: Optional[str]) -> Optional[Kind]:
    """A kind from the project index as a :class:`Kind`: ``None`` for no object, a project
    function, class or module (``"function:..."``), or what the new API makes (``MIGRATED``)."""
    if found is None or found == MIGRATED or ":" in found:
        return None
    return Kind(found)


def is_variable(node: cst.CSTNode) -> bool:
    """A plain name or ``self.<attr>``: the bindings the model follows."""
    return isinstance(node, cst.Name) or (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == "self"
    )


def activates(model: LegacyModel, call: cst.Call) -> bool:
    """Whether ``call`` is ``<tracer>.scope_manager.activate(...)`` (it makes a scope)."""
    func = call.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == "activate"
        and isinstance(func.value, cst.Attribute)
        and func.value.attr.value == "scope_manager"
        and model.kind(func.value.value) is Kind.TRACER
    )


def _is_none(value: Optional[cst.BaseExpression]) -> bool:
    return isinstance(value, cst.Name) and value.value == "None"


def bound_call(
    model: LegacyModel, call: cst.Call
) -> tuple[cst.BaseExpression, Sequence[cst.Arg]]:
    """The function ``call`` binds arguments of, and those arguments: ``f`` and the rest for
    ``functools.partial(f, ...)`` (what the index records too), else the call's own."""
    if call.args and "functools.partial" in model.qualified_names(call.func):
        return call.args[0].value, call.args[1:]
    return call.func, call.args


class LegacyModel:
    """Per-file kind inference; one instance per module, shared by every transform."""

    __slots__ = (
        "_bindings",
        "_kinds",
        "_pinned",
        "_qualnames",
        "_receivers",
        "_scopes",
        "_self_attrs",
        "_self_reads",
        "from_project",
        "frozen",
        "held",
        "inferred",
        "project",
    )

    def __init__(
        self,
        scopes: Mapping[cst.CSTNode, Optional[Scope]],
        project: Optional[tuple[ProjectIndex, Module]] = None,
    ) -> None:
        self._scopes = scopes
        #: the whole-project index and this file's module in it
        self.project = project
        #: expressions whose kind came from the index (made or bound in another place)
        self.from_project: set[cst.CSTNode] = set()
        #: of those, the ones known from the members called on them: symbol -> (first use, kind)
        self.inferred: dict[SymbolKey, tuple[cst.CSTNode, Kind]] = {}
        self._qualnames: dict[Scope, Optional[str]] = {}
        #: assignment target node (Name / Param) -> the value expression bound to it
        self._bindings: dict[cst.CSTNode, cst.BaseExpression] = {}
        #: ``self.<attr> = value`` anywhere in the module: attr -> values
        self._self_attrs: dict[str, list[cst.BaseExpression]] = {}
        #: every ``self.<attr>`` expression of the module: attr -> nodes
        self._self_reads: dict[str, list[cst.Attribute]] = {}
        #: names read for a member or an item (``d.update``, ``d[k]``): :meth:`constant`
        self._receivers: set[cst.Name] = set()
        self._kinds: dict[cst.CSTNode, Optional[Kind]] = {}
        #: name loads whose one reaching binding is known (a ``with`` target in its block)
        self._pinned: dict[cst.Name, cst.BaseExpression] = {}
        #: origins (see :meth:`origins`) kept on OpenTracing: they and their uses are ``LEGACY``
        self.frozen: AbstractSet[cst.CSTNode] = frozenset()
        #: of those, reads of tracer variables kept with the tracer they hold (``legacy.py``)
        self.held: AbstractSet[cst.CSTNode] = frozenset()

    # -- recording, before the traversal ----------------------------------------------------
    def prerecord(self, tree: cst.Module) -> None:
        """Every binding of the module, whatever its place: uses above a binding know it."""
        for node in walk(tree):
            if isinstance(node, cst.Assign):
                for target in node.targets:
                    self.record(target.target, node.value)
            elif isinstance(node, cst.AnnAssign):
                if node.value is not None:
                    self.record(node.target, node.value)
            elif isinstance(node, cst.WithItem) and node.asname is not None:
                self.record(node.asname.name, node.item)
            if isinstance(node, cst.Attribute) and is_variable(node):
                self._self_reads.setdefault(node.attr.value, []).append(node)
            receiver = node.value if isinstance(node, (cst.Attribute, cst.Subscript)) else None
            if isinstance(receiver, cst.Name):
                self._receivers.add(receiver)

    def record(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self._bindings[target] = value
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == "self"
        ):
            self._self_attrs.setdefault(target.attr.value, []).append(value)

    def assume(self, node: cst.BaseExpression, kind: Kind) -> None:
        """``node`` makes a ``kind`` (a transform that sees the whole flow says so, before any
        kind is asked: ``transforms/stored_scopes.py``); kept if frozen, as any origin."""
        self._kinds[node] = Kind.LEGACY if node in self.frozen else kind

    def pin(self, name: cst.Name, value: cst.BaseExpression) -> None:
        """``name`` (a load) is bound to ``value`` whatever other bindings the name has."""
        self._pinned[name] = value

    # -- queries ----------------------------------------------------------------------------
    def scope(self, node: cst.CSTNode) -> Optional[Scope]:
        return self._scopes.get(node)

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        scope = self._scopes.get(node)
        if scope is None:
            return set()
        return {q.name for q in scope.get_qualified_names_for(node)}

    def assignment_of(self, name: cst.Name) -> Optional[Assignment]:
        """The assignment whose target is this very ``Name`` node (a store)."""
        scope = self._scopes.get(name)
        if scope is None:
            return None
        for assignment in scope.assignments[name.value]:
            if isinstance(assignment, Assignment) and assignment.node is name:
                return assignment
        return None

    def is_imported(self, node: cst.BaseExpression) -> bool:
        """Whether ``node`` is a bare name bound by an import (it may be an alias)."""
        scope = self._scopes.get(node) if isinstance(node, cst.Name) else None
        return scope is not None and any(isinstance(a, ImportAssignment) for a in scope[node.value])  # type: ignore[attr-defined]  # a Name's scope maps its value to Assignments

    def kind(self, node: cst.BaseExpression) -> Optional[Kind]:
        if node in self._kinds:
            return self._kinds[node]
        self._kinds[node] = None  # cycle guard (``x = x``)
        found = self._infer(node)
        if (found is None or found is Kind.UNKNOWN) and self.project is not None:
            found = self._project_kind(node, found)
        if found is not None and node in self.frozen:
            found = Kind.LEGACY
        self._kinds[node] = found
        return found

    def _project_kind(self, node: cst.BaseExpression, local: Optional[Kind]) -> Optional[Kind]:
        if not isinstance(node, (cst.Name, cst.Attribute, cst.Call)):
            return local
        assert self.project is not None
        index, module = self.project
        found = index.kind(module, self.qualname(node), from_cst(node))
        if found == MIGRATED:  # what converted code passes: already OpenTelemetry
            return None
        kind = index_kind(found)
        if kind is None:
            return local
        self.from_project.add(node)
        key = index.symbol_for(module, self.qualname(node), from_cst(node))
        if key in index.from_usage:
            self.inferred.setdefault(key, (node, kind))
        return kind

    def qualname(self, node: cst.CSTNode) -> Optional[str]:
        """The dotted name of the function ``node`` is in (``Class.method``), as the project
        index names it; ``None`` at module level."""
        scope = self._scopes.get(node)
        if scope is None:
            return None
        if scope in self._qualnames:
            return self._qualnames[scope]
        parts: list[str] = []
        current: Optional[Scope] = scope
        while current is not None and not isinstance(current, GlobalScope):
            owner = getattr(current, "node", None)
            if isinstance(current, (FunctionScope, ClassScope)) and isinstance(
                owner, (cst.FunctionDef, cst.ClassDef)
            ):
                parts.insert(0, owner.name.value)
            current = current.parent
        found = ".".join(parts) or None
        if found is not None and isinstance(scope, ClassScope):
            found = None  # class body: evaluated at module level by the index
        self._qualnames[scope] = found
        return found

    def is_span(self, node: cst.BaseExpression) -> bool:
        return self.kind(node) in SPANS

    def _infer(self, node: cst.BaseExpression) -> Optional[Kind]:
        if isinstance(node, cst.Name):
            return self._infer_name(node)
        if isinstance(node, cst.Attribute):
            return self._infer_attribute(node)
        if isinstance(node, cst.Call):
            return self._infer_call(node)
        if isinstance(node, (cst.BooleanOperation, cst.IfExp)):
            return self._infer_choice(node)
        return None

    def _infer_choice(self, node: cst.BooleanOperation | cst.IfExp) -> Optional[Kind]:
        """A tracer default (``tracer or opentracing.tracer``): a tracer if every operand is one
        (a literal ``None`` aside), else unknown, so that its readers go with the default (the
        index knows more). Choices of spans are left to the rules of their uses
        (``child_of=x if x else None``: ``arguments.parent_context``)."""
        if isinstance(node, cst.BooleanOperation):
            operands = (node.left, node.right)
        else:
            operands = (node.body, node.orelse)
        kinds = {self.kind(operand) for operand in operands if not _is_none(operand)}
        if Kind.TRACER not in kinds:
            return None
        return Kind.TRACER if kinds == {Kind.TRACER} else Kind.UNKNOWN

    def _infer_name(self, node: cst.Name) -> Optional[Kind]:
        if node in self._pinned:
            return self.kind(self._pinned[node])
        scope = self._scopes.get(node)
        if scope is None:
            return None
        assignments = scope[node.value]
        imported: set[Optional[Kind]] = set()
        if any(isinstance(a, ImportAssignment) for a in assignments):
            names = self.qualified_names(node)
            if names & GLOBAL_TRACER_ATTRS:
                imported.add(Kind.TRACER)
            elif any(name.startswith(MIGRATED_MODULES) for name in names):
                imported.add(None)  # already OpenTelemetry (a second run)
            else:  # ``from app.tracing import tracer``: made where we cannot see
                imported.add(Kind.UNKNOWN)
            if all(isinstance(a, ImportAssignment) for a in assignments):
                return imported.pop()
        # an import rebound in the module (``tracer = Tracer(...)``, a class of its own) is one
        # of the values; ``parent = None`` in an ``except`` branch: no object, ignored as the
        # index ignores it
        kinds = imported | {
            self._assigned_kind(a)
            for a in assignments
            if not isinstance(a, ImportAssignment) and not self._binds_none(a)
        }
        if not kinds:
            return None
        if len(kinds) == 1:
            return kinds.pop()
        if kinds - {None, Kind.UNKNOWN}:
            return Kind.UNKNOWN
        return Kind.UNKNOWN if Kind.UNKNOWN in kinds else None

    def _binds_none(self, assignment: BaseAssignment) -> bool:
        value = self._bindings.get(assignment.node) if isinstance(assignment, Assignment) else None
        return _is_none(value)

    def may_be_none(self, node: cst.BaseExpression) -> bool:
        """Whether a binding that reaches the variable ``node`` is a literal ``None``."""
        if isinstance(node, cst.Name):
            scope = self._scopes.get(node)
            return scope is not None and any(self._binds_none(a) for a in scope[node.value])
        if is_variable(node):
            assert isinstance(node, cst.Attribute)
            return any(_is_none(v) for v in self._self_attrs.get(node.attr.value, ()))
        return False

    def _assigned_kind(self, assignment: BaseAssignment) -> Optional[Kind]:
        if not isinstance(assignment, Assignment):
            return None
        if isinstance(assignment.node, cst.Param):
            return Kind.UNKNOWN
        value = self._bindings.get(assignment.node)
        return None if value is None else self.kind(value)

    def _infer_attribute(self, node: cst.Attribute) -> Optional[Kind]:
        attr = node.attr.value
        if attr == "tracer" and self.qualified_names(node) & GLOBAL_TRACER_ATTRS:
            return Kind.TRACER
        if isinstance(node.value, cst.Name) and node.value.value == "self":
            values = [v for v in self._self_attrs.get(attr, ()) if not _is_none(v)]
            if values:
                kinds = {self.kind(v) for v in values}
                return kinds.pop() if len(kinds) == 1 else Kind.UNKNOWN
            return None
        owner = self.kind(node.value)
        if owner is Kind.LEGACY:
            return Kind.LEGACY
        if owner is Kind.UNKNOWN and attr == "span":
            return Kind.UNKNOWN
        if owner is Kind.SCOPE and attr == "span":
            return Kind.CURRENT_SPAN
        if owner is Kind.TRACER and attr == "active_span":
            return Kind.CURRENT_SPAN
        if owner in SPANS and attr == "context":
            return Kind.SPAN_CONTEXT
        if owner in SPANS and attr == "tracer":
            return Kind.TRACER
        return None

    def _infer_call(self, node: cst.Call) -> Optional[Kind]:
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if last in ("global_tracer", "Config", "Tracer", "MockTracer") or self.is_imported(func):
            names = self.qualified_names(func)
            if names & TRACER_FACTORIES:
                return Kind.TRACER
            if JAEGER_CONFIG in names:
                return Kind.JAEGER_CONFIG
        if (
            self.is_imported(func)
            and self.qualified_names(func) & CURRENT_SPAN_CALLS
            and not (self.project is not None and self.project[0].defines(REQUEST_CONTEXT_PACKAGE))
        ):
            return Kind.CURRENT_SPAN  # opentracing-instrumentation's: transforms/request_context.py
        if self.is_imported(func) and LOCAL_SPAN_CALLS & self.qualified_names(func):
            return Kind.SPAN  # func_span(), start_child_span(): transforms/local_span.py
        if last == "start_child_span" and self.qualified_names(func) & CHILD_SPAN_CALLS:
            return Kind.SPAN  # OpenTracing's own: transforms/child_spans.py
        if not isinstance(func, cst.Attribute):
            return None
        owner = self.kind(func.value)
        if owner is Kind.LEGACY:
            return Kind.LEGACY
        method = func.attr.value
        if owner in SPANS and method in (
            "set_tag",
            "log_kv",
            "log_event",
            "log",
            "set_operation_name",
            "set_baggage_item",
        ):
            return owner  # chainable: these return the span
        if method == "activate" and activates(self, node):
            return Kind.SCOPE
        if owner is Kind.TRACER:
            return {
                "start_span": Kind.SPAN,
                "start_active_span": Kind.SCOPE,
                "extract": Kind.EXTRACTED,
            }.get(method)
        if owner is Kind.JAEGER_CONFIG and method in ("initialize_tracer", "new_tracer"):
            return Kind.TRACER
        if owner is Kind.UNKNOWN and method in ("start_span", "start_active_span"):
            return Kind.UNKNOWN
        return None

    def constant(self, name: cst.Name) -> Optional[cst.BaseExpression]:
        """The literal ``name`` holds when its one binding is ``name = {...}`` (or a list, a
        tuple) and nothing subscripts it or reads a member of it (no ``d[k] = v``, ``d.update()``,
        ``names.append()``): the value every read sees."""
        scope = self._scopes.get(name)
        if scope is None:
            return None
        assignments = list(scope[name.value])
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        value = self._bindings.get(assignments[0].node)
        if not isinstance(value, (cst.Dict, cst.List, cst.Tuple)):
            return None
        if any(access.node in self._receivers for access in assignments[0].references):
            return None
        return value

    def bound_values(self, name: cst.Name) -> list[cst.BaseExpression]:
        """What every binding that reaches the load ``name`` binds (empty if one is unknown:
        a parameter, import, loop or unpacking target)."""
        return bound_values(self._scopes, self._bindings, name)

    def variable_reads(self, node: cst.BaseExpression) -> set[cst.CSTNode]:
        """Every expression of the module reading the variable ``node`` reads (a name: the
        references of each binding that reaches it; ``self.<attr>``: every such attribute)."""
        if isinstance(node, cst.Attribute):
            return set(self._self_reads.get(node.attr.value, ())) if is_variable(node) else set()
        scope = self._scopes.get(node)
        if not isinstance(node, cst.Name) or scope is None:
            return set()
        return {
            access.node
            for assignment in scope[node.value]
            for access in assignment.references
            if isinstance(access.node, cst.Name)
        } | {node}

    def seen_whole(self, node: cst.BaseExpression) -> bool:
        """Whether every binding that reaches ``node`` is visible in this file (no parameter,
        import, loop variable or object set elsewhere on the way to its :meth:`origins`)."""
        hidden: list[cst.CSTNode] = []
        self._origins(node, set(), set(), hidden)
        return not hidden

    def received(self, node: cst.BaseExpression) -> set[cst.CSTNode]:
        """The reads on the way to ``node``'s :meth:`origins` of what other code of the project
        hands this file (a parameter its callers fill, a name imported from a project module):
        what a kept site keeps there must be kept where it is made too (``flows.py``)."""
        hidden: list[cst.CSTNode] = []
        self._origins(node, set(), set(), hidden)
        return {
            found
            for found in hidden
            if found in self.from_project
            and isinstance(found, cst.BaseExpression)
            and self.kind(found) in RECEIVED
        }

    def origins(self, node: cst.BaseExpression) -> set[cst.CSTNode]:
        """Where the OpenTracing object ``node`` evaluates to is made: the tracer operation behind
        a span, scope or context (``start_span``, ``active_span``, ``extract``...), the global
        tracer or jaeger ``Config`` behind a tracer. Follows every binding that reaches a name,
        and a span's ``context``/``tracer``, a scope's ``span``, chained calls to their owner.
        """
        found: set[cst.CSTNode] = set()
        self._origins(node, found, set(), [])
        return found

    def _origins(
        self,
        node: cst.BaseExpression,
        found: set[cst.CSTNode],
        seen: set[cst.BaseExpression],
        hidden: list[cst.CSTNode],
    ) -> None:
        """Collects origins in ``found``; what cannot be followed in this file goes to
        ``hidden``."""
        if node in seen:
            return
        seen.add(node)
        if node in self._pinned:
            self._origins(self._pinned[node], found, seen, hidden)  # type: ignore[index]  # pinned values are expressions
            return
        if isinstance(node, cst.Name):
            if node.value == "None":
                return
            scope = self._scopes.get(node)
            assignments = scope[node.value] if scope is not None else ()
            if not assignments:
                hidden.append(node)
            for assignment in assignments:
                value = (
                    self._bindings.get(assignment.node)
                    if isinstance(assignment, Assignment)
                    else None
                )
                if value is not None:
                    self._origins(value, found, seen, hidden)
                else:
                    hidden.append(node)
            return
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == "self"
        ):
            values = self._self_attrs.get(node.attr.value, ())
            if not values:
                hidden.append(node)
            for value in values:
                self._origins(value, found, seen, hidden)
            return
        if isinstance(node, (cst.BooleanOperation, cst.IfExp)):
            # ``tracer or opentracing.tracer``: each operand it may evaluate to
            operands = (
                (node.left, node.right)
                if isinstance(node, cst.BooleanOperation)
                else (node.body, node.orelse)
            )
            for operand in operands:
                self._origins(operand, found, seen, hidden)
            return
        kind = self.kind(node)
        if kind is None:
            return
        owner = node.value if isinstance(node, cst.Attribute) else None
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            owner = node.func.value
        owner_kind = None if owner is None else self.kind(owner)
        if owner_kind in (None, Kind.UNKNOWN) or (
            owner_kind is Kind.TRACER and kind is not Kind.TRACER
        ):  # ``opentracing.tracer``: its owner is a module, not an OpenTracing object
            found.add(node)
            if node in self.from_project:
                hidden.append(node)  # made by code elsewhere in the project
        else:
            assert owner is not None
            self._origins(owner, found, seen, hidden)
