"""Per-file state shared by the transforms of one run: model, findings, markers, import names."""

from __future__ import annotations

from typing import AbstractSet, Callable, Mapping, NamedTuple, Optional, TypeVar

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import CodeRange, ImportAssignment, MetadataWrapper, PositionProvider

from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.imports import ImportItem
from otelbridge.migration_tool.model import LegacyModel
from otelbridge.migration_tool.walk import walk

STATE_KEY = "otelbridge.migration"
#: ``context.scratch`` key: ``(ProjectIndex, Module)`` of the file, when a project index was built
PROJECT_KEY = "otelbridge.project"
#: ``context.scratch`` key: the start-up files the project pre-pass gave Django's instrumentation,
#: for this settings module (absent: the pre-pass did not take the module, or no project)
DJANGO_ENTRIES_KEY = "otelbridge.django_entries"
#: ``context.scratch`` key: the attribute names chosen (``otelbridge.semconv`` mode)
SEMCONV_KEY = "otelbridge.semconv"
#: ``context.scratch`` key: the text the module was parsed from (``None`` when not at hand), for
#: the transforms that skip a file quickly when it never spells what they rewrite.
SOURCE_KEY = "otelbridge.source"
STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


class Flag(NamedTuple):
    """A flagged site: the statement its marker goes above, the node, the rule and reason."""

    statement: Optional[cst.CSTNode]
    node: cst.CSTNode
    rule: str
    reason: str


class Unconvertible(Exception):
    """Raised by a transform that discovers, mid-file, that it already rewrote something unsafely.

    The runner leaves the whole file unchanged and reports the reason.
    """


class MigrationState:
    """Everything the transforms of one file share; lives in ``context.scratch``."""

    def __init__(
        self, context: CodemodContext, wrapper: MetadataWrapper, model: LegacyModel
    ) -> None:
        self.context = context
        self.wrapper = wrapper
        self.model = model
        self.findings: list[Finding] = []
        #: every flagged site of this traversal, for the partial-conversion plan (``legacy.py``)
        self.flags: list[Flag] = []
        self.rewrites = 0
        #: innermost statement first: the statement a TODO marker attaches to
        self.statements: list[cst.CSTNode] = []
        self._markers: dict[cst.CSTNode, list[str]] = {}
        self._positions: Optional[Mapping[cst.CSTNode, CodeRange]] = None
        self._quote: Optional[str] = None
        #: legacy imports seen, removed at the end if nothing uses them any more
        self.legacy_imports: list[ImportItem] = []
        #: OpenTelemetry imports the rewrites use, added at the end
        self.needed_imports: list[ImportItem] = []
        #: statements a previous run marked: left as they are, no marker added (``legacy.py``)
        self.previous: AbstractSet[cst.CSTNode] = frozenset()

    @staticmethod
    def of(context: CodemodContext) -> MigrationState:
        state = context.scratch[STATE_KEY]
        assert isinstance(state, MigrationState)
        return state

    @property
    def quote(self) -> str:
        """The quote mark most of the module's one-line strings use (``"`` if none do), so that
        the strings a rewrite writes look like their neighbours."""
        if self._quote is None:
            counts = {'"': 0, "'": 0}
            for node in walk(self.wrapper.module):
                if isinstance(node, cst.SimpleString):
                    body = node.value.lstrip("rbuRBU")
                    if body[:3] not in ('"""', "'''"):
                        counts[body[0]] += 1
            self._quote = "'" if counts["'"] > counts['"'] else '"'
        return self._quote

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        if self._positions is None:  # computed only for files that have findings
            self._positions = self.wrapper.resolve(PositionProvider)
        where = self._positions.get(node)
        return (where.start.line, where.start.column) if where else (0, 0)

    def flag(
        self,
        node: cst.CSTNode,
        rule: str,
        reason: str,
        statement: Optional[cst.CSTNode] = None,
    ) -> None:
        """Record a review-needed site and put a TODO marker above its statement (default: the
        innermost one the traversal is in)."""
        if statement is None and self.statements:
            statement = self.statements[-1]
        self.flags.append(Flag(statement, node, rule, reason))
        line, column = self.position(node)
        finding = Finding(rule, reason, line, column)
        if finding not in self.findings:
            self.findings.append(finding)
        if statement is not None:
            reasons = self._markers.setdefault(statement, [])
            if reason not in reasons:
                reasons.append(reason)

    def add_markers(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:
        reasons = self._markers.pop(original, None)
        if not reasons or not hasattr(updated, "leading_lines") or original in self.previous:
            return updated
        lines = list(updated.leading_lines)
        present = {line.comment.value for line in lines if line.comment is not None}
        for reason in reasons:
            text = TODO_PREFIX + reason
            if text not in present:
                lines.append(cst.EmptyLine(indent=True, comment=cst.Comment(text)))
        return updated.with_changes(leading_lines=lines)

    def otel(self, node: cst.CSTNode, module: str, obj: str) -> str:
        """The local name for ``from <module> import <obj>`` at ``node``, scheduling the import.

        Uses ``otel_<obj>`` when ``<obj>`` already names something else where it is used.
        """
        name = obj
        scope = self.model.scope(node)
        if scope is not None:
            for assignment in scope[obj]:
                if not (
                    isinstance(assignment, ImportAssignment)
                    and f"{module}.{obj}" in {q.name for q in scope.get_qualified_names_for(obj)}
                ):
                    name = f"otel_{obj}"
                    break
        item = (module, obj, None if name == obj else name)
        if item not in self.needed_imports:
            self.needed_imports.append(item)
        return name


_Analysis = TypeVar("_Analysis")


def per_model(
    state: MigrationState, key: str, build: Callable[[MigrationState], _Analysis]
) -> _Analysis:
    """``build(state)``, kept in the context's scratch under ``key`` while the file's model is
    the same: transforms of one traversal share it, the next traversal (a new model) rebuilds."""
    found = state.context.scratch.get(key)
    if found is None or found[0] is not state.model:
        found = state.context.scratch[key] = (state.model, build(state))
    return found[1]  # type: ignore[no-any-return]  # built above, or by an earlier call
