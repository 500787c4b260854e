"""``opentracing.ext.tags`` constants → their attribute-name strings (and ``opentracing.logs``
constants → their ``log_kv`` key strings)."""

from __future__ import annotations

from typing import Union

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.names import LOGS, TAGS
from otelbridge.migration_tool.transforms.arguments import tag_string
from otelbridge.migration_tool.transforms.base import LegacyTransform


class TagConstants(LegacyTransform):
    DESCRIPTION = "opentracing.ext.tags constants to attribute names."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._in_import = 0

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        self._in_import -= 1
        return updated_node

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        self._in_import -= 1
        return updated_node

    def _constant(
        self, original: Union[cst.Name, cst.Attribute], updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        value = tag_string(self, original)
        if value is None or self._in_import:
            return updated
        self.rewrote()
        return self.string(value).with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return (
            self._constant(original_node, updated_node)
            if original_node.attr.value in TAGS or original_node.attr.value in LOGS
            else updated_node
        )

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return (
            self._constant(original_node, updated_node)
            if original_node.value in TAGS or original_node.value in LOGS
            else updated_node
        )
