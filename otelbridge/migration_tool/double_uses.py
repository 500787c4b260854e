"""Uses of recording test doubles (``doubles.py``) → ``MockTracer``, before the migration.

What the tests read of a double maps one to one onto what ``MockTracer`` records:

- ``DummyTracer()`` → ``MockTracer()``; ``tracer.spans`` → ``tracer.finished_spans()``;
  a method that empties the list (``tracer.clear()``) → ``tracer.reset()``;
- a recorded span's fields (``tracer.spans[0]``, a name bound once to one, the element a ``for``,
  a comprehension or the lambda of ``map``/``filter``/``sorted`` is given): its name and tags
  fields → ``operation_name``, ``tags``; its finished flag → ``finished``; its parent compared
  with a span or ``None`` (``==``, ``is``, ``assertEqual``...) → ``parent_id`` against the other
  span's ``context.span_id``;
- ``DummySpan('parent')`` (a span the test makes to be a parent) → a span of a tracer of its own,
  ``MockTracer().start_span('parent')``.

``MockTracer`` then migrates to an in-memory exporter like any other. Two differences are
accepted: the exporter lists finished spans only, in the order they finished (the double listed
every started span in start order); a test that counted unfinished spans sees fewer.

A file is rewritten only if every use of the doubles in it maps: a double constructed with
arguments, a parent passed to a span double, a class used as a value, or a field read that is not
one of the shapes above leaves the whole file as written (see :func:`rewrite`'s reason), so a
double never meets a ``MockTracer`` in the same test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

import libcst as cst

from otelbridge.migration_tool.doubles import MOCK_FIELDS, Double

IMPORT = "from opentracing.mocktracer import MockTracer\n"
#: calls whose lambda is given each element of the iterable (the iterable's position)
_GIVES = {"map": 1, "filter": 1, "sorted": 0}
#: assertions comparing their two first arguments
_ASSERT_PAIRS = frozenset({"assertEqual", "assertNotEqual", "assertIs", "assertIsNot"})
_ASSERT_NONE = frozenset({"assertIsNone", "assertIsNotNone"})


class Unmapped(Exception):
    """A use of a double with no ``MockTracer`` counterpart: the file is left as written."""


@dataclass
class _Scope:
    """A function (or the module), the tracer doubles bound in it, its recorded-span names."""

    node: Optional[cst.CSTNode]
    tracers: dict[str, bool] = field(default_factory=dict)  # name -> every binding makes one
    spans: dict[str, int] = field(default_factory=dict)  # name -> bindings to a recorded span
    bindings: dict[str, int] = field(default_factory=dict)  # name -> every binding


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _callee(call: cst.Call) -> Optional[str]:
    func = call.func
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


class _Uses(cst.CSTTransformer):
    def __init__(self, doubles: list[Double], defining: bool) -> None:
        super().__init__()
        self.tracers = {d.tracer: d for d in doubles}
        self.spans = {d.span: d for d in doubles}
        self.defining = defining
        self.changed = False
        #: whether the rewrite names ``MockTracer`` (its import is added)
        self.mocked = False
        self._scopes: list[_Scope] = [_Scope(None)]
        self._classes: list[str] = []
        #: ``self.<attr>`` bound to a tracer double, by class: every binding makes one
        self._attrs: dict[tuple[str, str], bool] = {}
        #: lambdas, loops and comprehensions whose target is given recorded spans
        self._element_names: dict[cst.CSTNode, str] = {}
        self._lambda_names: list[set[str]] = []

    # -- the first pass: bindings --------------------------------------------------------------
    def collect(self, module: cst.Module) -> None:
        collector = _Collector(self)
        module.visit(collector)

    def double_of(self, node: cst.BaseExpression) -> Optional[Double]:
        """The double ``node`` is an instance of (a name or ``self.<attr>`` bound only to it)."""
        if isinstance(node, cst.Name):
            for scope in reversed(self._scopes):
                if node.value in scope.bindings:
                    return self._single if scope.tracers.get(node.value) else None
            return None
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == "self"
            and self._classes
        ):
            return self._single if self._attrs.get((self._classes[-1], node.attr.value)) else None
        return None

    @property
    def _single(self) -> Optional[Double]:
        return next(iter(self.tracers.values()), None) if len(self.tracers) == 1 else None

    def recorded_list(self, node: cst.BaseExpression) -> Optional[Double]:
        """``tracer.spans`` of a tracer double."""
        if isinstance(node, cst.Attribute):
            double = self.double_of(node.value)
            if double is not None and node.attr.value == double.spans:
                return double
        return None

    def recorded_span(self, node: cst.BaseExpression) -> Optional[Double]:
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            if isinstance(index, cst.Index):
                return self.recorded_list(node.value)
            return None
        if isinstance(node, cst.Name):
            if any(node.value in names for names in self._lambda_names):
                return self._single
            for scope in reversed(self._scopes):
                if node.value in scope.bindings:
                    spans = scope.spans.get(node.value, 0)
                    ok = spans and spans == scope.bindings[node.value]
                    return self._single if ok else None
        return None

    # -- scopes --------------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> Optional[bool]:
        self._classes.append(node.name.value)
        # the doubles' own code is not a use of them
        return not (self.defining and node.name.value in {**self.tracers, **self.spans})

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self._classes.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(self._collected[node])

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._scopes.pop()
        return updated_node

    def visit_Lambda(self, node: cst.Lambda) -> None:
        name = self._element_names.get(node)
        self._lambda_names.append({name} if name else set())

    def leave_Lambda(self, original_node: cst.Lambda, updated_node: cst.Lambda) -> cst.Lambda:
        self._lambda_names.pop()
        return updated_node

    _collected: dict[cst.CSTNode, _Scope]

    # -- the rewrite ---------------------------------------------------------------------------
    def visit_ImportFrom(self, node: cst.ImportFrom) -> Optional[bool]:
        return False  # importing the doubles is not using them

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> Union[cst.ImportFrom, cst.RemovalSentinel]:
        """Imports of the doubles by name go with their uses (star imports stay)."""
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        doubles = {*self.tracers, *self.spans}
        kept = [a for a in updated_node.names if _code(a.name) not in doubles]
        if len(kept) == len(updated_node.names):
            return updated_node
        self.changed = True
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)

    def visit_Name(self, node: cst.Name) -> None:
        named = node.value in self.tracers or node.value in self.spans
        if named and node not in self._constructions:
            raise Unmapped(f"`{node.value}` used other than constructed without arguments")

    _constructions: set[cst.CSTNode]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value in self.tracers:
            if node.args:
                raise Unmapped(
                    f"`{_code(node)}`: constructor arguments switch on state an in-memory "
                    "exporter has no counterpart for"
                )
            self._constructions.add(func)
        elif isinstance(func, cst.Name) and func.value in self.spans:
            self._span_name(node, self.spans[func.value])
            self._constructions.add(func)

    def _span_name(
        self, call: cst.Call, double: Double
    ) -> tuple[cst.BaseExpression, Optional[cst.BaseExpression]]:
        """The name and the tags (if given) of a span double made by the test."""
        given: dict[str, cst.BaseExpression] = {}
        for position, arg in enumerate(call.args):
            if arg.star or (arg.keyword is None and position >= len(double.params)):
                given = {"": arg.value}
                break
            given[arg.keyword.value if arg.keyword else double.params[position]] = arg.value
        name, tags = double.params[0], "tags" if "tags" in double.params else ""
        if set(given) - {name, tags}:
            raise Unmapped(
                f"`{_code(call)}`: a span double given a parent: a span of its own tracer has "
                "no parent to compare"
            )
        if name in given:
            return given[name], given.get(tags)
        if double.default_name is None:
            raise Unmapped(f"`{_code(call)}`: no operation name")
        return cst.SimpleString(repr(double.default_name)), given.get(tags)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if isinstance(func, cst.Name) and func.value in self.tracers:
            self.changed = self.mocked = True
            return cst.parse_expression("MockTracer()")
        if isinstance(func, cst.Name) and func.value in self.spans:
            self.changed = self.mocked = True
            name, tags = self._span_name(updated_node, self.spans[func.value])
            args = [cst.Arg(name)]
            if tags is not None:
                args.append(cst.Arg(tags, keyword=cst.Name("tags")))
            return cst.Call(
                cst.Attribute(cst.parse_expression("MockTracer()"), cst.Name("start_span")), args
            )
        callee = _callee(original_node)
        if callee in _ASSERT_PAIRS and len(original_node.args) >= 2:
            return self._pair(original_node, updated_node)
        if callee in _ASSERT_NONE and original_node.args:
            first = original_node.args[0].value
            if self._parent_read(first) is not None:
                self._compared.add(first)
        if (
            isinstance(func, cst.Attribute)
            and not original_node.args
            and (double := self.double_of(func.value)) is not None
            and func.attr.value in double.clears
        ):
            self.changed = True
            return updated_node.with_changes(
                func=updated_node.func.with_changes(  # type: ignore[attr-defined]  # func is an Attribute here
                    attr=cst.Name("reset")
                )
            )
        return updated_node

    _compared: set[cst.CSTNode]

    def _parent_read(self, node: cst.BaseExpression) -> Optional[Double]:
        if isinstance(node, cst.Attribute):
            double = self.recorded_span(node.value)
            if double is not None and node.attr.value == double.fields["parent"]:
                return double
        return None

    def _pair(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        args = list(updated.args)
        for i, other in ((0, 1), (1, 0)):
            if self._parent_read(original.args[i].value) is not None:
                self._compared.add(original.args[i].value)
                args[other] = args[other].with_changes(value=_span_id(args[other].value))
                return updated.with_changes(args=args)
        return updated

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        if len(original_node.comparisons) != 1:
            return updated_node
        left = original_node.left
        right = original_node.comparisons[0].comparator
        if self._parent_read(left) is not None:
            self._compared.add(left)
            target = updated_node.comparisons[0]
            return updated_node.with_changes(
                comparisons=[target.with_changes(comparator=_span_id(target.comparator))]
            )
        if self._parent_read(right) is not None:
            self._compared.add(right)
            return updated_node.with_changes(left=_span_id(updated_node.left))
        return updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        double = self.recorded_list(original_node)
        if double is not None:
            self.changed = True
            return cst.Call(updated_node.with_changes(attr=cst.Name("finished_spans")))
        double = self.double_of(original_node.value)
        if double is not None and original_node.attr.value not in (
            double.spans,
            "start_span",
            *double.clears,
        ):
            raise Unmapped(f"`{_code(original_node)}`: not something the double records")
        double = self.recorded_span(original_node.value)
        if double is None:
            return updated_node
        attr = original_node.attr.value
        for role, mock in MOCK_FIELDS.items():
            if attr == double.fields[role]:
                self.changed = True
                return updated_node.with_changes(attr=cst.Name(mock))
        if attr == double.fields["parent"]:
            self._parents.append(original_node)
            self.changed = True
            return updated_node.with_changes(attr=cst.Name("parent_id"))
        raise Unmapped(f"`{_code(original_node)}`: not a field the double records")

    _parents: list[cst.CSTNode]


def _span_id(node: cst.BaseExpression) -> cst.BaseExpression:
    """The other side of a parent comparison: ``None`` as is, a span → its ``span_id``."""
    if isinstance(node, cst.Name) and node.value == "None":
        return node
    return cst.Attribute(cst.Attribute(node, cst.Name("context")), cst.Name("span_id"))


class _Collector(cst.CSTVisitor):
    """Bindings of names and ``self`` attributes, by function."""

    def __init__(self, uses: _Uses) -> None:
        super().__init__()
        self.uses = uses
        self.scopes = [uses._scopes[0]]
        self.classes: list[str] = []
        uses._collected = {}
        uses._constructions = set()
        uses._compared = set()
        uses._parents = []

    def visit_ClassDef(self, node: cst.ClassDef) -> Optional[bool]:
        self.classes.append(node.name.value)
        uses = self.uses
        return not (uses.defining and node.name.value in {**uses.tracers, **uses.spans})

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = _Scope(node)
        for param in (*node.params.params, *node.params.kwonly_params):
            scope.bindings[param.name.value] = 1
        self.uses._collected[node] = scope
        self.scopes.append(scope)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def _bind(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        scope = self.scopes[-1]
        makes = self._makes_tracer(value)
        if isinstance(target, cst.Name):
            name = target.value
            scope.bindings[name] = scope.bindings.get(name, 0) + 1
            scope.tracers[name] = scope.tracers.get(name, True) and makes
            if value is not None and self._is_recorded_element(value):
                scope.spans[name] = scope.spans.get(name, 0) + 1
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == "self"
            and self.classes
        ):
            key = (self.classes[-1], target.attr.value)
            self.uses._attrs[key] = self.uses._attrs.get(key, True) and makes
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, None)

    def _makes_tracer(self, value: Optional[cst.BaseExpression]) -> bool:
        return (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Name)
            and value.func.value in self.uses.tracers
            and not value.args
        )

    def _is_recorded_element(self, value: cst.BaseExpression) -> bool:
        """``tracer.spans[0]`` for a tracer double bound in this function."""
        if not (isinstance(value, cst.Subscript) and isinstance(value.value, cst.Attribute)):
            return False
        owner = value.value.value
        if isinstance(owner, cst.Name):
            scope = self.scopes[-1]
            return bool(scope.tracers.get(owner.value)) and any(
                value.value.attr.value == d.spans for d in self.uses.tracers.values()
            )
        return isinstance(owner, cst.Attribute) and any(
            value.value.attr.value == d.spans for d in self.uses.tracers.values()
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target, None)

    def visit_For(self, node: cst.For) -> None:
        self._element(node.target, node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._element(node.target, node.iter)

    def _element(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        scope = self.scopes[-1]
        if isinstance(target, cst.Name) and self._is_list(iterable):
            name = target.value
            scope.bindings[name] = scope.bindings.get(name, 0) + 1
            scope.spans[name] = scope.spans.get(name, 0) + 1
        else:
            self._bind(target, None)

    def _is_list(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Attribute) and any(
            node.attr.value == d.spans for d in self.uses.tracers.values()
        )

    def visit_Call(self, node: cst.Call) -> None:
        position = _GIVES.get(_callee(node) or "")
        if position is None or len(node.args) <= position:
            return
        if not self._is_list(node.args[position].value):
            return
        for arg in node.args:
            if isinstance(arg.value, cst.Lambda) and len(arg.value.params.params) == 1:
                self.uses._element_names[arg.value] = arg.value.params.params[0].name.value


def rewrite(
    text: str, doubles: list[Double], defining: bool
) -> tuple[Optional[str], Optional[str]]:
    """``text`` with the uses of ``doubles`` on ``MockTracer`` (``None``: nothing to rewrite),
    or the reason it is left as written."""
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return None, None
    uses = _Uses(doubles, defining)
    uses.collect(module)
    try:
        new = module.visit(uses)
    except Unmapped as exc:
        return None, str(exc)
    unchecked = [p for p in uses._parents if p not in uses._compared]
    if unchecked:
        return None, f"`{_code(unchecked[0])}`: a parent read other than compared with a span"
    if not uses.changed:
        return None, None
    code = new.code
    if not uses.mocked:
        return code, None
    if "MockTracer" in text:
        if IMPORT.strip() not in text:
            return None, "`MockTracer` already names something else here"
        return code, None
    return _with_import(new), None


def _with_import(module: cst.Module) -> str:
    """``module`` with the ``MockTracer`` import after its last top-level import."""
    body = list(module.body)
    last = -1
    for i, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine) and any(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
        ):
            last = i
    body.insert(last + 1, cst.parse_statement(IMPORT))
    return module.with_changes(body=body).code


def without(text: str, names: set[str]) -> str:
    """``text`` without the top-level classes ``names`` (doubles nothing uses any more)."""
    module = cst.parse_module(text)
    body = [s for s in module.body if not (isinstance(s, cst.ClassDef) and s.name.value in names)]
    return module.with_changes(body=body).code
