"""Import bookkeeping after the rewrites, without a second analysis of the module.

LibCST's ``AddImportsVisitor``/``RemoveImportsVisitor`` each walk the whole tree again and the
latter re-runs scope analysis on it: together they cost twenty times the parse. The rewrites
already know which OpenTelemetry names they need, and which names the rewritten module still reads
comes from a read-only walk, so both edits here touch statements only:

* :func:`add_imports` puts ``from <module> import <name>`` into the import block at the top of the
  module (merged into an existing ``from <module> import ...`` there), as LibCST's visitor does;
  a name read only inside a ``try:`` that imports the legacy library and catches its
  ``ImportError`` is imported there instead, so the module still loads without the package;
* :func:`remove_unused_imports` drops legacy import names nothing reads any more. Comments above or
  beside a deleted import line move to the next statement instead of vanishing.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional, Sequence, Union, cast

import libcst as cst

from otelbridge.migration_tool.walk import walk

#: ``(module, name, alias)``: ``from module import name [as alias]``; ``name`` ``None`` for
#: ``import module [as alias]``.
ImportItem = tuple[str, Optional[str], Optional[str]]

_STATEMENT_CONTAINERS = (
    cst.Module,
    cst.BaseCompoundStatement,
    cst.BaseSuite,
    cst.Else,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.MatchCase,
)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


# -- adding ----------------------------------------------------------------------------------------
def add_imports(
    module: cst.Module, needed: Iterable[ImportItem], legacy: Iterable[str] = ()
) -> cst.Module:
    """``module`` with each ``from module import name [as alias]`` of ``needed`` present.

    ``legacy`` names the top-level packages the rewrites replaced: where the module imports one
    inside a ``try:`` that catches ``ImportError`` (the package is optional there), an added name
    read only inside that ``try`` is imported beside it (see :func:`_guarded_homes`)."""
    needed = list(needed)
    guarded = _guarded_homes(module, needed, set(legacy))
    if guarded:
        module = module.visit(_GuardedImports(guarded, module.config_for_parsing))
        placed = {item for items in guarded.values() for item in items}
        needed = [item for item in needed if item not in placed]
    start = 1 if _is_preamble(module.body[0:1]) else 0
    end = start
    while end < len(module.body) and _import_of(module.body[end]) is not None:
        end += 1
    block = list(module.body[start:end])
    present: set[ImportItem] = set()
    for statement in block:
        present.update(bound_items(_import_of(statement)))  # type: ignore[arg-type]  # imports only
    missing: dict[str, list[tuple[str, Optional[str]]]] = {}
    for source, name, alias in needed:
        assert name is not None, "only from-imports are added"
        if (source, name, alias) not in present and (source, "*", None) not in present:
            pairs = missing.setdefault(source, [])
            if (name, alias) not in pairs:
                pairs.append((name, alias))
    if not missing:
        return module
    for index, statement in enumerate(block):  # merge into an existing ``from source import``
        node = _import_of(statement)
        if isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None:
            existing = cst.helpers.get_full_name_for_node(node.module)
            if (
                existing is not None
                and existing in missing
                and not isinstance(node.names, cst.ImportStar)
            ):
                added = [_alias(name, alias) for name, alias in _sorted(missing.pop(existing))]
                merged = node.with_changes(names=[*added, *node.names])
                block[index] = statement.with_changes(body=[merged])
    new = [
        _from_import(source, pairs, module.config_for_parsing)
        for source, pairs in sorted(missing.items())
    ]
    rest = list(module.body[end:])
    if new and rest and not (rest[0].leading_lines and rest[0].leading_lines[0].comment is None):
        rest[0] = rest[0].with_changes(leading_lines=[cst.EmptyLine(), *rest[0].leading_lines])
    return module.with_changes(body=[*module.body[:start], *block, *new, *rest])


#: Exceptions whose handler makes the imports of its ``try:`` optional.
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    caught = handler.type
    if caught is None:
        return True
    names = caught.elements if isinstance(caught, cst.Tuple) else [cst.Element(caught)]
    return any(
        (cst.helpers.get_full_name_for_node(element.value) or "").split(".")[-1] in _IMPORT_ERRORS
        for element in names
    )


def _guarded_homes(
    module: cst.Module, needed: list[ImportItem], legacy: set[str]
) -> dict[cst.CSTNode, list[ImportItem]]:
    """The first legacy import of each ``try:`` that imports a ``legacy`` package and catches
    ``ImportError`` -> the needed items to import just before it: those whose name the module
    reads only inside that ``try`` (read elsewhere too, a name goes to the top as usual)."""
    if not legacy:
        return {}
    homes: list[tuple[cst.Try, cst.BaseStatement]] = []
    for node in walk(module):
        if (
            not isinstance(node, cst.Try)
            or not isinstance(node.body, cst.IndentedBlock)
            or not any(_catches_import_error(handler) for handler in node.handlers)
        ):
            continue
        first: Optional[cst.BaseStatement] = next(
            (
                statement
                for statement in node.body.body
                if (found := _import_of(statement)) is not None
                and any(item[0].split(".")[0] in legacy for item in bound_items(found))
            ),
            None,
        )
        if first is not None:
            homes.append((node, first))
    if not homes:
        return {}
    everywhere = _name_counts(module)
    inside = [(first, _name_counts(home)) for home, first in homes]
    placed: dict[cst.CSTNode, list[ImportItem]] = {}
    for item in needed:
        bound = item[2] or item[1]
        for first, counts in inside:
            if bound is not None and counts.get(bound, 0) == everywhere.get(bound, 0) > 0:
                placed.setdefault(first, []).append(item)
                break
    return placed


def _name_counts(node: cst.CSTNode) -> dict[str, int]:
    counts: dict[str, int] = {}
    for found in walk(node):
        if isinstance(found, cst.Name):
            counts[found.value] = counts.get(found.value, 0) + 1
    return counts


class _GuardedImports(cst.CSTTransformer):
    """Puts ``from module import name`` lines before the legacy imports :func:`_guarded_homes`
    chose."""

    def __init__(
        self, homes: dict[cst.CSTNode, list[ImportItem]], config: cst.PartialParserConfig
    ) -> None:
        self._homes = homes
        self._config = config

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not any(statement in self._homes for statement in original_node.body):
            return updated_node
        body: list[cst.BaseStatement] = []
        for original, updated in zip(original_node.body, updated_node.body):
            items = self._homes.get(original)
            if items:
                by_source: dict[str, list[tuple[str, Optional[str]]]] = {}
                for source, name, alias in items:
                    by_source.setdefault(source, []).append((cast(str, name), alias))
                lines = [
                    _from_import(source, pairs, self._config)
                    for source, pairs in sorted(by_source.items())
                ]
                if isinstance(updated, cst.SimpleStatementLine):  # its comments go above them
                    lines[0] = lines[0].with_changes(leading_lines=updated.leading_lines)
                    updated = updated.with_changes(leading_lines=[])
                body.extend(lines)
            body.append(updated)
        return updated_node.with_changes(body=body)


def _from_import(
    source: str, pairs: list[tuple[str, Optional[str]]], config: cst.PartialParserConfig
) -> cst.SimpleStatementLine:
    """``from source import name [as alias], ...``, the names sorted."""
    names = ", ".join(
        name if alias is None else f"{name} as {alias}" for name, alias in _sorted(pairs)
    )
    return cast(
        cst.SimpleStatementLine, cst.parse_statement(f"from {source} import {names}", config)
    )


def _sorted(pairs: list[tuple[str, Optional[str]]]) -> list[tuple[str, Optional[str]]]:
    return sorted(pairs, key=lambda pair: (pair[0], pair[1] or ""))


def _is_preamble(first: Sequence[cst.CSTNode]) -> bool:
    """A docstring or ``__strict__ = ...`` stays first: imports go after it."""
    if not first or not isinstance(first[0], cst.SimpleStatementLine):
        return False
    statement = first[0].body[0]
    if isinstance(statement, cst.Expr):
        return isinstance(statement.value, (cst.SimpleString, cst.ConcatenatedString))
    return (
        isinstance(statement, cst.Assign)
        and isinstance(statement.targets[0].target, cst.Name)
        and statement.targets[0].target.value == "__strict__"
    )


def _import_of(statement: cst.CSTNode) -> Union[cst.Import, cst.ImportFrom, None]:
    """The import of a line that holds exactly one import statement."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        node = statement.body[0]
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            return node
    return None


def bound_items(node: Union[cst.Import, cst.ImportFrom]) -> Iterable[ImportItem]:
    """What an import statement imports, as items (``*`` for a star; relative imports: none)."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            yield (alias.evaluated_name, None, alias.evaluated_alias)
    elif not node.relative and node.module is not None:
        source = cst.helpers.get_full_name_for_node(node.module) or ""
        if isinstance(node.names, cst.ImportStar):
            yield (source, "*", None)
        else:
            for alias in node.names:
                yield (source, alias.evaluated_name, alias.evaluated_alias)


def _alias(name: str, alias: Optional[str]) -> cst.ImportAlias:
    return cst.ImportAlias(
        cst.Name(name), asname=None if alias is None else cst.AsName(cst.Name(alias))
    )


# -- removing --------------------------------------------------------------------------------------
def names_read(module: cst.Module) -> set[str]:
    """Every name the module mentions outside imports, whatever the scope (so that removal errs
    on keeping), with the entries of ``__all__`` and the identifiers inside string annotations."""
    used: set[str] = set()
    keywords: set[cst.Name] = set()  # ``f(name=...)`` reads no ``name``
    for node in walk(module, opaque=(cst.Import, cst.ImportFrom)):
        if isinstance(node, cst.Arg) and node.keyword is not None:
            keywords.add(node.keyword)
        elif isinstance(node, cst.Name) and node not in keywords:
            used.add(node.value)
        elif isinstance(node, cst.Annotation):
            _add_identifiers(node.annotation, used)
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(
                    isinstance(t.target, cst.Name) and t.target.value == "__all__"
                    for t in small.targets
                ):
                    for entry in walk(small.value):
                        _add_identifiers(entry, used)
    return used


def _add_identifiers(node: cst.CSTNode, used: set[str]) -> None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        if isinstance(value, str):
            used.update(_IDENTIFIER.findall(value))


def remove_unused_imports(
    module: cst.Module, candidates: Iterable[ImportItem], used: set[str]
) -> cst.Module:
    """``module`` without the ``candidates`` whose bound name is not in ``used``."""
    unused = {item for item in candidates if _bound_name(item) not in used}
    if not unused:
        return module
    result = module.visit(_ImportPruner(unused))
    assert isinstance(result, cst.Module)
    return result


def unalias(module: cst.Module, aliased: Iterable[ImportItem], read: set[str]) -> cst.Module:
    """``from m import X as otel_X`` (``state.otel``: ``X`` named a legacy object where it was
    asked for) back to ``X`` where nothing else in ``module`` is called ``X`` any more: the legacy
    import that held the name went with the rewrite (``ZipkinExporter`` of OpenCensus, ours).
    ``read``: :func:`names_read` of ``module`` (imports are not in it: removing one keeps it)."""
    bound = {
        _bound_name(item)
        for node in walk(module)
        if isinstance(node, (cst.Import, cst.ImportFrom))
        for item in bound_items(node)
    }
    free = {
        alias: name
        for _, name, alias in aliased
        if name is not None and alias == f"otel_{name}" and name not in read | bound
    }
    if not free:
        return module
    result = module.visit(_Unaliased(free))
    assert isinstance(result, cst.Module)
    return result


class _Unaliased(cst.CSTTransformer):
    def __init__(self, free: dict[str, str]) -> None:
        super().__init__()
        self._free = free
        self._members: set[cst.Name] = set()  # ``x.otel_X`` is another object's member

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._members.add(node.attr)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        name = self._free.get(original_node.value)
        if name is None or original_node in self._members:
            return updated_node
        return updated_node.with_changes(value=name)

    def leave_ImportAlias(
        self, original_node: cst.ImportAlias, updated_node: cst.ImportAlias
    ) -> cst.ImportAlias:
        asname = updated_node.asname
        if (
            asname is not None
            and isinstance(asname.name, cst.Name)
            and isinstance(updated_node.name, cst.Name)
            and asname.name.value == updated_node.name.value
        ):
            return updated_node.with_changes(asname=None)
        return updated_node


def _bound_name(item: ImportItem) -> str:
    source, name, alias = item
    if alias is not None:
        return alias
    return name if name is not None else source.split(".")[0]


class _ImportPruner(cst.CSTTransformer):
    """Visits statements only (never expressions) and drops the unused import names.

    Each block's statement list is rebuilt in ``leave_`` of the block, so that comments of a line
    that vanished can be handed to the next statement, or to the block's footer.
    """

    def __init__(self, unused: set[ImportItem]) -> None:
        super().__init__()
        self._unused = unused

    def on_visit(self, node: cst.CSTNode) -> bool:
        return isinstance(node, _STATEMENT_CONTAINERS)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body, footer = self._prune(updated_node.body, updated_node.footer)
        first = body[0] if body else None
        if (
            isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            and first is not updated_node.body[0]
            and not updated_node.header
        ):
            # the file's first lines went: the blank line that set them apart does not open it
            own = list(first.leading_lines)
            while own and own[0].comment is None:
                own.pop(0)
            body = [first.with_changes(leading_lines=own), *body[1:]]
        return updated_node.with_changes(body=body, footer=footer)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body, footer = self._prune(updated_node.body, updated_node.footer)
        return updated_node.with_changes(body=body, footer=footer)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        kept = self._small_statements(updated_node.body)
        return updated_node.with_changes(body=kept or [cst.Pass()])

    def _prune(
        self, body: Sequence[cst.BaseStatement], footer: Sequence[cst.EmptyLine]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        kept: list[cst.BaseStatement] = []
        orphans: list[cst.EmptyLine] = []
        # A removed line that a blank line set apart (an import group) leaves that blank line
        # to the statement after it, unless that one has its own.
        spaced = False
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine):
                small = self._small_statements(statement.body)
                if not small:
                    leading = statement.leading_lines
                    spaced = spaced or bool(leading and leading[0].comment is None)
                    orphans.extend(line for line in leading if line.comment)
                    comment = statement.trailing_whitespace.comment
                    if comment is not None:
                        orphans.append(cst.EmptyLine(comment=comment))
                    continue
                if len(small) != len(statement.body) or any(
                    a is not b for a, b in zip(small, statement.body)
                ):
                    statement = statement.with_changes(body=small)
            if orphans or spaced:
                # every statement is a line or a compound one; both have leading lines
                line = cast("Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]", statement)
                own = line.leading_lines
                blank = [cst.EmptyLine()] if spaced and not (own and own[0].comment is None) else []
                statement = line.with_changes(leading_lines=[*blank, *orphans, *own])
                orphans, spaced = [], False
            kept.append(statement)
        return kept, [*footer, *orphans]

    def _small_statements(
        self, body: Sequence[cst.BaseSmallStatement]
    ) -> list[cst.BaseSmallStatement]:
        kept: list[cst.BaseSmallStatement] = []
        for small in body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                trimmed = self._without_unused(small)
                if trimmed is None:
                    continue
                small = trimmed
            kept.append(small)
        if kept and kept[-1] is not body[-1]:
            kept[-1] = kept[-1].with_changes(semicolon=body[-1].semicolon)
        return kept

    def _without_unused(
        self, node: Union[cst.Import, cst.ImportFrom]
    ) -> Union[cst.Import, cst.ImportFrom, None]:
        aliases = node.names
        if isinstance(aliases, cst.ImportStar):
            return node
        items = list(bound_items(node))
        if isinstance(node, cst.ImportFrom) and not items:  # relative: never ours
            return node
        names = [a for a, item in zip(aliases, items) if item not in self._unused]
        if len(names) == len(items):
            return node
        if not names:
            return None
        last = aliases[-1]
        if names[-1] is not last:
            names[-1] = names[-1].with_changes(comma=last.comma)
        return node.with_changes(names=names)
