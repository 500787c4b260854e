"""Dependency specs: ``opentracing`` among a ``setup()``'s requirements → ``opentelemetry-api``.

Migrated code imports the OpenTelemetry API only (``opentelemetry.trace``, ``propagate``...), so
that is what a library needs at install time; the application that configures tracing adds an
SDK. OpenTracing's version bounds mean nothing for the API and are dropped; extras of
``opentracing`` (``[tests]``) too; an environment marker is kept. Only the requirement lists of
``setup()`` (``install_requires``, ``extras_require``, ``tests_require``, ``setup_requires``,
directly or through a module-level name) are read: ``keywords=['opentracing']`` or the
project's own name stay as they are. Each rewrite is reported (a note, no marker).
"""

from __future__ import annotations

import os
import re
from typing import Iterator

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.findings import Finding
from otelbridge.migration_tool.transforms.base import LegacyTransform

SETUP_CALLS = frozenset({"setuptools.setup", "distutils.core.setup"})
REQUIREMENT_KEYWORDS = frozenset(
    {"install_requires", "extras_require", "tests_require", "setup_requires"}
)
#: PEP 508, as far as a legacy requirement needs: name, extras, version specifiers, marker.
_LEGACY_SPEC = re.compile(r"^\s*opentracing\s*(\[[^\]]*\])?\s*([<>=!~][^;]*)?(?P<marker>;.*)?$")
REPLACEMENT = "opentelemetry-api"
NOTE = (
    "requirement `{old}` replaced by `{new}`: the migrated code needs the OpenTelemetry API only; "
    "the application that configures tracing also installs an SDK (`otelbridge` or "
    "`opentelemetry-sdk`)"
)


class Requirements(LegacyTransform):
    DESCRIPTION = "OpenTracing requirements of setup() to the OpenTelemetry API."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._specs: set[cst.SimpleString] = set()

    def visit_Module(self, node: cst.Module) -> None:
        if os.path.basename(self.state.context.filename or "") != "setup.py":
            return
        bound = _module_bindings(node)
        for call in _calls(node):
            if not self.model.qualified_names(call.func) & SETUP_CALLS:
                continue
            for item in call.args:
                if item.keyword is not None and item.keyword.value in REQUIREMENT_KEYWORDS:
                    self._specs.update(_strings(item.value, bound, set()))

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        if original_node not in self._specs:
            return updated_node
        value = original_node.evaluated_value
        match = _LEGACY_SPEC.match(value) if isinstance(value, str) else None
        if match is None:
            return updated_node
        new = REPLACEMENT + (match.group("marker") or "")
        self.rewrote()
        line, column = self.state.position(original_node)
        finding = Finding("requirements", NOTE.format(old=value.strip(), new=new), line, column)
        if finding not in self.state.findings:
            self.state.findings.append(finding)
        quote = original_node.quote
        return updated_node.with_changes(value=f"{original_node.prefix}{quote}{new}{quote}")


def _module_bindings(module: cst.Module) -> dict[str, list[cst.BaseExpression]]:
    """Module-level ``name = value`` bindings (requirement lists are usually named)."""
    bound: dict[str, list[cst.BaseExpression]] = {}
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            bound.setdefault(target.target.value, []).append(small.value)
    return bound


def _calls(node: cst.CSTNode) -> Iterator[cst.Call]:
    """Calls at module level or under ``if __name__ == ...``-style blocks (not in functions)."""
    for child in node.children:
        if isinstance(child, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(child, cst.Call):
            yield child
        yield from _calls(child)


def _strings(
    node: cst.BaseExpression, bound: dict[str, list[cst.BaseExpression]], seen: set[str]
) -> Iterator[cst.SimpleString]:
    """The string literals a requirements value is made of (lists, dicts of lists, ``+``,
    names bound at module level)."""
    if isinstance(node, cst.SimpleString):
        yield node
    elif isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        for element in node.elements:
            yield from _strings(element.value, bound, seen)
    elif isinstance(node, cst.Dict):
        for entry in node.elements:
            if isinstance(entry, cst.DictElement):
                yield from _strings(entry.value, bound, seen)
    elif isinstance(node, cst.BinaryOperation):
        yield from _strings(node.left, bound, seen)
        yield from _strings(node.right, bound, seen)
    elif isinstance(node, cst.Name) and node.value not in seen:
        seen.add(node.value)
        for value in bound.get(node.value, ()):
            yield from _strings(value, bound, seen)
