"""``start_active_span``/``start_span`` → ``start_as_current_span``/``start_span``.

``with tracer.start_active_span(...) as scope:`` becomes
``with tracer.start_as_current_span(...) as span:`` and every ``scope.span`` in the block becomes
``span``. So does a ``scope.span`` after the block when nothing else binds ``scope``: Python
keeps the span's name bound there as it kept the scope's (the span is then named after the scope,
``scope_span``, so that another block's ``span`` cannot shadow it). A scope used any other way, or
after its block other than as ``.span``, escapes: that ``with`` is left alone and marked (and kept
on OpenTracing, see ``legacy.py``).
"""

from __future__ import annotations

from typing import Optional, Sequence, Union

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import Scope

from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.transforms.arguments import (
    Review,
    attribute_name,
    keyword,
    map_creation_args,
)
from otelbridge.migration_tool.transforms.base import LegacyTransform
from otelbridge.migration_tool.transforms.kind_parameter import (
    appended,
    pass_kind,
    returned_by_helper,
    with_kind_parameter,
)
from otelbridge.migration_tool.transforms.scope_parameters import (
    handed_scopes,
    scope_parameter_reads,
)
from otelbridge.migration_tool.transforms.scopes import (
    HeldScope,
    activated_span,
    binding_statements,
    close_statements,
    is_scope_call,
    plan_held,
)
from otelbridge.migration_tool.transforms.span_kind import plan_block, plan_of
from otelbridge.migration_tool.transforms.stored_scopes import stored_plan
from otelbridge.migration_tool.walk import walk

ESCAPES = "scope escapes its with block (used other than as `.span`)"
SCOPE_PARAMETER = (
    "scope parameter used other than as `.span` (or handed to another scope parameter): it stays "
    "a scope, and so do its callers' scopes"
)
HELD_ESCAPES = (
    "scope kept in a variable and used other than as `.span` and one `.close()` in its block: "
    "the scope escapes"
)
UNKNOWN_TRACER = "tracer of unknown type (a parameter, or imported): not rewritten"


class _SpanUses:
    """Inside a ``with`` body: every use of ``name`` and which of them are ``name.span``."""

    def __init__(self, name: str, body: cst.CSTNode) -> None:
        self.name = name
        self.uses: set[cst.Name] = set()
        self.span_attrs: dict[cst.Name, cst.Attribute] = {}
        for node in walk(body):
            if isinstance(node, cst.Name) and node.value == name:
                self.uses.add(node)
            elif (
                isinstance(node, cst.Attribute)
                and isinstance(node.value, cst.Name)
                and node.value.value == name
                and node.attr.value == "span"
            ):
                self.span_attrs[node.value] = node


class SpanCreation(LegacyTransform):
    DESCRIPTION = "OpenTracing span creation to OpenTelemetry span creation."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        #: start_active_span calls that are ``with`` items we convert -> new ``as`` name
        self._current: dict[cst.Call, Optional[str]] = {}
        #: ``as`` targets by node (looked up with any ``AsName.name``)
        self._targets: dict[cst.BaseExpression, str] = {}
        self._renames: dict[cst.Attribute, str] = {}
        self._dropped: set[cst.CSTNode] = set()
        self._escapes: dict[cst.Call, str] = {}
        #: renames applied only once the call itself converted: (as target, dropped stmt, the
        #: ``scope.span`` reads and the scope handed to project parameters that take its span)
        self._plans: dict[
            cst.Call,
            tuple[cst.Name, Optional[cst.CSTNode], list[cst.Attribute], set[cst.Name]],
        ] = {}
        #: a converted scope handed to a scope parameter -> the span name it is handed as
        self._handed: dict[cst.Name, str] = {}
        #: ``param.span`` reads of scope parameters that take the span instead (the parameter)
        self._parameter_reads: set[cst.Attribute] = set()
        #: uses of scope parameters that keep them scopes
        self._scope_parameter_uses: set[cst.Name] = set()
        #: ``scope.span`` reads after the block of a scope bound only there: renamed with the block
        self._late: set[cst.Name] = set()
        #: (scope, name) of converted scopes whose block has ended -> a later use is unsafe
        self._closed: dict[tuple[Scope, str], cst.With] = {}
        #: (scope, span name) chosen by the converted blocks we are in, and how many per block
        self._open: list[tuple[Optional[Scope], str]] = []
        self._opened: dict[cst.With, int] = {}
        #: scopes held in a variable (``scopes.py``), by their call, binding and close statement
        self._held: dict[cst.CSTNode, HeldScope] = {}
        #: of those, the ones whose call converted
        self._held_done: set[HeldScope] = set()
        #: values of ``return`` statements (a helper's ``return tracer.start_span(...)``)
        self._returned: set[cst.BaseExpression] = set()
        #: calls that are the whole value of an assignment to one name -> that name
        self._bound: dict[cst.BaseExpression, str] = {}

    # -- decisions, on the way down ---------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self._plan(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._plan(node.body)

    def _plan(self, body: Sequence[cst.BaseStatement]) -> None:
        plan_block(self, body)
        for held in plan_held(self, body):
            if not self.kept(held.call):
                self._held.update({held.call: held, held.binding: held, held.close: held})
                self._held.update(dict.fromkeys(held.span_reads, held))

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._returned.add(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._bound[node.value] = node.targets[0].target.value

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            call = item.item
            if not (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in ("start_active_span", "activate")
            ):
                continue
            target = item.asname.name if item.asname is not None else None
            uses = _SpanUses(target.value, node.body) if isinstance(target, cst.Name) else None
            late: dict[cst.Name, cst.Attribute] = {}
            if uses is not None:
                assert isinstance(target, cst.Name)
                if call.func.attr.value == "start_active_span":  # ``activate``'s span is named
                    late = self._late_span_reads(target, uses)
                uses.uses.update(late)
                uses.span_attrs.update(late)
                self._pin(target, call, uses)
            if not is_scope_call(self, call):
                continue
            if target is None:
                self._current[call] = None
                continue
            if uses is None:
                self._escapes[call] = ESCAPES
                continue
            assert isinstance(target, cst.Name)
            scope = self.model.scope(target)
            if scope is not None:
                self._closed.pop((scope, target.value), None)
            others = uses.uses - set(uses.span_attrs)
            handed = handed_scopes(self, others, node.body) if others else set()
            if others - handed:
                self._escapes[call] = ESCAPES
                continue
            given = activated_span(call)[0] if call.func.attr.value == "activate" else None
            name: Optional[str]
            if given is not None and isinstance(given.value, cst.Name):
                name, drop = given.value.value, None  # ``as`` binds the span it already names
            else:
                name, drop = self._span_name(node, target, uses, bool(late))
            if name is None:
                self._escapes[call] = "no free name for the span variable"
                continue
            self._current[call] = name
            self._plans[call] = (target, drop, list(uses.span_attrs.values()), handed)
            self._late.update(late)

    def _late_span_reads(self, target: cst.Name, uses: _SpanUses) -> dict[cst.Name, cst.Attribute]:
        """The reads of ``target`` after its block, by their ``target.span``, when every one is a
        ``.span`` and the ``with`` is the only binding of the name in its scope; else none."""
        scope = self.model.scope(target)
        where = getattr(scope, "node", None)
        if scope is None or where is None or len(scope.assignments[target.value]) != 1:
            return {}
        later = {access.node for access in scope.accesses[target.value]} - uses.uses
        if not later:
            return {}
        reads = {
            node.value: node
            for node in walk(where)
            if isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value in later
            and node.attr.value == "span"
        }
        return reads if set(reads) == later else {}

    def _pin(self, target: cst.Name, call: cst.Call, uses: _SpanUses) -> None:
        """In its block, the ``as`` name is bound by the ``with`` alone, unless the block rebinds
        it: tell the model, which otherwise sees every binding of the name in the function."""
        scope = self.model.scope(target)
        if all(
            self.model.assignment_of(use) is None and self.model.scope(use) is scope
            for use in uses.uses
        ):
            for use in uses.uses:
                self.model.pin(use, call)

    def _span_name(
        self, node: cst.With, target: cst.Name, uses: _SpanUses, read_later: bool = False
    ) -> tuple[Optional[str], Optional[cst.CSTNode]]:
        """``span``, or the name of a leading ``x = scope.span`` (then dropped); ``scope_span``
        when the span is read after the block."""
        body = node.body.body
        first = body[0] if len(body) > 1 else None
        if (
            not read_later
            and isinstance(first, cst.SimpleStatementLine)
            and len(first.body) == 1
            and isinstance(first.body[0], cst.Assign)
            and len(first.body[0].targets) == 1
            and isinstance(first.body[0].targets[0].target, cst.Name)
            and first.body[0].value in uses.span_attrs.values()
        ):
            return first.body[0].targets[0].target.value, first
        scope = self.model.scope(target)
        named = [target.value] if "span" in target.value.lower() else []  # ``as child_span``
        common = () if read_later else ("span", *named)
        for candidate in (*common, *(f"{target.value}_span{n or ''}" for n in range(10))):
            if (scope, candidate) in self._open:
                continue  # an enclosing block's span: the inner one would shadow it
            if scope is None or not scope[candidate] or candidate == target.value:
                self._open.append((scope, candidate))
                self._opened[node] = self._opened.get(node, 0) + 1
                return candidate, None
        return None, None

    def visit_Name(self, node: cst.Name) -> None:
        if node in self._scope_parameter_uses:
            self.flag(node, "scope-parameter", SCOPE_PARAMETER)
        if not self._closed:
            return
        scope = self.model.scope(node)
        key = (scope, node.value)
        if scope is None or key not in self._closed or node in self._late:
            return
        if self.model.assignment_of(node) is not None:  # rebound: later uses are not ours
            del self._closed[key]
        elif any(access.node is node for access in scope.accesses[node.value]):
            # the with block converted in this pass is kept on OpenTracing in the next one
            self.flag(node, "scope-escapes", "scope used after its with block")

    # -- rewrites, on the way up ------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "activate":
            return self._activate(original_node, updated_node)
        if not isinstance(func, cst.Attribute) or func.attr.value not in (
            "start_span",
            "start_active_span",
        ):
            if original_node in plan_of(self).moves and not self.kept(original_node):
                return self._project_creation(original_node, updated_node)
            return updated_node
        owner = self.kind(func.value)
        if self.kept(original_node):
            return updated_node
        if owner is Kind.UNKNOWN:
            self.flag(original_node, "unknown-tracer", UNKNOWN_TRACER)
            return updated_node
        if owner is not Kind.TRACER:
            return updated_node
        held = self._held.get(original_node)
        stored = original_node in stored_plan(self).creations
        current = func.attr.value == "start_active_span" and held is None and not stored
        if current and original_node not in self._current:
            reason = self._escapes.get(
                original_node, "start_active_span outside a with statement: the scope escapes"
            )
            self.flag(original_node, "scope-escapes", reason)
            return updated_node
        try:
            args = map_creation_args(
                self, original_node, updated_node, current, held is not None or stored
            )
        except Review as review:
            self.flag(original_node, "span-arguments", str(review))
            self._current.pop(original_node, None)
            return updated_node
        self.rewrote()
        args = self._kind_from_tag(original_node, args)
        returned = original_node in self._returned
        if returned_by_helper(self, original_node, returned, self._bound.get(original_node)):
            args = pass_kind(self, original_node, args)
        if held is not None:
            self._held_done.add(held)
        self._apply_plan(original_node)
        assert isinstance(updated_node.func, cst.Attribute)
        method = "start_as_current_span" if current else "start_span"
        return updated_node.with_changes(
            func=updated_node.func.with_changes(attr=cst.Name(method)), args=args
        )

    def _apply_plan(self, call: cst.Call) -> None:
        """The ``as`` name of a converted ``with`` item becomes the span's, ``scope.span`` too."""
        if call not in self._plans:
            return
        target, drop, attrs, handed = self._plans.pop(call)
        name = self._current[call]
        assert name is not None
        self._targets[target] = name
        if drop is not None:
            self._dropped.add(drop)
        for attr in attrs:
            self._renames[attr] = name
        self._handed.update(dict.fromkeys(handed, name))

    def _activate(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``scope_manager.activate(span, finish_on_close)``: ``trace.use_span`` as a ``with``
        item, the attached context when held (``scopes.py``); anywhere else the scope escapes."""
        if not is_scope_call(self, original):
            return updated
        span, finish = activated_span(original)
        held = self._held.get(original)
        if span is None or finish is None or len(original.args) != 2:
            self.flag(original, "scope-arguments", "scope_manager.activate() arguments")
        elif self.kind(span.value) not in (Kind.SPAN, Kind.CURRENT_SPAN):
            self.flag(original, "scope-span", "activated span is not provably an OpenTracing span")
        elif held is not None:
            self.rewrote()
            self._held_done.add(held)
        elif original in self._current:
            self.rewrote()
            self._apply_plan(original)
            new_span, new_finish = (updated.args[original.args.index(a)] for a in (span, finish))
            return self.expr(
                original,
                "{trace}.use_span(SPAN, end_on_exit=FINISH)",
                SPAN=new_span.value,
                FINISH=new_finish.value,
            )
        else:
            self.flag(original, "scope-escapes", self._escapes.get(original, HELD_ESCAPES))
        return updated

    def _project_creation(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """A project helper's call whose span's kind is tagged right after: ``kind=`` instead
        (``kind_parameter.py``)."""
        args = self._kind_from_tag(original, list(updated.args))
        self.rewrote()
        return updated.with_changes(args=args)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        reads, kept = scope_parameter_reads(self, node)
        self._parameter_reads.update(reads)
        self._scope_parameter_uses.update(kept)  # flagged where visited: in their statements

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        return with_kind_parameter(self, original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        name = self._handed.get(original_node)
        return updated_node.with_changes(value=name) if name is not None else updated_node

    def _kind_from_tag(self, call: cst.Call, args: list[cst.Arg]) -> list[cst.Arg]:
        """``kind=`` from a ``span.kind`` tag set right after (``span_kind.py``)."""
        plan = plan_of(self)
        move = plan.moves.get(call)
        if move is None or any(a.keyword is not None and a.keyword.value == "kind" for a in args):
            return args
        tag, statement, member = move
        plan.moved.add(tag)
        if attribute_name(self, "span.kind") is None:  # else it stays, as the attribute
            self._dropped.add(statement)
        kind = keyword("kind", self.expr(call, "{trace}.SpanKind." + member))
        return appended(args, kind)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if original_node in self._parameter_reads:  # a scope parameter given the span now
            self.rewrote()
            return updated_node.value
        name = self._renames.get(original_node)
        held = self._held.get(original_node)
        if name is None and held in self._held_done:
            assert held is not None
            name = held.span_name
        return cst.Name(name) if name is not None else updated_node

    def leave_AsName(self, original_node: cst.AsName, updated_node: cst.AsName) -> cst.AsName:
        name = self._targets.get(original_node.name)
        return updated_node.with_changes(name=cst.Name(name)) if name is not None else updated_node

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.With:
        opened = self._opened.pop(original_node, 0)
        if opened:
            del self._open[-opened:]
        for item in original_node.items:
            asname = item.asname
            if (
                item.item in self._current
                and asname is not None
                and isinstance(asname.name, cst.Name)
            ):
                scope = self.model.scope(asname.name)
                if scope is not None:
                    self._closed[(scope, asname.name.value)] = original_node
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[
        cst.SimpleStatementLine, cst.RemovalSentinel, cst.FlattenSentinel[cst.SimpleStatementLine]
    ]:
        if original_node in self._dropped:
            return cst.RemoveFromParent()
        held = self._held.get(original_node)
        if held is None or held not in self._held_done:
            return updated_node
        if original_node is held.binding:
            return cst.FlattenSentinel(binding_statements(self, held, updated_node))
        return cst.FlattenSentinel(close_statements(self, held, updated_node))
