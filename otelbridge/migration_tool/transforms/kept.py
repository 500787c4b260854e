"""Applying a partial-conversion plan (``legacy.py``): kept sites keep working on OpenTracing.

Frozen origins are left alone by every transform (the model reports them ``LEGACY``); here they
get their marker, and converted tracer variables holding the global tracer, used at kept sites,
become the OpenTracing global tracer, which otelbridge's bridge serves from the same provider as
the converted code. Held tracer variables (no global stand-in) are left as written.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.legacy import PLAN_KEY, PREVIOUS, Plan
from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.state import Flag
from otelbridge.migration_tool.transforms.base import LegacyTransform

KEPT = "kept on OpenTracing (served by the otelbridge bridge): a use of it could not be converted"
#: A tracer variable with no global stand-in (``legacy.py``): kept with the tracer it holds.
HELD = (
    "kept on OpenTracing with the tracer it holds (a MockTracer or a tracer it was given: the "
    "global tracer cannot stand in for it): a use of it could not be converted"
)

#: A kept span's ``finish()`` (the span's own marker, where it starts, says why it is kept).
FINISHED = "ends a span kept on OpenTracing (its start is marked with the reason)"

#: How much of the site that holds an object back its marker quotes.
_QUOTED = 60


def _named(cause: Optional[cst.CSTNode]) -> str:
    """``: `site```, the first code line of the flagged site that keeps an object on
    OpenTracing (shortened), for the object's marker; nothing when there is none."""
    if cause is None:
        return ""
    if isinstance(cause, cst.SimpleStatementLine):  # its code, without comments
        cause = cause.with_changes(leading_lines=(), trailing_whitespace=cst.TrailingWhitespace())
    lines = [line.strip() for line in cst.Module([]).code_for_node(cause).splitlines()]
    code = next((line for line in lines if line and not line.startswith("#")), "")
    if not code:
        return ""
    if len(code) > _QUOTED or len(lines) > 1:
        code = code[: _QUOTED - 1].rstrip() + "…"
    return f": `{code}`"


#: The nodes :class:`KeptSites` visits (``leave_Name``, ``leave_Attribute``, ``leave_Call``).
_REACHED = (cst.Name, cst.Attribute, cst.Call)


class KeptSites(LegacyTransform):
    DESCRIPTION = "Keep unconvertible sites, and the objects they use, on OpenTracing."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._plan: Plan = context.scratch.get(PLAN_KEY) or Plan()
        self.model.frozen = self._plan.frozen
        self.model.held = self._plan.held
        self.state.previous = self._plan.previous
        #: flags of the plan with no statement yet (``flows.kept_sinks``): flagged when reached
        self._pending: dict[cst.CSTNode, list[Flag]] = {}
        for flag in self._plan.flags:  # earlier passes' markers (the site may not flag again)
            if flag.rule == PREVIOUS:  # marked by an earlier run: reported there already
                continue
            if flag.statement is None and isinstance(flag.node, _REACHED):
                self._pending.setdefault(flag.node, []).append(flag)
            else:
                self.state.flag(flag.node, flag.rule, flag.reason, flag.statement)
        #: frozen origins that are flagged sites already need no second marker
        self._explained = self._plan.explained | {flag.node for flag in self._plan.flags}

    def _keep(
        self, original: cst.BaseExpression, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        for flag in self._pending.pop(original, ()):
            self.flag(original, flag.rule, flag.reason)  # marked above the statement it is in
        if original in self._plan.frozen:
            if original not in self._explained:
                reason = HELD if original in self._plan.held else KEPT
                self.flag(original, "kept", reason + _named(self._plan.causes.get(original)))
        elif original in self._plan.swaps and self.kind(original) is Kind.TRACER:
            self.rewrote()  # the import it needs is added only to files with rewrites
            name = self.otel(original, "opentracing", "global_tracer")
            return cst.Call(cst.Name(name)).with_changes(lpar=updated.lpar, rpar=updated.rpar)
        return updated

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._keep(original_node, updated_node)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return self._keep(original_node, updated_node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "finish"
            and self.kind(func.value) is Kind.LEGACY
            and original_node not in self._explained
        ):
            # a kept span's finish(): its name is too generic for the leftover markers
            # (``engine/residue.py`` knows ``finish`` only on receivers named like spans)
            self.flag(original_node, "kept", FINISHED)
        return self._keep(original_node, updated_node)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        for flags in self._pending.values():  # not reached: reported, if not marked
            for flag in flags:
                self.state.flag(flag.node, flag.rule, flag.reason)
        return updated_node
