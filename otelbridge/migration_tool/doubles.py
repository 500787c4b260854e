"""Hand-written recording test doubles of the OpenTracing tracer: which classes are such doubles.

Tests of an integration often define their own tracer instead of ``MockTracer``::

    class DummyTracer(object):
        def __init__(self):
            self.spans = []
        def start_span(self, operation_name, child_of=None):
            span = DummySpan(operation_name, child_of=child_of)
            self.spans.append(span)
            return span

    class DummySpan(object):
        def __init__(self, operation_name='span', child_of=None):
            self.operation_name = operation_name
            self.child_of = child_of
            self.tags = {}
            self.is_finished = False
        def set_tag(self, key, value):
            self.tags[key] = value
        def finish(self):
            self.is_finished = True

Such a pair records exactly what ``MockTracer`` records (name, parent, tags, finished), so its
uses are rewritten to ``MockTracer`` first (``double_uses.py``) and then migrated with it to an
in-memory exporter. Only classes of exactly this shape qualify: a method or statement more (a
``log_kv`` that records, a ``context`` property) is behaviour the exporter does not reproduce,
and the double is left to the markers.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Optional

#: the recorded span's fields, by role, as ``MockSpan`` names them
MOCK_FIELDS = {"name": "operation_name", "tags": "tags", "finished": "finished"}


@dataclass(frozen=True)
class Double:
    """A recording tracer double and its span class, both defined in ``path``."""

    path: str
    tracer: str
    span: str
    #: the tracer's list of started spans, and its methods that empty it
    spans: str
    clears: tuple[str, ...]
    #: the span's fields, by role (``name``, ``parent``, ``tags``, ``finished``)
    fields: dict[str, str]
    #: the span constructor's parameters (name, parent, and tags if it takes them) and the
    #: name's default
    params: tuple[str, ...]
    default_name: Optional[str]


def find(path: str, tree: ast.Module) -> list[Double]:
    """The recording doubles a module defines."""
    classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)}
    spans = {name: shape for name, c in classes.items() if (shape := _span(c))}
    doubles = []
    for cls in classes.values():
        found = _tracer(cls, {name: shape[1] for name, shape in spans.items()})
        if found is not None:
            span_name, spans_attr, clears = found
            fields, params, default = spans[span_name]
            doubles.append(
                Double(path, cls.name, span_name, spans_attr, clears, fields, params, default)
            )
    return doubles


def _methods(cls: ast.ClassDef) -> Optional[dict[str, ast.FunctionDef]]:
    """The methods of ``cls``, if its body is methods only (a docstring aside)."""
    methods = {}
    for statement in cls.body:
        if isinstance(statement, ast.FunctionDef) and not statement.decorator_list:
            methods[statement.name] = statement
        elif not _is_docstring(statement) and not isinstance(statement, ast.Pass):
            return None
    return methods


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _params(function: ast.FunctionDef) -> list[str]:
    args = function.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        return []
    return [a.arg for a in args.args]


def _self_attr(node: ast.AST, owner: str = "self") -> Optional[str]:
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == owner
    ):
        return node.attr
    return None


def _is_super_init(statement: ast.stmt) -> bool:
    """``super(...).__init__()``: the base is ``object`` for the doubles that qualify."""
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and not statement.value.args
        and isinstance(statement.value.func, ast.Attribute)
        and statement.value.func.attr == "__init__"
        and isinstance(statement.value.func.value, ast.Call)
        and isinstance(statement.value.func.value.func, ast.Name)
        and statement.value.func.value.func.id == "super"
    )


def _assignment(statement: ast.stmt) -> Optional[tuple[str, ast.expr]]:
    """``self.<attr> = value``."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        attr = _self_attr(statement.targets[0])
        if attr is not None:
            return attr, statement.value
    return None


def _plain_base(cls: ast.ClassDef) -> bool:
    return not cls.keywords and all(isinstance(b, ast.Name) and b.id == "object" for b in cls.bases)


def _span(
    cls: ast.ClassDef,
) -> Optional[tuple[dict[str, str], tuple[str, ...], Optional[str]]]:
    """The fields, constructor parameters and default name of a recording span double."""
    methods = _methods(cls)
    if not _plain_base(cls) or methods is None or set(methods) != {"__init__", "set_tag", "finish"}:
        return None
    init = methods["__init__"]
    params = _params(init)
    if params[2:] not in (["child_of"], ["child_of", "tags"]) or len(params) < 3:
        return None
    defaults = init.args.defaults
    trailing = len(params) - 2
    if len(defaults) not in (trailing, trailing + 1):
        return None
    if not all(_is_none(d) for d in defaults[len(defaults) - trailing :]):
        return None
    default_name = None
    if len(defaults) > trailing:
        if not isinstance(defaults[0], ast.Constant) or not isinstance(defaults[0].value, str):
            return None
        default_name = defaults[0].value
    takes_tags = "tags" in params
    fields: dict[str, str] = {}
    for statement in init.body:
        if _is_super_init(statement):
            continue
        found = _assignment(statement)
        if found is None:
            return None
        attr, value = found
        if isinstance(value, ast.Name) and value.id == params[1]:
            fields["name"] = attr
        elif isinstance(value, ast.Name) and value.id == "child_of":
            fields["parent"] = attr
        elif (takes_tags and _tags_or_empty(value)) or (not takes_tags and _is_empty_dict(value)):
            fields["tags"] = attr
        elif isinstance(value, ast.Constant) and value.value is False:
            fields["finished"] = attr
        else:
            return None
    if len(fields) != 4 or len(set(fields.values())) != 4:
        return None
    if not _records_tags(methods["set_tag"], fields["tags"]):
        return None
    if not _sets_true(methods["finish"], fields["finished"]):
        return None
    return fields, tuple(params[1:]), default_name


def _is_empty_dict(node: ast.expr) -> bool:
    return isinstance(node, ast.Dict) and not node.keys


def _tags_or_empty(node: ast.expr) -> bool:
    """``tags or {}``, or ``dict(tags or {})``: the tags given, else none."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "dict"
        and len(node.args) == 1
        and not node.keywords
    ):
        node = node.args[0]
    return (
        isinstance(node, ast.BoolOp)
        and isinstance(node.op, ast.Or)
        and len(node.values) == 2
        and isinstance(node.values[0], ast.Name)
        and node.values[0].id == "tags"
        and _is_empty_dict(node.values[1])
    )


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _records_tags(method: ast.FunctionDef, tags: str) -> bool:
    """``def set_tag(self, key, value): self.<tags>[key] = value``."""
    params = _params(method)
    if len(params) != 3 or method.args.defaults or len(method.body) != 1:
        return False
    statement = method.body[0]
    return (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(target := statement.targets[0], ast.Subscript)
        and _self_attr(target.value) == tags
        and isinstance(target.slice, ast.Name)
        and target.slice.id == params[1]
        and isinstance(statement.value, ast.Name)
        and statement.value.id == params[2]
    )


def _sets_true(method: ast.FunctionDef, flag: str) -> bool:
    """``def finish(self): self.<flag> = True``."""
    if _params(method) != ["self"] or len(method.body) != 1:
        return False
    found = _assignment(method.body[0])
    return (
        found is not None
        and found[0] == flag
        and isinstance(found[1], ast.Constant)
        and found[1].value is True
    )


def _tracer(
    cls: ast.ClassDef, spans: dict[str, tuple[str, ...]]
) -> Optional[tuple[str, str, tuple[str, ...]]]:
    """The span class, list attribute and emptying methods of a recording tracer double."""
    methods = _methods(cls)
    if not _plain_base(cls) or methods is None or "start_span" not in methods:
        return None
    if "__init__" not in methods:
        return None
    found = _starts(methods["start_span"], spans)
    if found is None:
        return None
    span_name, attr = found
    if not _inits_list(methods["__init__"], attr):
        return None
    others = [m for name, m in methods.items() if name not in ("__init__", "start_span")]
    if not all(_empties(m, attr) for m in others):
        return None
    return span_name, attr, tuple(m.name for m in others)


def _starts(
    method: ast.FunctionDef, spans: dict[str, tuple[str, ...]]
) -> Optional[tuple[str, str]]:
    """``span = Span(operation_name, child_of=child_of); self.<list>.append(span); return span``
    (``tags`` given through too, when both take it)."""
    params = _params(method)
    if params[1:] not in (["operation_name", "child_of"], ["operation_name", "child_of", "tags"]):
        return None
    if len(method.body) != 3 or len(method.args.defaults) != len(params) - 2:
        return None
    if not all(_is_none(d) for d in method.args.defaults):
        return None
    made, append, returned = method.body
    if not (
        isinstance(made, ast.Assign)
        and len(made.targets) == 1
        and isinstance(variable := made.targets[0], ast.Name)
        and isinstance(call := made.value, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in spans
        and _passes_through(call, spans[call.func.id], params[1:])
    ):
        return None
    if not (
        isinstance(returned, ast.Return)
        and isinstance(returned.value, ast.Name)
        and returned.value.id == variable.id
    ):
        return None
    if not (
        isinstance(append, ast.Expr)
        and isinstance(add := append.value, ast.Call)
        and isinstance(add.func, ast.Attribute)
        and add.func.attr == "append"
        and (attr := _self_attr(add.func.value)) is not None
        and len(add.args) == 1
        and isinstance(add.args[0], ast.Name)
        and add.args[0].id == variable.id
    ):
        return None
    return call.func.id, attr


def _passes_through(call: ast.Call, takes: tuple[str, ...], given: list[str]) -> bool:
    """The span is made with the tracer's arguments, each to the parameter of the same role
    (by position or keyword): ``Span(operation_name, child_of=child_of, tags=tags)``."""
    if len(takes) != len(given) or len(call.args) + len(call.keywords) != len(given):
        return False
    passed: dict[str, str] = {}
    for param, value in zip(takes, call.args):
        if not isinstance(value, ast.Name):
            return False
        passed[param] = value.id
    for keyword in call.keywords:
        if keyword.arg is None or not isinstance(keyword.value, ast.Name):
            return False
        passed[keyword.arg] = keyword.value.id
    return [passed.get(p) for p in takes] == given


def _inits_list(init: ast.FunctionDef, attr: str) -> bool:
    """``self.<attr> = []`` in the body, other parameters only switching on optional state
    (``if with_subtracer: ...``): a construction without arguments runs none of it."""
    params = _params(init)
    if params[:1] != ["self"] or len(init.args.defaults) != len(params) - 1:
        return False
    if not all(isinstance(d, ast.Constant) and not d.value for d in init.args.defaults):
        return False
    switches = set(params[1:])
    found = False
    for statement in init.body:
        assigned = _assignment(statement)
        if assigned is not None and assigned[0] == attr:
            found = isinstance(assigned[1], ast.List) and not assigned[1].elts
            if not found:
                return False
        elif _is_super_init(statement):
            continue
        elif not (
            isinstance(statement, ast.If)
            and isinstance(statement.test, ast.Name)
            and statement.test.id in switches
            and not statement.orelse
        ):
            return False
    return found


def _empties(method: ast.FunctionDef, attr: str) -> bool:
    if _params(method) != ["self"] or len(method.body) != 1:
        return False
    found = _assignment(method.body[0])
    return found is not None and found[0] == attr and isinstance(found[1], ast.List)


def visible(path: str, tree: ast.Module, doubles: list[Double]) -> list[Double]:
    """The doubles the module at ``path`` defines or imports (by name or ``*``)."""
    seen = [d for d in doubles if d.path == path]
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        names = {a.name for a in node.names}
        for double in doubles:
            if not names & {"*", double.tracer, double.span}:
                continue
            if _resolves(path, node, double.path) and double not in seen:
                seen.append(double)
    return seen


def _resolves(path: str, node: ast.ImportFrom, target: str) -> bool:
    parts = (node.module or "").split(".") if node.module else []
    if node.level:
        base = os.path.dirname(path)
        for _ in range(node.level - 1):
            base = os.path.dirname(base)
        candidates = [os.path.join(base, *parts) + ".py", os.path.join(base, *parts, "__init__.py")]
        return os.path.abspath(target) in {os.path.abspath(c) for c in candidates}
    tail = os.path.join(*parts) if parts else ""
    target = os.path.abspath(target)
    return bool(tail) and (
        target.endswith(os.sep + tail + ".py")
        or target.endswith(os.sep + os.path.join(tail, "__init__.py"))
    )


def is_test_path(path: str) -> bool:
    """Doubles of a test folder or module are the tests' own: removed once nothing uses them."""
    return any(part.startswith("test") for part in os.path.abspath(path).split(os.sep)[-3:])
