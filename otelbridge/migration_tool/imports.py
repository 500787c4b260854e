"""Import removal that keeps the comments of the import lines it deletes."""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


class RemoveImportsKeepingComments(RemoveImportsVisitor):
    """LibCST's unused-import removal, except that comments above or beside a removed import line
    move to the next statement (or the end of the block) instead of vanishing."""

    def __init__(self, context, unused_imports=()) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, unused_imports)
        self._orphans: list[cst.EmptyLine] = []
        self._receiver: Optional[cst.CSTNode] = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._orphans and self._receiver is None and isinstance(node, _STATEMENTS):
            self._receiver = node
        return super().on_visit(node)

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel]:
        result = super().on_leave(original_node, updated_node)
        if isinstance(result, cst.SimpleStatementLine) and not result.body:
            assert isinstance(original_node, cst.SimpleStatementLine)
            self._orphans.extend(line for line in original_node.leading_lines if line.comment)
            trailing = original_node.trailing_whitespace.comment
            if trailing is not None:
                self._orphans.append(cst.EmptyLine(comment=trailing))
            if original_node is self._receiver:
                self._receiver = None
        elif original_node is self._receiver and isinstance(result, cst.CSTNode):
            result = result.with_changes(leading_lines=[*self._orphans, *result.leading_lines])  # type: ignore[attr-defined]
            self._orphans, self._receiver = [], None
        elif (
            isinstance(result, (cst.Module, cst.IndentedBlock))
            and self._orphans
            and self._receiver is None
        ):
            result = result.with_changes(footer=[*result.footer, *self._orphans])
            self._orphans = []
        return result
