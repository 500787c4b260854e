"""What the opentracing-instrumentation transforms share (``request_context.py``,
``local_span.py``): they act only in a module that spells the library, and only on its own names
(not on a project that ships ``opentracing_instrumentation`` itself), and some of its calls map
only as the whole item of a ``with``."""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.transforms.base import LegacyTransform
from otelbridge.migration_tool.transforms.integration_args import defined_in_project


class InstrumentationTransform(LegacyTransform):
    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        #: calls that are the whole item of a ``with``
        self._with_items: set[cst.Call] = set()
        #: whether the module may use the library at all (most do not: no name is asked)
        self._active = False

    def visit_Module(self, node: cst.Module) -> None:
        self._active = self.spells("opentracing_instrumentation")

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if isinstance(node.item, cst.Call):
            self._with_items.add(node.item)

    def named(self, node: cst.BaseExpression, names: frozenset[str]) -> bool:
        """Whether ``node`` names one of the library's ``names``."""
        found = self.model.qualified_names(node) & names
        return bool(found) and not any(defined_in_project(self, name) for name in found)
