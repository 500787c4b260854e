"""The global tracer and the active span.

``opentracing.global_tracer()``/``opentracing.tracer`` → ``trace.get_tracer(__name__)``;
OpenTracing's no-op ``opentracing.Tracer()`` → ``trace.NoOpTracer()``;
``tracer.active_span`` → ``trace.get_current_span()``, whose ``is None`` checks and truth tests
(``if span:``, ``while not span``, either side of ``and``/``or`` there) become validity checks
(OpenTelemetry returns an invalid span, never ``None``). So do those of an extracted context
(``ctx = tracer.extract(...)``; ``if ctx is not None``): OpenTracing gave ``None`` when the carrier
held no parent, ``propagate.extract`` gives a context whose span is invalid then, so the test
becomes ``trace.get_current_span(ctx).get_span_context().is_valid``.
"""

from __future__ import annotations

from typing import Iterator, Optional, Union

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.names import (
    GLOBAL_TRACER_ATTRS,
    GLOBAL_TRACER_CALLS,
    NOOP_TRACER_CALLS,
)
from otelbridge.migration_tool.transforms.base import LegacyTransform, arg, literal


def truth_tests(test: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The parts of an ``if``/``while`` test read for their truth alone: the test, what ``not``
    negates, and both sides of ``and``/``or`` (whose value only the test reads)."""
    if isinstance(test, cst.BooleanOperation):
        yield from truth_tests(test.left)
        yield from truth_tests(test.right)
    elif isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        yield from truth_tests(test.expression)
    else:
        yield test


#: what may be ``None`` on OpenTracing -> its validity once migrated (never ``None`` there)
VALIDITY = {
    Kind.CURRENT_SPAN: "VALUE.get_span_context().is_valid",
    Kind.EXTRACTED: "{trace}.get_current_span(VALUE).get_span_context().is_valid",
}


def truth_tested_spans(
    transform: LegacyTransform, test: cst.BaseExpression
) -> Iterator[Union[cst.Name, cst.Attribute]]:
    """The current spans and extracted contexts among the :func:`truth_tests` of ``test``:
    their validity instead."""
    for part in truth_tests(test):
        if not isinstance(part, (cst.Name, cst.Attribute)):
            continue
        if transform.kind(part) in VALIDITY:
            yield part


#: OpenTracing calls that start a span
CREATIONS = frozenset({"start_span", "start_active_span"})


def parent_or_none(call: cst.Call) -> Optional[cst.IfExp]:
    """``child_of=parent.context if parent else None`` (or ``is not None``) of a span creation.

    Its truth test of a current span is harmless: OpenTelemetry's is never ``None``, but an
    invalid parent starts a root span, as ``context=None`` does when nothing is current."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in CREATIONS:
        return None
    given = arg(call, "child_of", 1)
    choice = given.value if given is not None else None
    if not isinstance(choice, cst.IfExp) or not isinstance(choice.orelse, cst.Name):
        return None
    test, body = choice.test, choice.body
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        compared = test.comparisons[0]
        none = isinstance(compared.comparator, cst.Name) and compared.comparator.value == "None"
        test = test.left if none and isinstance(compared.operator, cst.IsNot) else test
    if isinstance(body, cst.Attribute) and body.attr.value == "context":
        body = body.value
    same = isinstance(test, cst.Name) and isinstance(body, cst.Name) and test.value == body.value
    return choice if same and choice.orelse.value == "None" else None


def none_check(transform: LegacyTransform, comparison: cst.Comparison) -> Optional[Kind]:
    """The kind of what ``comparison`` checks for ``None`` (``x is None``, ``x is not None``)
    when it has a :data:`VALIDITY` instead."""
    if len(comparison.comparisons) != 1:
        return None
    target = comparison.comparisons[0]
    if not (
        isinstance(target.comparator, cst.Name)
        and target.comparator.value == "None"
        and isinstance(target.operator, (cst.Is, cst.IsNot))
    ):
        return None
    kind = transform.kind(comparison.left)
    return kind if kind in VALIDITY else None


class TracerAccess(LegacyTransform):
    DESCRIPTION = "OpenTracing global tracer and active span to OpenTelemetry."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._stores: set[cst.CSTNode] = set()
        #: current spans an ``if``/``while`` (or ``x if test else y``) tests for truth: their
        #: validity instead
        self._truths: set[cst.BaseExpression] = set()
        #: ``child_of=parent.context if parent else None`` choices (see :func:`parent_or_none`)
        self._parent_choices: set[cst.IfExp] = set()
        #: inside ``from ... import ...`` (its names are not reads)
        self._in_import = 0

    def visit_If(self, node: cst.If) -> None:
        self._truth_test(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._truth_test(node.test)

    def visit_Call(self, node: cst.Call) -> None:
        choice = parent_or_none(node)
        if choice is not None:
            self._parent_choices.add(choice)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        if node not in self._parent_choices:  # a None parent stays None (a root span)
            self._truth_test(node.test)

    def _truth_test(self, test: cst.BaseExpression) -> None:
        self._truths.update(truth_tested_spans(self, test))

    def _valid(
        self, original: cst.BaseExpression, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        """``updated`` (a current span) as its validity, where a test reads ``original``'s truth."""
        if original not in self._truths or self.kept(original):
            return updated
        kind = self.kind(original)
        assert kind is not None
        self.rewrote()
        value = updated.with_changes(lpar=[], rpar=[])
        valid = self.expr(original, VALIDITY[kind], VALUE=value)
        return valid.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1  # its names are bindings, not reads (``imports.py`` tidies them)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        self._in_import -= 1
        return updated_node

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if (
            not self._in_import
            and original_node not in self._stores
            and self.model.is_imported(original_node)
            and self.model.qualified_names(original_node) & GLOBAL_TRACER_ATTRS
            and self.kind(original_node) is Kind.TRACER  # no other binding reaches it
        ):  # ``from opentracing import tracer``: the global tracer, read by name
            return self._get_tracer(original_node)
        return self._valid(original_node, updated_node)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._stores.add(node.target)

    def _get_tracer(self, node: cst.CSTNode) -> cst.BaseExpression:
        self.rewrote()
        return self.expr(node, "{trace}.get_tracer(__name__)")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
        if self.kept(original_node):
            return updated_node
        if (
            (last == "global_tracer" or self.model.is_imported(func))
            and not original_node.args
            and self.model.qualified_names(func) & GLOBAL_TRACER_CALLS
        ):
            return self._get_tracer(original_node)
        if (last == "Tracer" or self.model.is_imported(func)) and self.model.qualified_names(
            func
        ) & NOOP_TRACER_CALLS:
            self.rewrote()
            return self.expr(original_node, "{trace}.NoOpTracer()")
        if (
            last == "getattr"
            and self._global_tracer_read(original_node)
            and self.kind(original_node) is Kind.TRACER  # the model reads it so too
        ):
            return self._get_tracer(original_node)
        return updated_node

    def _global_tracer_read(self, call: cst.Call) -> bool:
        """``getattr(opentracing, "tracer"[, default])``: ``opentracing.tracer`` spelled out (the
        index reads it so, and ``opentracing.tracer`` always exists)."""
        if not 2 <= len(call.args) <= 3 or any(a.keyword or a.star for a in call.args):
            return False
        owner, name = call.args[0].value, literal(call.args[1].value)
        if name != "tracer" or not isinstance(owner, (cst.Name, cst.Attribute)):
            return False
        return any(f"{q}.tracer" in GLOBAL_TRACER_ATTRS for q in self.model.qualified_names(owner))

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        attr = original_node.attr.value
        if self.kept(original_node):
            return updated_node
        if attr == "tracer" and original_node not in self._stores:
            if self.model.qualified_names(original_node) & GLOBAL_TRACER_ATTRS:
                return self._get_tracer(original_node)
        elif attr == "active_span" and self.kind(original_node.value) is Kind.TRACER:
            self.rewrote()
            current = self.expr(original_node, "{trace}.get_current_span()")
            return self._valid(original_node, current)
        return self._valid(original_node, updated_node)

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        kind = none_check(self, original_node)
        if kind is None:
            return updated_node
        self.rewrote()
        valid = self.expr(original_node, VALIDITY[kind], VALUE=updated_node.left)
        if isinstance(original_node.comparisons[0].operator, cst.IsNot):
            return valid.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        return cst.UnaryOperation(cst.Not(), valid, lpar=updated_node.lpar, rpar=updated_node.rpar)
