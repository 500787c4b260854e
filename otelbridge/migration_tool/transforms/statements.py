"""Which calls stand alone as expression statements (their result is unused)."""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.transforms.base import LegacyTransform


class StatementAware(LegacyTransform):
    """Tracks calls whose value is discarded: only those may change their return value."""

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._discarded: set[cst.CSTNode] = set()

    def visit_Expr(self, node: cst.Expr) -> None:
        self._discarded.add(node.value)

    def discarded(self, node: cst.CSTNode) -> bool:
        return node in self._discarded
