"""The project pre-pass that names a ``MockTracer`` a global-tracer patch installs.

A test often makes its mock where it patches it in, and reads it back from the patch::

    self.patcher = mock.patch("opentracing.tracer", MockTracer())
    self.tracer = self.patcher.start()
    ...
    with mock.patch("opentracing.tracer", new=MockTracer()) as tracer:
    ...
    @mock.patch("opentracing.tracer", new_callable=MockTracer)
    def test_job(self, tracer):

The migrated patch installs a mock ``get_tracer`` (``global_patches.py``), so ``start()`` and
``as`` would give that function, not the tracer, and the mock's in-memory exporter would be
out of reach of the test's ``finished_spans()``. Naming the mock first says the same::

    self.tracer = MockTracer()
    self.patcher = mock.patch("opentracing.tracer", self.tracer)
    self.patcher.start()

which the index and the ``MockTracer`` rewrite already follow: the tracer and its exporter are
the test's attributes (the decorated test makes its mock first and runs its body under ``with
mock.patch("opentracing.tracer", new=tracer):``, when that patch is its only one). Runs on the
texts before the index, like the other pre-passes; only patches whose mock is made in the call
are touched, and the name must be a plain variable or an attribute of ``self``/``cls`` (set
before the patch as it was after).
"""

from __future__ import annotations

from typing import Optional, Sequence, Union

import libcst as cst
from libcst.metadata import MetadataWrapper

from otelbridge.migration_tool.engine.scopes import resolve_scopes
from otelbridge.migration_tool.global_patches import PATCH, PATCH_OBJECT, read_patch
from otelbridge.migration_tool.model import LegacyModel
from otelbridge.migration_tool.names import MOCK_TRACERS
from otelbridge.migration_tool.prepasses import ChangingTransformer, rewrite_each


def plan(sources: dict[str, str]) -> dict[str, str]:
    """For ``sources`` (path -> text): the new texts of the modules whose patches were named."""
    return rewrite_each(sources, ("opentracing", "MockTracer"), _Namer)


class _Namer(ChangingTransformer):
    def __init__(self, wrapper: MetadataWrapper) -> None:
        super().__init__()
        self._names = LegacyModel(resolve_scopes(wrapper))  # its qualified names only

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._named(original_node.body, updated_node.body)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._named(original_node.body, updated_node.body)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        """``@patch("opentracing.tracer", new_callable=MockTracer)`` injecting ``tracer``, the
        one patch of the test: ``tracer = MockTracer()`` and the body under ``with patch(
        "opentracing.tracer", new=tracer):``, which the rewrite of named mocks takes."""
        found = self._new_callable(original_node)
        body = updated_node.body
        if found is None or not isinstance(body, cst.IndentedBlock):
            return updated_node
        decorator, patch, param = found
        name = cst.Name(param.name.value)
        statements: list[cst.BaseStatement] = list(body.body)
        docstring = statements[:1] if statements and _is_docstring(statements[0]) else []
        rest = statements[len(docstring) :]
        if not rest:
            return updated_node
        call = patch.with_changes(
            args=[patch.args[0], cst.Arg(name, keyword=cst.Name("new"), equal=_EQUAL)]
        )
        first = rest[0]
        assert isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        block = cst.With(
            [cst.WithItem(call)],
            cst.IndentedBlock([first.with_changes(leading_lines=()), *rest[1:]]),
            leading_lines=first.leading_lines,
        )
        naming = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(name)], cst.Call(patch.args[1].value))]
        )
        params = [p for p in updated_node.params.params if p.name.value != name.value]
        if params:
            params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        index = [d.decorator for d in original_node.decorators].index(decorator)
        decorators = list(updated_node.decorators)
        del decorators[index]
        self.changed = True
        return updated_node.with_changes(
            decorators=decorators,
            params=updated_node.params.with_changes(params=params),
            body=body.with_changes(body=[*docstring, naming, block]),
        )

    def _new_callable(
        self, function: cst.FunctionDef
    ) -> Optional[tuple[cst.BaseExpression, cst.Call, cst.Param]]:
        """The decorator, its call and the parameter it injects, for a function whose one patch
        decorator is ``patch("opentracing.tracer", new_callable=MockTracer)``."""
        patches = [
            d.decorator
            for d in function.decorators
            if isinstance(d.decorator, cst.Call)
            and self._names.qualified_names(d.decorator.func) & (PATCH | PATCH_OBJECT)
        ]
        call = patches[0] if len(patches) == 1 else None
        if not isinstance(call, cst.Call) or len(call.args) != 2:
            return None
        target, made = call.args
        if not (
            target.keyword is None
            and isinstance(target.value, cst.SimpleString)
            and target.value.evaluated_value == "opentracing.tracer"
            and made.keyword is not None
            and made.keyword.value == "new_callable"
            and self._names.qualified_names(made.value) & MOCK_TRACERS
            and self._names.qualified_names(call.func) & PATCH
        ):
            return None
        params = function.params
        given = list(params.params)
        if given and given[0].name.value in ("self", "cls"):
            given = given[1:]
        if (
            len(given) != 1
            or given[0].default is not None
            or params.star_arg is not cst.MaybeSentinel.DEFAULT
            or params.kwonly_params
            or params.star_kwarg is not None
            or params.posonly_params
            or not function.body.body  # type: ignore[union-attr]
        ):
            return None
        return call, call.with_changes(args=[target, made]), given[0]

    def _mock_of(self, call: cst.BaseExpression) -> Optional[cst.Call]:
        """The ``MockTracer(...)`` call a global-tracer patch ``call`` installs, if any."""
        if not isinstance(call, cst.Call):
            return None
        patch = read_patch(self._names, call)
        new = patch.new if patch is not None else None
        if isinstance(new, cst.Call) and self._names.qualified_names(new.func) & MOCK_TRACERS:
            return new
        return None

    def _named(
        self, original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]
    ) -> Optional[list[cst.BaseStatement]]:
        """``updated`` with its patches' mocks named (``None``: none was). The patches are read
        in ``original``, the tree the names were resolved in; only a ``with`` statement can have
        changed below (a block of its body), so it alone is rebuilt from ``updated``."""
        replaced: dict[int, list[cst.BaseStatement]] = {}
        for index, statement in enumerate(original):
            patched: Union[cst.SimpleStatementLine, cst.With]
            named = self._patcher(original, index)
            if named is not None:
                naming, patched, (later, started) = named
                replaced[later] = [started]
            elif isinstance(statement, cst.With) and (found := self._with(statement)):
                naming, items = found
                patched = cst.ensure_type(updated[index], cst.With).with_changes(items=items)
            else:
                continue
            replaced[index] = [
                naming.with_changes(leading_lines=patched.leading_lines),
                patched.with_changes(leading_lines=()),
            ]
        if not replaced:
            return None
        self.changed = True
        return [s for i, u in enumerate(updated) for s in replaced.get(i, [u])]

    def _patcher(
        self, statements: Sequence[cst.BaseStatement], index: int
    ) -> Optional[
        tuple[cst.SimpleStatementLine, cst.SimpleStatementLine, tuple[int, cst.BaseStatement]]
    ]:
        """``P = patch(..., MockTracer())`` with ``T = P.start()`` later in the same block."""
        line = statements[index]
        patcher = _assign(line)
        if patcher is None:
            return None
        assert isinstance(line, cst.SimpleStatementLine)
        holder, call = patcher
        mock = self._mock_of(call)
        if mock is None:
            return None
        holder_code = _code(holder)
        for later in range(index + 1, len(statements)):
            start = _assign(statements[later])
            if start is None:
                continue
            target, value = start
            plain = _plain(target)
            if (
                isinstance(value, cst.Call)
                and not value.args
                and isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "start"
                and _code(value.func.value) == holder_code
                and plain is not None
            ):
                start_line = cst.ensure_type(statements[later], cst.SimpleStatementLine)
                started = start_line.with_changes(body=[cst.Expr(value)])
                patched = line.deep_replace(mock, plain.deep_clone())
                return (
                    _naming(plain, mock),
                    cst.ensure_type(patched, cst.SimpleStatementLine),
                    (later, started),
                )
        return None

    def _with(
        self, statement: cst.With
    ) -> Optional[tuple[cst.SimpleStatementLine, list[cst.WithItem]]]:
        """``with patch(..., new=MockTracer()) as t:``: the naming and the new items."""
        for position, item in enumerate(statement.items):
            mock = self._mock_of(item.item)
            name = item.asname.name if item.asname is not None else None
            if mock is None or not isinstance(name, cst.Name):
                continue
            call = cst.ensure_type(item.item.deep_replace(mock, name.deep_clone()), cst.Call)
            items = list(statement.items)
            items[position] = item.with_changes(item=call, asname=None)
            return _naming(name, mock), items
        return None


def _assign(
    statement: cst.BaseStatement,
) -> Optional[tuple[cst.BaseExpression, cst.BaseExpression]]:
    """``target = value`` as the only statement of a line."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return None
    return small.targets[0].target, small.value


def _plain(target: cst.BaseExpression) -> Optional[Union[cst.Name, cst.Attribute]]:
    """``target`` if it is a variable or an attribute of ``self``/``cls`` (nothing is
    evaluated to set it)."""
    if isinstance(target, cst.Name):
        return target
    if (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value in ("self", "cls")
    ):
        return target
    return None


def _naming(target: Union[cst.Name, cst.Attribute], mock: cst.Call) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine(
        [cst.Assign([cst.AssignTarget(target.deep_clone())], mock.deep_clone())]
    )


def _is_docstring(statement: cst.BaseStatement) -> bool:
    small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
    return isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString)


_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)
