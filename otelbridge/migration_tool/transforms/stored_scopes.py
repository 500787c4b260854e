"""Scopes stored on an object and closed in another function, converted as one flow.

Framework integrations start a request's span in one hook and finish it in another::

    scope = tracer.start_active_span(name, child_of=ctx)   # _apply_tracing(request)
    setattr(request, SCOPE_ATTR, scope)                    # (or request._scope = scope)
    scope.span.set_tag(...)
    ...
    scope = getattr(request, SCOPE_ATTR, None)              # _finish_tracing(request, error)
    if scope is None:
        return
    scope.span.set_tag(...)
    scope.close()

OpenTelemetry has no scope object: the stored value becomes the pair ``(span, token)`` of the
span and the token of the context it was made current in, and closing it ends the span and
detaches the token, as ``scope.close()`` did::

    scope_span = tracer.start_span(name, context=ctx)
    scope = (scope_span, context.attach(trace.set_span_in_context(scope_span)))
    ...
    scope[0].set_attribute(...)
    scope[0].end()
    context.detach(scope[1])

The flow converts only when every part is seen in the module and mapped: each stored value is a
scope variable bound only by ``start_active_span`` (closing finishes the span); each read-back is
bound to a variable used only as ``.span``, ``.close()`` (a whole statement) and tested against
``None``; the attribute is set, read and deleted nowhere else in the project; a storing function
that returns the scope has no caller in the project using the result. A part kept on OpenTracing
keeps the others (flagged, so ``legacy.py`` freezes them too). A ``try`` whose handlers catch only
OpenTracing's carrier errors counts as its body when planning (``propagation.py`` removes such
handlers once its inject/extract converted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import Assignment, FunctionScope

from otelbridge.migration_tool.engine.expr import Expr
from otelbridge.migration_tool.engine.index import Function
from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.transforms.arguments import free_name
from otelbridge.migration_tool.transforms.base import LegacyTransform, sole_assignment
from otelbridge.migration_tool.transforms.propagation import PROPAGATION_ERRORS
from otelbridge.migration_tool.transforms.scopes import finishes, is_scope_call
from otelbridge.migration_tool.transforms.span_kind import _dotted, _plan_tags, plan_of
from otelbridge.migration_tool.walk import walk

#: ``context.scratch`` key of the file's :class:`StoredPlan`.
PLAN_KEY = "otelbridge.stored_scopes"
KEPT = (
    "scope stored on an object, kept on OpenTracing with the other uses of the stored scope "
    "(one of them could not be converted)"
)
_ACCESSORS = ("getattr", "setattr", "delattr", "hasattr")


@dataclass
class Flow:
    """The parts of one stored attribute (one key): stores, read-backs, closes."""

    key: str
    #: creation calls (bound to a scope variable, or stored as they are)
    creations: dict[cst.Call, None] = field(default_factory=dict)
    #: creation statements -> (scope variable name, span variable name)
    bindings: dict[cst.SimpleStatementLine, tuple[str, str]] = field(default_factory=dict)
    #: statements storing a creation as it is -> the span variable made for it
    direct: dict[cst.SimpleStatementLine, str] = field(default_factory=dict)
    #: ``scope.span`` reads -> the span variable, or ``None``: ``<scope>[0]``
    reads: dict[cst.Attribute, Optional[str]] = field(default_factory=dict)
    #: ``<scope>.close()`` statements
    closes: set[cst.SimpleStatementLine] = field(default_factory=set)
    #: read-back values (``getattr(request, KEY, None)``): scopes
    loads: list[cst.BaseExpression] = field(default_factory=list)
    #: the store calls/assignments (no escape: the reader is converted too)
    stores: list[cst.CSTNode] = field(default_factory=list)
    #: ``return scope`` of a storing function
    returns: list[cst.Return] = field(default_factory=list)

    def parts(self) -> list[cst.BaseExpression]:
        return [*self.creations, *self.loads]


@dataclass
class StoredPlan:
    flows: list[Flow] = field(default_factory=list)
    creations: dict[cst.Call, Flow] = field(default_factory=dict)
    bindings: dict[cst.SimpleStatementLine, tuple[str, str]] = field(default_factory=dict)
    direct: dict[cst.SimpleStatementLine, str] = field(default_factory=dict)
    reads: dict[cst.Attribute, Optional[str]] = field(default_factory=dict)
    closes: set[cst.SimpleStatementLine] = field(default_factory=set)
    stores: set[cst.CSTNode] = field(default_factory=set)
    #: ``try`` statements whose handlers catch only carrier errors (``propagation.py`` drops them)
    unwrap: set[cst.Try] = field(default_factory=set)


def stored_plan(transform: LegacyTransform) -> StoredPlan:
    """The file's plan, worked out once per traversal (before any kind is asked)."""
    scratch = transform.state.context.scratch
    plan = scratch.get(PLAN_KEY)
    if plan is None:
        plan = scratch[PLAN_KEY] = _plan(transform, transform.state.wrapper.module)
    assert isinstance(plan, StoredPlan)
    return plan


# -- planning --------------------------------------------------------------------------------
def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _key(call: cst.Call, name: str) -> Optional[tuple[cst.BaseExpression, str]]:
    """``(object, key)`` of ``getattr/setattr/delattr/hasattr(object, KEY, ...)`` with a plain
    name or literal for ``KEY``."""
    if not (isinstance(call.func, cst.Name) and call.func.value == name) or len(call.args) < 2:
        return None
    if any(a.keyword is not None or a.star for a in call.args):
        return None
    key = call.args[1].value
    if isinstance(key, cst.SimpleString) and isinstance(key.evaluated_value, str):
        return call.args[0].value, "." + key.evaluated_value
    if isinstance(key, (cst.Name, cst.Attribute)):
        return call.args[0].value, _code(key)
    return None


def _store(
    statement: cst.CSTNode,
) -> Optional[tuple[str, cst.BaseExpression, cst.CSTNode]]:
    """``setattr(obj, KEY, value)`` or ``obj.attr = value`` with a name or a call for ``value``:
    ``(key, value, store node)``."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    value: Optional[cst.BaseExpression] = None
    node: cst.CSTNode
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        found = _key(small.value, "setattr")
        if found is None or len(small.value.args) != 3:
            return None
        key, value, node = found[1], small.value.args[2].value, small.value
    else:
        assign = sole_assignment(statement)
        if assign is None or not isinstance(assign.targets[0].target, cst.Attribute):
            return None
        key, value, node = "." + assign.targets[0].target.attr.value, assign.value, assign
    return (key, value, node) if isinstance(value, (cst.Name, cst.Call)) else None


def _load(value: cst.BaseExpression) -> Optional[str]:
    """The key read back by ``getattr(obj, KEY[, default])`` or ``obj.attr``."""
    if isinstance(value, cst.Call):
        found = _key(value, "getattr")
        return found[1] if found is not None and len(value.args) in (2, 3) else None
    if isinstance(value, cst.Attribute):
        return "." + value.attr.value
    return None


def _plan(transform: LegacyTransform, module: cst.Module) -> StoredPlan:
    plan = StoredPlan()
    flows: dict[str, Flow] = {}
    failed: set[str] = set()
    statements: list[cst.SimpleStatementLine] = []
    for node in walk(module):
        if isinstance(node, cst.SimpleStatementLine):
            statements.append(node)
        elif isinstance(node, cst.Try) and _unwraps(transform, node):
            plan.unwrap.add(node)
    stores = [(s, found) for s in statements if (found := _store(s)) is not None]
    if not stores:
        return plan
    parents = _parents(module)
    for statement, (key, value, node) in stores:
        flow = flows.setdefault(key, Flow(key))
        flow.stores.append(node)
        if isinstance(value, cst.Call):
            if not _plan_direct(transform, flow, statement, value):
                failed.add(key)
            continue
        assert isinstance(value, cst.Name)
        scope = transform.model.scope(value)
        function = scope.node if isinstance(scope, FunctionScope) else None
        if not isinstance(function, cst.FunctionDef) or not _plan_store(
            transform, parents, flow, function, value
        ):
            failed.add(key)
    for statement in statements:
        assign = sole_assignment(statement)
        loaded = None if assign is None else _load(assign.value)
        if loaded is None or loaded not in flows or loaded in failed or assign is None:
            continue
        target = assign.targets[0].target
        if not isinstance(target, cst.Name) or not _plan_load(
            transform, parents, flows[loaded], target
        ):
            failed.add(loaded)
        elif assign.value not in flows[loaded].loads:
            flows[loaded].loads.append(assign.value)
    for node in walk(module):  # read back and used at once: ``request._scope.close()``
        loaded = _load(node) if isinstance(node, (cst.Call, cst.Attribute)) else None
        if loaded is None or loaded not in flows or loaded in failed:
            continue
        assert isinstance(node, cst.BaseExpression)
        parent = parents.get(node)
        if isinstance(parent, (cst.Assign, cst.AssignTarget, cst.Del)) or node in flows[
            loaded
        ].stores:
            continue  # a read-back bound to a variable (above), a store, a deletion
        if not _plan_use(parents, flows[loaded], node):
            failed.add(loaded)
        elif node not in flows[loaded].loads:
            flows[loaded].loads.append(node)
    for key, flow in flows.items():
        if key in failed or not flow.loads or not _private(transform, module, flow):
            continue
        _seed(transform, flow)
        plan.flows.append(flow)
        plan.creations.update(dict.fromkeys(flow.creations, flow))
        plan.bindings.update(flow.bindings)
        plan.direct.update(flow.direct)
        plan.reads.update(flow.reads)
        plan.closes.update(flow.closes)
        plan.stores.update(flow.stores)
    for flow in plan.flows:
        _plan_kinds(transform, plan, flow)
    return plan


def _plan_store(
    transform: LegacyTransform,
    parents: dict[cst.CSTNode, cst.CSTNode],
    flow: Flow,
    function: cst.FunctionDef,
    name: cst.Name,
) -> bool:
    """The bindings and ``.span`` reads of the scope variable stored in ``function``."""
    scope = transform.model.scope(name)
    if not isinstance(scope, FunctionScope):
        return False
    assignments = list(scope.assignments[name.value])
    if not assignments:
        return False
    span_name = ""
    for assignment in assignments:
        if not isinstance(assignment, Assignment) or not isinstance(assignment.node, cst.Name):
            return False
        statement = _binding_statement(function, assignment.node)
        if statement is None:
            return False
        call = statement.body[0].value  # type: ignore[attr-defined]  # _binding_statement: Assign
        if not is_scope_call(transform, call) or finishes(call) is not True:
            return False
        span_name = span_name or free_name(transform, assignment.node, f"{name.value}_span")
        flow.creations[call] = None
        flow.bindings[statement] = (name.value, span_name)
    for access in scope.accesses[name.value]:
        node = access.node
        parent = parents.get(node)
        if isinstance(parent, cst.Attribute) and parent.attr.value == "span":
            flow.reads[parent] = span_name
        elif any(_stores(s, node) for s in flow.stores):
            continue
        elif isinstance(parent, cst.Return):
            flow.returns.append(parent)
        else:
            return False
    return True


def _stores(store: cst.CSTNode, node: cst.CSTNode) -> bool:
    if isinstance(store, cst.Call):
        return store.args[2].value is node
    return isinstance(store, cst.Assign) and store.value is node


def _binding_statement(
    function: cst.FunctionDef, target: cst.Name
) -> Optional[cst.SimpleStatementLine]:
    for node in walk(function.body):
        assign = sole_assignment(node)
        if assign is not None and assign.targets[0].target is target:
            assert isinstance(node, cst.SimpleStatementLine)
            return node
    return None


def _parents(module: cst.Module) -> dict[cst.CSTNode, cst.CSTNode]:
    """Each node's parent (LibCST nodes do not know theirs)."""
    found: dict[cst.CSTNode, cst.CSTNode] = {}
    for node in walk(module):
        for child in node.children:
            found[child] = node
    return found


def _plan_direct(
    transform: LegacyTransform,
    flow: Flow,
    statement: cst.SimpleStatementLine,
    call: cst.Call,
) -> bool:
    """``obj.attr = tracer.start_active_span(...)``: the span gets a variable of its own."""
    if not is_scope_call(transform, call) or finishes(call) is not True:
        return False
    flow.creations[call] = None
    flow.direct[statement] = free_name(transform, call, "span")
    return True


def _plan_load(
    transform: LegacyTransform,
    parents: dict[cst.CSTNode, cst.CSTNode],
    flow: Flow,
    target: cst.Name,
) -> bool:
    """The uses of a read-back scope variable (see :func:`_plan_use`)."""
    scope = transform.model.scope(target)
    if not isinstance(scope, FunctionScope) or len(scope.assignments[target.value]) != 1:
        return False
    return all(_plan_use(parents, flow, access.node) for access in scope.accesses[target.value])


def _plan_use(
    parents: dict[cst.CSTNode, cst.CSTNode], flow: Flow, node: cst.CSTNode
) -> bool:
    """One use of a stored scope: ``.span``, ``.close()`` as a statement, ``is None``."""
    parent = parents.get(node)
    if isinstance(parent, cst.Attribute) and parent.value is node:
        if parent.attr.value == "span":
            flow.reads[parent] = None
            return True
        call = parents.get(parent)
        expression = parents.get(call) if call is not None else None
        statement = parents.get(expression) if expression is not None else None
        if (
            parent.attr.value == "close"
            and isinstance(call, cst.Call)
            and not call.args
            and isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
        ):
            flow.closes.add(statement)
            return True
        return False
    return isinstance(parent, (cst.Comparison, cst.ComparisonTarget)) and _none_test(
        parents, node
    )


def _none_test(parents: dict[cst.CSTNode, cst.CSTNode], node: cst.CSTNode) -> bool:
    """``node is None`` / ``node is not None``."""
    comparison = parents.get(node)
    if isinstance(comparison, cst.ComparisonTarget):
        comparison = parents.get(comparison)
    if not isinstance(comparison, cst.Comparison) or len(comparison.comparisons) != 1:
        return False
    target = comparison.comparisons[0]
    return (
        comparison.left is node
        and isinstance(target.operator, (cst.Is, cst.IsNot))
        and isinstance(target.comparator, cst.Name)
        and target.comparator.value == "None"
    )


def _private(transform: LegacyTransform, module: cst.Module, flow: Flow) -> bool:
    """Whether the key is used by this module alone, and only through the planned parts."""
    key = flow.key
    names = _accesses(module, flow)
    if names is None:
        return False
    if not key.startswith("."):
        word = re.escape(key)
        mentions = len(re.findall(rf"\b{word}\b", module.code))
        imports = len(re.findall(rf"\bimport\b[^\n]*\b{word}\b", module.code))
        if mentions - imports != names:
            return False
    name = re.escape(key.lstrip("."))
    use = re.compile(r"\." + name + r"\b" if key.startswith(".") else r"\b" + name + r"\b")
    # a constant's definition and imports do not read the attribute
    quiet = re.compile(rf"^\s*(?:from\s.*\bimport\b.*|import\s.*|{name}\s*=.*)$")
    project = transform.model.project
    if project is not None:
        index, here = project
        constant = re.fullmatch(r"\w+", key) is not None
        symbol = index.symbol_for(here, None, ("name", key)) if constant else None
        for path, text in index.sources.items():
            if path == here.path or not use.search(text):
                continue
            other = index.by_path.get(path)
            if (
                symbol is not None
                and other is not None
                and index.symbol_for(other, None, ("name", key)) != symbol
            ):
                continue  # another constant of the same name (another package)
            if any(use.search(line) and not quiet.match(line) for line in text.splitlines()):
                return False
        if flow.returns and _consumed(transform, flow):
            return False
    return True


def _accesses(module: cst.Module, flow: Flow) -> Optional[int]:
    """How many accessor calls name the key, if every access to it in the module is a planned
    store or read-back, a ``delattr``/``hasattr`` or a ``del`` (else ``None``)."""
    planned: set[cst.CSTNode] = {*flow.stores, *flow.loads}
    planned |= {s.targets[0].target for s in flow.stores if isinstance(s, cst.Assign)}
    attr = flow.key[1:] if flow.key.startswith(".") else None
    calls = 0
    for node in walk(module):
        if isinstance(node, cst.Del):
            planned |= {node.target, *(e.value for e in getattr(node.target, "elements", ()))}
        elif isinstance(node, cst.Call):
            for accessor in _ACCESSORS:
                found = _key(node, accessor)
                if found is not None and found[1] == flow.key:
                    calls += 1
                    if accessor in ("getattr", "setattr") and node not in planned:
                        return None
        elif isinstance(node, cst.Attribute) and node.attr.value == attr and node not in planned:
            return None
    return calls


def _consumed(transform: LegacyTransform, flow: Flow) -> bool:
    """Whether a call of a function that returns the stored scope has its result used."""
    project = transform.model.project
    assert project is not None
    index, here = project
    returning = {transform.model.qualname(r) for r in flow.returns}
    for module in index.by_path.values():
        contexts: list[tuple[Optional[Function], Expr]]
        contexts = [(None, v) for vs in module.globals.values() for v in vs]
        for function in module.functions.values():
            values: list[Expr] = [*function.returns]
            values += [v for vs in function.locals.values() for v in vs]
            contexts += [(function, v) for v in values]
        contexts += [(c.context, v) for c in module.calls for v in (*c.args, *c.keywords.values())]
        for context, value in contexts:
            if value[0] != "call":
                continue
            callee = index.callee(module, context, value[1])  # type: ignore[arg-type]  # a call's func is an Expr
            if callee is not None and callee[0] is here and callee[1].qualname in returning:
                return True
    return False


def _seed(transform: LegacyTransform, flow: Flow) -> None:
    for load in flow.loads:
        transform.model.assume(load, Kind.SCOPE)


def _unwraps(transform: LegacyTransform, node: cst.Try) -> bool:
    """A ``try`` whose every handler catches OpenTracing carrier errors only."""
    if node.orelse is not None or node.finalbody is not None or not node.handlers:
        return False
    for handler in node.handlers:
        if handler.type is None or handler.name is not None:
            return False
        caught = handler.type.elements if isinstance(handler.type, cst.Tuple) else None
        types = [e.value for e in caught] if caught is not None else [handler.type]
        for kind in types:
            if not transform.model.qualified_names(kind) & PROPAGATION_ERRORS:
                return False
    return True


def _plan_kinds(transform: LegacyTransform, plan: StoredPlan, flow: Flow) -> None:
    """``span.kind`` tags set after a stored scope's creation move into it (``span_kind.py``):
    the store between them cannot observe the kind."""
    module = transform.state.wrapper.module
    blocks = [n for n in walk(module) if isinstance(n, (cst.IndentedBlock, cst.Module))]
    for block in blocks:
        body = list(block.body)
        for number, statement in enumerate(body):
            binding = plan.bindings.get(statement)  # type: ignore[call-overload]  # any statement
            receiver: Optional[tuple[str, ...]] = None
            if binding is not None and statement in flow.bindings:
                receiver = (binding[0], "span")
            elif statement in flow.direct:  # type: ignore[operator]  # any statement
                target = sole_assignment(statement)
                owner = _dotted(target.targets[0].target) if target is not None else None
                receiver = None if owner is None else (*owner, "span")
            if receiver is not None:
                following = _following(plan, blocks, block, body[number + 1 :])
                call = statement.body[0].value  # type: ignore[attr-defined]  # a binding: Assign
                _plan_tags(transform, plan_of(transform), call, receiver, following)


def _following(
    plan: StoredPlan,
    blocks: Sequence[Union[cst.IndentedBlock, cst.Module]],
    block: Union[cst.IndentedBlock, cst.Module],
    rest: Sequence[cst.BaseStatement],
) -> list[cst.BaseStatement]:
    """The statements after a binding, through the end of an unwrapped ``try`` body, without
    the stores of the scope."""
    found = [s for s in rest if not _is_store(plan, s)]
    if rest:
        return found
    for outer in blocks:
        statements = list(outer.body)
        for number, statement in enumerate(statements):
            if statement in plan.unwrap and statement.body is block:  # type: ignore[attr-defined]  # a Try
                return [*found, *(s for s in statements[number + 1 :] if not _is_store(plan, s))]
    return found


def _is_store(plan: StoredPlan, statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    node = small.value if isinstance(small, cst.Expr) else small
    return node in plan.stores


# -- rewriting -------------------------------------------------------------------------------
class StoredScopes(LegacyTransform):
    DESCRIPTION = "Scopes stored on an object and closed elsewhere: a span and a context token."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        #: flows whose parts are all converted in this pass
        self._live: set[int] = set()

    def visit_Module(self, node: cst.Module) -> None:
        plan = stored_plan(self)
        for flow in plan.flows:
            if any(self.kept(part) for part in flow.parts()):
                for part in flow.parts():
                    if not self.kept(part):
                        self.flag(part, "kept-flow", KEPT)
            else:
                self._live.add(id(flow))

    def _flow_of_statement(self, node: cst.SimpleStatementLine) -> bool:
        plan = stored_plan(self)
        return any(
            id(flow) in self._live
            and (node in flow.bindings or node in flow.closes or node in flow.direct)
            for flow in plan.flows
        )

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        plan = stored_plan(self)
        if original_node not in plan.reads or not self._live_read(original_node):
            return updated_node
        span = plan.reads[original_node]
        if span is not None:
            return cst.Name(span)
        return _item(updated_node.value, 0)

    def _live_read(self, node: cst.Attribute) -> bool:
        return any(id(f) in self._live and node in f.reads for f in stored_plan(self).flows)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.FlattenSentinel[cst.SimpleStatementLine]]:
        if not self._flow_of_statement(original_node):
            return updated_node
        plan = stored_plan(self)
        if original_node in plan.bindings:
            return self._binding(original_node, updated_node)
        if original_node in plan.direct:
            return self._direct(original_node, updated_node)
        close = updated_node.body[0]
        assert isinstance(close, cst.Expr) and isinstance(close.value, cst.Call)
        assert isinstance(close.value.func, cst.Attribute)
        scope = close.value.func.value
        self.rewrote()
        end = cst.Call(cst.Attribute(_item(scope, 0), cst.Name("end")))
        detach = self.expr(original_node, "{otel_context}.detach(TOKEN)", TOKEN=_item(scope, 1))
        return cst.FlattenSentinel(
            [
                updated_node.with_changes(body=[cst.Expr(end)]),
                cst.SimpleStatementLine([cst.Expr(detach)]),
            ]
        )

    def _direct(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.FlattenSentinel[cst.SimpleStatementLine]]:
        """``obj.attr = <creation>``: the span made first, then the pair stored."""
        span = stored_plan(self).direct[original]
        small = updated.body[0]
        call = small.value.args[2].value if isinstance(small, cst.Expr) else small.value  # type: ignore[attr-defined]  # _store: a setattr call or an assignment
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "start_span"
        ):
            return updated  # the creation was not converted (flagged there)
        self.rewrote()
        made = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(cst.Name(span))], call)],
            leading_lines=updated.leading_lines,
        )
        pair = self.expr(
            original,
            "(SPAN, {otel_context}.attach({trace}.set_span_in_context(SPAN)))",
            SPAN=cst.Name(span),
        )
        if isinstance(small, cst.Expr):
            assert isinstance(small.value, cst.Call)
            args = list(small.value.args)
            args[2] = args[2].with_changes(value=pair)
            stored: cst.BaseSmallStatement = small.with_changes(
                value=small.value.with_changes(args=args)
            )
        else:
            stored = small.with_changes(value=pair)  # type: ignore[call-arg]  # an Assign
        return cst.FlattenSentinel(
            [made, updated.with_changes(body=[stored], leading_lines=[])]
        )

    def _binding(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.FlattenSentinel[cst.SimpleStatementLine]]:
        scope, span = stored_plan(self).bindings[original]
        small = updated.body[0]
        assert isinstance(small, cst.Assign)
        call = small.value
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "start_span"
        ):
            return updated  # the creation was not converted (flagged there)
        self.rewrote()
        made = small.with_changes(targets=[cst.AssignTarget(cst.Name(span))])
        pair = self.expr(
            original,
            "(SPAN, {otel_context}.attach({trace}.set_span_in_context(SPAN)))",
            SPAN=cst.Name(span),
        )
        stored = cst.Assign([cst.AssignTarget(cst.Name(scope))], pair)
        return cst.FlattenSentinel(
            [updated.with_changes(body=[made]), cst.SimpleStatementLine([stored])]
        )


def _item(value: cst.BaseExpression, number: int) -> cst.Subscript:
    """``value[number]``: the span (0) or the token (1) of a stored pair."""
    return cst.Subscript(value, [cst.SubscriptElement(cst.Index(cst.Integer(str(number))))])
