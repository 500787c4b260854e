"""The whole-project index: what each name of each module is, inferred across modules.

Every candidate file, and every project module a candidate imports (:func:`with_imports`), is
read once with Python's ``ast`` (a C parser, a few per cent of a LibCST
parse) into a symbol table: module globals (every binding, in any order, also those bound in a
function after ``global g``), functions and methods
(parameters, defaults, annotations, the values they return, their local bindings, the members
called on each receiver), class attributes (``self.x = ...`` in any method), imports, and every
call. Then the kind of each symbol is inferred, library-agnostically, with a client's
:class:`Rules` (which external names make which kinds, what a member of a kind returns, which
members betray a kind), until nothing changes:

- a global, an attribute or a function's result is the join of every value bound to it;
- a parameter is the join of its default, its annotation and the arguments of every call site in
  the project; with none of them, the members called on it are the evidence (the kind is then
  marked as inferred from usage); instances of project classes given to it (test doubles,
  wrappers) do not count against a kind the rest of the evidence shows: those call sites are
  marked, as the parameter takes the new API's object after the migration;
- a name imported from another project module is that module's symbol (re-exports followed);
- a symbol a file's migration keeps on the legacy API (:meth:`ProjectIndex.keep`) is *kept*,
  and so is everything that flows into it or out of it: flows are converted together or kept
  together.

Joins ignore ``None``; two different kinds make ``unknown``; ``kept`` wins over everything. Cycles
between modules, star imports and dynamic ``getattr`` only make kinds unknown: each round reads
the previous round's table, and the rounds stop when it is stable (or after ``MAX_ROUNDS``).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Protocol, Sequence, cast

from otelbridge.migration_tool.engine import fixtures
from otelbridge.migration_tool.engine.expr import NONE, OPAQUE, Expr, dotted, from_ast
from otelbridge.migration_tool.engine.kind_sites import kind_tagged_calls, makes_span

UNKNOWN = "unknown"
#: The kind a client gives what the new API makes (already migrated code, on a second run).
MIGRATED = "migrated"
MAX_ROUNDS = 8
#: A project symbol, by what it is and where: ``("global", path, name)``, ``("param", path,
#: qualname, name)``, ``("return", path, qualname)``, ``("attr", path, cls, attr)``,
#: ``("stored", path, owner, attr)`` (``owner`` empty: the objects the module is handed).
SymbolKey = tuple[str, ...]
#: First part of a symbol no module defines (state of the legacy library, such as OpenTracing's
#: global tracer) that a file may keep: its seed alone changes how the other files migrate.
AMBIENT = "ambient"


class Rules(Protocol):
    """What one legacy library contributes to the inference (kinds are the client's strings)."""

    #: the kind that means "kept on the legacy API"
    kept: str

    def external(self, qualified: str, called: bool) -> Optional[str]:
        """The kind of ``qualified`` (``opentracing.tracer``) or of calling it."""

    def member(self, owner: str, member: str, called: bool) -> Optional[str]:
        """The kind of ``<owner kind>.member`` or of calling it."""

    def evidence(self, member: str) -> Optional[str]:
        """The kind an object of unknown origin must be to have ``member`` called on it."""

    def annotation(self, qualified: str) -> Optional[str]:
        """The kind a parameter annotated with ``qualified`` (``opentracing.Tracer``) holds."""


@dataclass
class Function:
    qualname: str
    cls: Optional[str]
    params: list[str]
    #: the first parameter is the instance (a method that is not a staticmethod)
    bound: bool
    is_property: bool
    defaults: dict[str, Expr] = field(default_factory=dict)
    #: parameter -> the dotted class its hint names (:func:`hinted_class`)
    annotations: dict[str, str] = field(default_factory=dict)
    returns: list[Expr] = field(default_factory=list)
    #: what it yields (a generator fixture gives its tests that: ``fixtures.py``)
    yields: list[Expr] = field(default_factory=list)
    locals: dict[str, list[Expr]] = field(default_factory=dict)
    #: receiver (a name or ``self.<attr>``) -> members called or read on it
    uses: dict[Expr, set[str]] = field(default_factory=dict)
    #: names the function declares ``global``: its bindings of them bind module globals
    declared_global: set[str] = field(default_factory=set)


@dataclass
class Call:
    func: Expr
    args: list[Expr]
    keywords: dict[str, Expr]
    context: Optional[Function]


@dataclass
class Module:
    name: str
    path: str
    imports: dict[str, tuple[str, Optional[str]]] = field(default_factory=dict)
    globals: dict[str, list[Expr]] = field(default_factory=dict)
    #: globals bound in functions (``global g``): name -> [(value, qualname of the function)]
    global_sets: dict[str, list[tuple[Expr, str]]] = field(default_factory=dict)
    #: ``g.attr = value`` on a name that is not ``self`` (read back as ``g.attr`` or
    #: ``getattr(g, "attr", default)``):
    #: ``(g, attr)`` -> [(value, qualname of the function or None)]; a module-level ``g`` (a
    #: ``threading.local()``...) keeps what is stored on it like a global
    object_attrs: dict[tuple[str, str], list[tuple[Expr, Optional[str]]]] = field(
        default_factory=dict
    )
    functions: dict[str, Function] = field(default_factory=dict)
    #: class name -> attribute -> [(value, qualname of the method that sets it)]
    classes: dict[str, dict[str, list[tuple[Expr, str]]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    #: module-level uses of names (receivers), as for functions
    uses: dict[Expr, set[str]] = field(default_factory=dict)
    #: names and ``self.<name>`` read other than as the function of a call: functions handed
    #: out as values (callbacks) can be called from anywhere, so their parameters are unknown
    referenced: set[str] = field(default_factory=set)
    #: pytest fixtures by the name tests request them with (``fixtures.py``)
    fixtures: dict[str, list[fixtures.Fixture]] = field(default_factory=dict)
    #: calls whose result has its ``span.kind`` tagged right after (``kind_sites.py``)
    kind_callers: list[Call] = field(default_factory=list)


def module_name(path: str) -> str:
    """The dotted name ``path`` is imported by: up through the directories that are packages."""
    directory, base = os.path.split(os.path.abspath(path))
    parts = [] if base == "__init__.py" else [os.path.splitext(base)[0]]
    while os.path.exists(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        parts.insert(0, package)
    return ".".join(parts) or os.path.splitext(base)[0]


class _Reader(ast.NodeVisitor):
    """Builds one :class:`Module` from its ``ast``."""

    def __init__(self, module: Module, kind_tagged: frozenset[int] = frozenset()) -> None:
        self.m = module
        self.kind_tagged = kind_tagged
        self.stack: list[Function] = []
        self.classes: list[str] = []
        self.prefix: list[str] = []

    # -- scopes ------------------------------------------------------------------------------
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        qual = ".".join([*self.prefix, node.name])
        self.m.classes.setdefault(qual, {})
        if not self.stack:
            self.m.globals.setdefault(node.name, [])
        self.classes.append(qual)
        self.prefix.append(node.name)
        saved, self.stack = self.stack, []
        for statement in node.body:
            self.visit(statement)
        self.stack = saved
        self.prefix.pop()
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.AST) -> None:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        decorators = {dotted(from_ast(d)) for d in node.decorator_list}
        in_class = bool(self.classes) and not self.stack
        args = node.args
        positional = [a.arg for a in (*args.posonlyargs, *args.args)]
        params = [*positional, *(a.arg for a in args.kwonlyargs)]
        function = Function(
            ".".join([*self.prefix, node.name]),
            self.classes[-1] if in_class else None,
            params,
            in_class and "staticmethod" not in decorators and "classmethod" not in decorators,
            in_class
            and bool(decorators & {"property", "cached_property", "functools.cached_property"}),
        )
        defaults = [*([None] * (len(positional) - len(args.defaults))), *args.defaults]
        for name, default in zip(positional, defaults):
            if default is not None:
                function.defaults[name] = from_ast(default)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            if default is not None:
                function.defaults[arg.arg] = from_ast(default)
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            annotation = hinted_class(arg.annotation) if arg.annotation else None
            if annotation:
                function.annotations[arg.arg] = annotation
        self.m.functions[function.qualname] = function
        if not self.stack and not in_class:
            self.m.globals.setdefault(node.name, [])
        self.stack.append(function)
        self.prefix.append(node.name)
        for statement in node.body:
            self.visit(statement)
        self.prefix.pop()
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit(node.body)

    # -- bindings ----------------------------------------------------------------------------
    def _bind(self, target: ast.AST, value: Expr) -> None:
        if isinstance(target, ast.Name):
            if self.stack and target.id in self.stack[-1].declared_global:
                self.m.globals.setdefault(target.id, [])
                sets = self.m.global_sets.setdefault(target.id, [])
                sets.append((value, self.stack[-1].qualname))
                return
            table = self.stack[-1].locals if self.stack else self.m.globals
            table.setdefault(target.id, []).append(value)
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and self.stack
            and self.stack[-1].cls is not None
            and self.stack[-1].params[:1] == [target.value.id]
        ):
            attrs = self.m.classes[self.stack[-1].cls]
            attrs.setdefault(target.attr, []).append((value, self.stack[-1].qualname))
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            where = self.stack[-1].qualname if self.stack else None
            stores = self.m.object_attrs.setdefault((target.value.id, target.attr), [])
            stores.append((value, where))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element, OPAQUE)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = from_ast(node.value)
        for target in node.targets:
            self._bind(target, value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, from_ast(node.value))
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._bind(node.target, OPAQUE)
        self.generic_visit(node)

    def visit_For(self, node: ast.AST) -> None:
        self._bind(node.target, OPAQUE)  # type: ignore[attr-defined]  # For and AsyncFor share this visitor
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_withitem(self, node: ast.withitem) -> None:
        if node.optional_vars is not None:
            self._bind(node.optional_vars, from_ast(node.context_expr))
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind(node.target, from_ast(node.value))
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name and self.stack:
            self.stack[-1].locals.setdefault(node.name, []).append(OPAQUE)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        if self.stack:
            self.stack[-1].declared_global.update(node.names)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.m.imports[alias.asname] = (alias.name, None)
            else:
                top = alias.name.split(".")[0]
                self.m.imports[top] = (top, None)
            if self.stack:
                self.stack[-1].locals.pop(alias.asname or alias.name.split(".")[0], None)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = _absolute(self.m, node.module, node.level)
        for alias in node.names:
            if alias.name == "*":
                continue
            self.m.imports[alias.asname or alias.name] = (base, alias.name)

    def visit_Return(self, node: ast.Return) -> None:
        if self.stack:
            self.stack[-1].returns.append(from_ast(node.value) if node.value else NONE)
        self.generic_visit(node)

    def visit_Yield(self, node: ast.Yield) -> None:
        if self.stack:
            self.stack[-1].yields.append(from_ast(node.value) if node.value else NONE)
        self.generic_visit(node)

    # -- uses --------------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute, called: bool = False) -> None:
        if isinstance(node.ctx, ast.Load) and not called:
            self.m.referenced.add(node.attr)
        receiver = from_ast(node.value)
        if receiver[0] == "name" or (receiver[0] == "attr" and receiver[1][0] == "name"):  # type: ignore[index]  # the Expr tag at [0] fixes [1]
            uses = self.stack[-1].uses if self.stack else self.m.uses
            uses.setdefault(receiver, set()).add(node.attr)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.m.referenced.add(node.id)

    def _is_partial(self, func: ast.AST) -> bool:
        """``functools.partial`` (or ``partial`` imported from it)."""
        name = dotted(from_ast(func))
        if name is None:
            return False
        head, _, rest = name.partition(".")
        return self.m.imports.get(head) == (
            ("functools", None) if rest == "partial" else ("functools", "partial")
        ) and rest in ("partial", "")

    def _visit_callee(self, func: ast.AST) -> None:
        """The function of a call: its own name is not a reference, what it is made of is."""
        if isinstance(func, ast.Name):
            return
        if isinstance(func, ast.Attribute):
            self.visit_Attribute(func, called=True)
            return
        self.visit(func)

    def visit_Call(self, node: ast.Call) -> None:
        if not any(isinstance(a, ast.Starred) for a in node.args) and all(
            k.arg is not None for k in node.keywords
        ):
            self.m.calls.append(
                Call(
                    from_ast(node.func),
                    [from_ast(a) for a in node.args],
                    {str(k.arg): from_ast(k.value) for k in node.keywords},
                    self.stack[-1] if self.stack else None,
                )
            )
            if id(node) in self.kind_tagged:
                self.m.kind_callers.append(self.m.calls[-1])
            if node.args and self._is_partial(node.func):  # binds the arguments it is given
                call = self.m.calls[-1]
                self.m.calls.append(Call(call.args[0], call.args[1:], call.keywords, call.context))
        self._visit_callee(node.func)
        for item in (*node.args, *node.keywords):
            self.visit(item)


def is_project_object(kind: Optional[str]) -> bool:
    """An instance or class of the project (a test double, a wrapper): given to a parameter
    that other evidence shows to hold a legacy object, it does not make the parameter unknown;
    the call site is marked instead (the library now takes the new API's object)."""
    return kind is not None and kind.startswith(("instance:", "class:"))


def _is_kind(kind: Optional[str]) -> bool:
    """A kind of the legacy API (not a project object, a function, ``unknown``, ``migrated``)."""
    return kind is not None and ":" not in kind and kind not in (UNKNOWN, MIGRATED)


def hinted_class(hint: ast.expr) -> Optional[str]:
    """The dotted class a hint names: ``Tracer``, ``Optional[Tracer]``, ``Union[Tracer, None]``,
    ``Tracer | None`` (a parameter that may be ``None`` holds that class when it holds anything);
    ``None`` for a union of classes or any other hint."""
    if isinstance(hint, ast.Subscript):
        head = dotted(from_ast(hint.value)) or ""
        if head.rpartition(".")[2] not in ("Optional", "Union"):
            return None
        members = hint.slice.elts if isinstance(hint.slice, ast.Tuple) else [hint.slice]
    elif isinstance(hint, ast.BinOp) and isinstance(hint.op, ast.BitOr):
        members = [hint.left, hint.right]
    else:
        return dotted(from_ast(hint))
    named = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
    return dotted(from_ast(named[0])) if len(named) == 1 else None


def _absolute(module: Module, name: Optional[str], level: int) -> str:
    if not level:
        return name or ""
    package = module.name.split(".")
    if not module.path.endswith("__init__.py"):
        package = package[:-1]
    if level > 1:
        package = package[: len(package) - (level - 1)]
    return ".".join([*package, *([name] if name else [])])


def read_module(path: str, source: str) -> Optional[Module]:
    """The symbol table of one file, or ``None`` if it does not parse (it is reported later)."""
    try:
        tree = ast.parse(source, path)
    except (SyntaxError, ValueError):
        return None
    module = Module(module_name(path), os.path.abspath(path))
    tagged = kind_tagged_calls(tree) if "set_tag" in source else ()  # a second walk: rarely
    _Reader(module, frozenset(tagged)).visit(tree)
    module.fixtures = fixtures.read(tree)
    fixtures.give_yields(module)
    return module


class ProjectIndex:
    """Kinds of the symbols of every indexed module; see the module docstring."""

    def __init__(self, modules: Iterable[Module], rules: Rules) -> None:
        self.rules = rules
        self.modules: dict[str, list[Module]] = {}
        self.by_path: dict[str, Module] = {}
        for module in modules:
            self.modules.setdefault(module.name, []).append(module)
            self.by_path[module.path] = module
        self._table: dict[SymbolKey, Optional[str]] = {}
        self._previous: dict[SymbolKey, Optional[str]] = {}
        self._active: set[SymbolKey] = set()
        self._arguments: dict[SymbolKey, list[tuple[Module, Optional[Function], Expr]]] = {}
        self._seeds: set[SymbolKey] = set()
        self._referenced = set().union(*(m.referenced for m in self.by_path.values()))
        #: path -> text of each indexed module, for clients that read another module's facts
        self.sources: dict[str, str] = {}
        #: path -> the text a project-wide pre-pass gave a module before it was indexed
        #: (``double_plan.py``): what its migration starts from
        self.rewritten: dict[str, str] = {}
        #: path of a Django settings module the pre-pass took -> the start-up files it gave the
        #: instrumentation that replaces its tracing middleware (``django_entry.py``; maybe none)
        self.django_entries: dict[str, list[str]] = {}
        #: whether the pre-pass took a django_opentracing settings module: views reading its
        #: tracing object convert with it (``transforms/django_views.py``)
        self.django_views = False
        #: symbols whose kind came from the members called on them
        self.from_usage: set[SymbolKey] = set()
        #: paths of the modules with symbols of a legacy kind (:meth:`holds_kinds`)
        self._holding: Optional[set[str]] = None
        #: project objects given to a parameter of a legacy kind: (path, qualname, expr) -> kind
        self._doubles: dict[tuple[str, Optional[str], Expr], str] = {}
        #: the same modules solved with other rules (:meth:`under`), by the rules' type
        self._views: dict[type, ProjectIndex] = {}
        #: (path, qualname) of the functions :meth:`wants_kind` says yes to, once asked
        self._kind_wanted: Optional[set[tuple[str, str]]] = None
        #: modules by the trailing parts of their path (:meth:`_path_suffixes`)
        self._by_suffix: Optional[dict[tuple[str, ...], list[Module]]] = None
        self._solve()

    def filled_with(self, key: SymbolKey) -> list[Optional[str]]:
        """The kind of each argument the project's call sites give the parameter ``key``, one by
        one (``None``: a value the index cannot follow, a star import's name...)."""
        return [
            self.value(caller, context, v) for caller, context, v in self._arguments.get(key, ())
        ]

    def under(self, rules: Rules) -> ProjectIndex:
        """The same modules solved with ``rules``: a finer question about the same flows
        (solved once, on first use)."""
        view = self._views.get(type(rules))
        if view is None:
            view = self._views[type(rules)] = ProjectIndex(self.by_path.values(), rules)
        return view

    # -- solving -----------------------------------------------------------------------------
    def _solve(self) -> None:
        for _ in range(MAX_ROUNDS):
            self._table = {}
            self._holding = None
            self._doubles = {}
            self.from_usage = set()
            self._arguments = self._collect_arguments()
            for module in self.by_path.values():
                for function in module.functions.values():
                    for param in function.params:
                        self.param(module, function, param)
                    self.returns(module, function)
                for cls, attrs in module.classes.items():
                    for attr in attrs:
                        self.member(module, cls, attr)
                for name in module.globals:
                    self.global_value(module, name)
            if self._table == self._previous:
                return
            self._previous = self._table

    def _collect_arguments(self) -> dict[SymbolKey, list[tuple[Module, Optional[Function], Expr]]]:
        found: dict[SymbolKey, list[tuple[Module, Optional[Function], Expr]]] = {}
        for module in self.by_path.values():
            for call in module.calls:
                target = self.callee(module, call.context, call.func)
                if target is None:
                    continue
                owner, function, skip = target
                positional = function.params[1:] if skip else function.params
                pairs = list(zip(positional, call.args)) + list(call.keywords.items())
                for param, value in pairs:
                    key = ("param", owner.path, function.qualname, param)
                    found.setdefault(key, []).append((module, call.context, value))
        return found

    def _symbol(self, key: SymbolKey, compute: Callable[[], Optional[str]]) -> Optional[str]:
        if key in self._table:
            return self._table[key]
        if key in self._active:
            return self._previous.get(key)
        self._active.add(key)
        try:
            found = compute()
        finally:
            self._active.discard(key)
        if key in self._seeds and found is not None:
            found = self.rules.kept
        self._table[key] = found
        return found

    def join(self, values: Iterable[Optional[str]]) -> Optional[str]:
        found = {v for v in values if v is not None}
        if not found:
            return None
        if self.rules.kept in found:
            return self.rules.kept
        return found.pop() if len(found) == 1 else UNKNOWN

    # -- symbols -----------------------------------------------------------------------------
    def global_value(self, module: Module, name: str) -> Optional[str]:
        def compute() -> Optional[str]:
            if f"{name}" in module.functions and module.functions[name].cls is None:
                return f"function:{module.path}:{name}"
            if name in module.classes:
                return f"class:{module.path}:{name}"
            values = [self.value(module, None, v) for v in module.globals.get(name, ())]
            values += [
                self.value(module, module.functions[q], v)
                for v, q in module.global_sets.get(name, ())
            ]
            if values:
                return self.join(values)
            if name in module.imports:
                return self.imported(module, name)
            return None

        return self._symbol(("global", module.path, name), compute)

    def imported(self, module: Module, local: str) -> Optional[str]:
        source, name = module.imports[local]
        if name is None:
            target = self.resolve(source, module)
            return f"module:{target.path}" if target else f"qual:{source}"
        target = self.resolve(source, module)
        if target is None:  # a package the index lacks may still hold a project module
            sub = self.resolve(f"{source}.{name}", module)
            return f"module:{sub.path}" if sub else f"qual:{source}.{name}"
        if name in target.globals or name in target.imports or name in target.functions:
            return self.global_value(target, name)
        sub = self.resolve(f"{source}.{name}", module)
        return f"module:{sub.path}" if sub else None

    def resolve(self, name: str, near: Module) -> Optional[Module]:
        """The project module imported as ``name`` from ``near`` (the closest one by path).

        A name no module is known by may still be a module of a namespace package (a directory
        without ``__init__.py``, importable from a script's directory): then the modules whose
        path ends with the name's parts are the candidates."""
        candidates = self.modules.get(name) or self._path_suffixes().get(tuple(name.split(".")))
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        return max(candidates, key=lambda m: len(os.path.commonpath([m.path, near.path])))

    def _path_suffixes(self) -> dict[tuple[str, ...], list[Module]]:
        """The modules by each trailing run of their path's parts (``lib/tracing.py``:
        ``("lib", "tracing")``, ...), built on the first name :meth:`resolve` misses."""
        if self._by_suffix is None:
            self._by_suffix = {}
            for path, module in self.by_path.items():
                parts = os.path.splitext(path)[0].split(os.sep)[1:]
                if parts[-1] == "__init__":
                    parts.pop()
                for start in range(len(parts) - 1):
                    self._by_suffix.setdefault(tuple(parts[start:]), []).append(module)
        return self._by_suffix

    def returns(self, module: Module, function: Function) -> Optional[str]:
        return self._symbol(
            ("return", module.path, function.qualname),
            lambda: self.join(self.value(module, function, v) for v in function.returns),
        )

    def member(self, module: Module, cls: str, attr: str) -> Optional[str]:
        def compute() -> Optional[str]:
            method = module.functions.get(f"{cls}.{attr}")
            if method is not None:
                if method.is_property:
                    return self.returns(module, method)
                return f"function:{module.path}:{method.qualname}"
            values = module.classes.get(cls, {}).get(attr)
            if not values:
                return None
            return self.join(self.value(module, module.functions[q], v) for v, q in values)

        found = self._symbol(("attr", module.path, cls, attr), compute)
        if found is None and cls in module.classes:
            key = ("attr", module.path, cls, attr)
            return self._by_usage(key, self._attr_uses(module, cls, attr))
        return found

    def _attr_uses(self, module: Module, cls: str, attr: str) -> set[str]:
        members: set[str] = set()
        for function in module.functions.values():
            if function.cls == cls and function.params:
                members |= function.uses.get(("attr", ("name", function.params[0]), attr), set())
        return members

    def param(self, module: Module, function: Function, name: str) -> Optional[str]:
        key = ("param", module.path, function.qualname, name)
        if function.bound and function.params[:1] == [name]:
            return f"instance:{module.path}:{function.cls}" if function.cls else None

        if function.qualname.rpartition(".")[2] in self._referenced:
            # handed out as a callback: called from where we cannot see (kept if a caller is),
            # unless the project's calls of it (a library's hook) all give one legacy kind
            def handed() -> Optional[str]:
                given = [self.value(c, f, v) for c, f, v in self._arguments.get(key, ())]
                joined = self.join(given)
                return joined if _is_kind(joined) and None not in given else UNKNOWN

            return self._symbol(key, handed)

        def compute() -> Optional[str]:
            values = []
            if name in function.defaults:
                values.append(self.value(module, None, function.defaults[name]))
            doubles: list[tuple[Module, Optional[Function], Expr, Optional[str]]] = []
            for caller, context, value in self._arguments.get(key, ()):
                found = self.value(caller, context, value)
                if is_project_object(found):
                    doubles.append((caller, context, value, found))
                else:
                    values.append(found)
            if key not in self._arguments and name not in function.defaults:
                values += fixtures.provided(self, module, function, name)
            joined = self.join(values)
            if joined is None and name in function.annotations:
                # a type hint, not a value: what the callers give (a scope's current span for
                # ``span: Span``) says more, so it counts only where they give nothing known
                joined = self._annotation(module, function.annotations[name])
            if doubles and joined is None:
                joined = self._by_usage(key, function.uses.get(("name", name), set()))
            # already migrated (a second run): the doubles stay doubles, as the first run said
            if doubles and not _is_kind(joined) and joined != MIGRATED:
                return self.join([joined, *(d[3] for d in doubles)])
            for caller, context, value, _ in doubles:
                site = (caller.path, context.qualname if context else None, value)
                self._doubles[site] = str(joined)
            return joined

        found = self._symbol(key, compute)
        if found is None:
            return self._by_usage(key, function.uses.get(("name", name), set()))
        return found

    def _rebound_param(self, module: Module, function: Function, name: str) -> Optional[str]:
        """A parameter the function binds again (``tracer = tracer or opentracing.tracer``):
        either what it was given or what it is bound to, so the join of both."""
        key = ("local", module.path, function.qualname, name)
        return self._symbol(
            key,
            lambda: self.join(
                [
                    self.param(module, function, name),
                    *(self.value(module, function, v) for v in function.locals[name]),
                ]
            ),
        )

    def _annotation(self, module: Module, annotation: str) -> Optional[str]:
        head, _, rest = annotation.partition(".")
        if head in module.imports:
            source, name = module.imports[head]
            annotation = ".".join(p for p in (source, name, rest) if p)
        return self.rules.annotation(annotation)

    def _by_usage(self, key: SymbolKey, members: set[str]) -> Optional[str]:
        kinds = {self.rules.evidence(m) for m in members} - {None}
        if len(kinds) != 1:
            return None
        kind = kinds.pop()
        if key in self._seeds:
            kind = self.rules.kept
        self.from_usage.add(key)
        return kind

    # -- expressions -------------------------------------------------------------------------
    def value(self, module: Module, function: Optional[Function], expr: Expr) -> Optional[str]:
        """The kind of ``expr`` evaluated in ``function`` (``None``: module level) of ``module``."""
        head = expr[0]
        if head == "name":
            name = str(expr[1])
            if function is not None:
                if name in function.params and name in function.locals:
                    return self._rebound_param(module, function, name)
                if name in function.params:
                    return self.param(module, function, name)
                if name in function.locals:
                    key = ("local", module.path, function.qualname, name)
                    return self._symbol(
                        key,
                        lambda: self.join(
                            self.value(module, function, v) for v in function.locals[name]
                        ),
                    )
                outer = self._enclosing(module, function)
                if outer is not None:
                    return self.value(module, outer, expr)
            return self.global_value(module, name)
        if head == "attr":
            owner_expr, attr = expr[1], str(expr[2])
            if (
                function is not None
                and function.cls is not None
                and function.bound
                and owner_expr == ("name", function.params[0])
            ):
                return self.member(module, function.cls, attr)
            stored = self._stored_key(module, function, owner_expr, attr)  # type: ignore[arg-type]  # the Expr tag at [0] fixes [1]
            if stored is not None:
                return self._stored(module, stored)
            return self._attribute(self.value(module, function, owner_expr), attr, False)  # type: ignore[arg-type]  # the Expr tag at [0] fixes [1]
        if head == "call":
            func = expr[1]
            if func[0] == "attr":  # type: ignore[index]  # a call's func is an Expr here
                owner = self.value(module, function, func[1])  # type: ignore[index]  # the Expr tag at [0] fixes [1]
                if owner is not None and owner.startswith(("instance:", "class:", "module:")):
                    return self._call(self._attribute(owner, str(func[2]), True))  # type: ignore[index]  # the Expr tag at [0] fixes [1]
                return self._attribute(owner, str(func[2]), True)  # type: ignore[index]  # the Expr tag at [0] fixes [1]
            return self._call(self.value(module, function, func))  # type: ignore[arg-type]  # a call's func is an Expr here
        if head == "join":
            return self.join(
                self.value(module, function, v) for v in cast("Sequence[Expr]", expr[1])
            )
        return UNKNOWN if head == "opaque" else None

    def _stored_key(
        self, module: Module, function: Optional[Function], owner: Expr, attr: str
    ) -> Optional[SymbolKey]:
        """The symbol of ``g.attr`` for a module-level ``g`` of ``module`` that the project
        stores ``attr`` on (``tls.active_span = span``), if ``owner`` is such a ``g`` here."""
        if owner[0] != "name":
            return None
        name = str(owner[1])
        scope = function
        while scope is not None:
            if name in scope.params or name in scope.locals:
                return self._private_key(module, scope, name, attr)
            scope = self._enclosing(module, scope)
        if (name, attr) not in module.object_attrs or name not in module.globals:
            return None
        return ("stored", module.path, name, attr)

    def _private_key(
        self, module: Module, function: Function, name: str, attr: str
    ) -> Optional[SymbolKey]:
        """``obj._attr`` on an object of unknown kind that this module stores ``_attr`` on
        (``context._span = span`` in one event handler, ``getattr(context, "_span", None)`` in
        another): a private attribute the module attaches to objects it is handed, one symbol
        for the whole module."""
        if not attr.startswith("_") or attr.startswith("__"):
            return None
        if not any(a == attr and o not in module.globals for o, a in module.object_attrs):
            return None
        if name in function.params and function.params[:1] == [name] and function.bound:
            return None
        owner = self.value(module, function, ("name", name))
        if owner is not None and owner != UNKNOWN:
            return None
        return ("stored", module.path, "", attr)

    def _stored(self, module: Module, key: SymbolKey) -> Optional[str]:
        def compute() -> Optional[str]:
            if key[2]:
                values = module.object_attrs[(key[2], key[3])]
            else:  # a private attribute on the objects the module is handed
                values = [
                    stored
                    for (owner, attr), stores in module.object_attrs.items()
                    if attr == key[3] and owner not in module.globals
                    for stored in stores
                ]
            return self.join(
                self.value(module, module.functions.get(q) if q else None, v) for v, q in values
            )

        return self._symbol(key, compute)

    def _enclosing(self, module: Module, function: Function) -> Optional[Function]:
        qualname = function.qualname.rpartition(".")[0]
        while qualname:
            outer = module.functions.get(qualname)
            if outer is not None:
                return outer
            qualname = qualname.rpartition(".")[0]
        return None

    def _attribute(self, owner: Optional[str], attr: str, called: bool) -> Optional[str]:
        if owner is None or owner == UNKNOWN:
            return None
        if owner == self.rules.kept:
            return owner
        prefix, _, rest = owner.partition(":")
        if prefix == "qual":
            found = self.rules.external(f"{rest}.{attr}", called)
            return found if found is not None or called else f"qual:{rest}.{attr}"
        if prefix == "module":
            target = self.by_path.get(rest)
            return None if target is None else self.global_value(target, attr)
        if prefix in ("instance", "class"):
            path, _, cls = rest.partition(":")
            target = self.by_path.get(path)
            return None if target is None else self.member(target, cls, attr)
        if prefix == "function":
            return None
        return self.rules.member(owner, attr, called)

    def _call(self, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        prefix, _, rest = value.partition(":")
        if prefix == "function":
            path, _, qualname = rest.partition(":")
            module = self.by_path[path]
            return self.returns(module, module.functions[qualname])
        if prefix == "class":
            return f"instance:{rest}"
        if prefix == "qual":
            return self.rules.external(rest, called=True)
        return value if value == self.rules.kept else None

    def callee(
        self, module: Module, function: Optional[Function], func: Expr
    ) -> Optional[tuple[Module, Function, bool]]:
        """The project function a call of ``func`` runs, and whether its first parameter is
        filled by the instance (methods, constructors)."""
        if func[0] == "attr":
            owner = self.value(module, function, func[1])  # type: ignore[arg-type]  # the Expr tag at [0] fixes [1]
            target = self._attribute(owner, str(func[2]), True) if owner else None
            bound = owner is not None and owner.startswith("instance:")
        else:
            target, bound = self.value(module, function, func), False
        if target is None:
            return None
        prefix, _, rest = target.partition(":")
        if prefix == "class":
            path, _, cls = rest.partition(":")
            owner_module = self.by_path.get(path)
            init = owner_module.functions.get(f"{cls}.__init__") if owner_module else None
            return (owner_module, init, True) if owner_module and init else None
        if prefix == "function":
            path, _, qualname = rest.partition(":")
            owner_module = self.by_path[path]
            called = owner_module.functions[qualname]
            return owner_module, called, bound and called.bound
        return None

    # -- feedback from the per-file rewrite ---------------------------------------------------
    def keep(self, keys: Iterable[SymbolKey]) -> bool:
        """Symbols a file kept on the legacy API (a site there could not be converted): they,
        and whatever flows into or out of them, are kept everywhere. True if anything changed."""
        new = set(keys) - self._seeds
        new |= fixtures.results(self, new) - self._seeds
        if not new:
            return False
        before = dict(self._previous)
        self._seeds |= new
        self._previous = {}
        self._solve()
        # a kind the table does not hold (a parameter nothing passes, known from its uses: asked
        # by the file, :meth:`_by_usage`) changes for the files all the same
        unsolved = any(key[0] != AMBIENT and self._previous.get(key) is None for key in new)
        return self._previous != before or unsolved or any(key[0] == AMBIENT for key in new)

    def keeps(self, key: SymbolKey) -> bool:
        """Whether a file kept ``key`` on the legacy API (told by :meth:`keep`)."""
        return key in self._seeds

    def symbol_for(
        self, module: Module, qualname: Optional[str], expr: Expr
    ) -> Optional[SymbolKey]:
        """The project symbol ``expr`` reads (a parameter, global, attribute, function result,
        followed through imports and single local bindings), if any."""
        return self._key(module, self.function(module, qualname), expr, 0)

    def _key(
        self, module: Module, function: Optional[Function], expr: Expr, depth: int
    ) -> Optional[SymbolKey]:
        if depth > 20:
            return None
        head = expr[0]
        if head == "name":
            name = str(expr[1])
            if function is not None:
                if name in function.params:
                    return ("param", module.path, function.qualname, name)
                values = function.locals.get(name)
                if values is not None:
                    if len(values) == 1:
                        return self._key(module, function, values[0], depth + 1)
                    return None
                outer = self._enclosing(module, function)
                if outer is not None:
                    return self._key(module, outer, expr, depth + 1)
            if name in module.imports and name not in module.globals:
                source, imported = module.imports[name]
                target = self.resolve(source, module) if imported else None
                if target is not None and imported is not None:
                    return self._key(target, None, ("name", imported), depth + 1)
                return None
            return ("global", module.path, name) if name in module.globals else None
        if head == "attr":
            owner_expr, attr = expr[1], str(expr[2])
            if (
                function is not None
                and function.cls
                and function.bound
                and owner_expr == ("name", function.params[0])
            ):
                return self._attr_key(module, function.cls, attr)
            stored = self._stored_key(module, function, owner_expr, attr)  # type: ignore[arg-type]  # the Expr tag at [0] fixes [1]
            if stored is not None:
                return stored
            owner = self.value(module, function, owner_expr)  # type: ignore[arg-type]  # the Expr tag at [0] fixes [1]
            prefix, _, rest = (owner or "").partition(":")
            if prefix in ("instance", "class"):
                path, _, cls = rest.partition(":")
                target = self.by_path.get(path)
                return self._attr_key(target, cls, attr) if target else None
            if prefix == "module":
                target = self.by_path.get(rest)
                return self._key(target, None, ("name", attr), depth + 1) if target else None
            return None
        if head == "call":
            callee = self.callee(module, function, expr[1])  # type: ignore[arg-type]  # the Expr tag at [0] fixes [1]
            if callee is None or callee[1].qualname.endswith(".__init__"):
                return None
            return ("return", callee[0].path, callee[1].qualname)
        return None

    def symbols_of(self, module: Module) -> set[SymbolKey]:
        """Every symbol ``module`` defines or reads from another project module (for a file
        left unchanged, which keeps all of them on the legacy API)."""
        keys: set[SymbolKey] = {("global", module.path, name) for name in module.globals}
        for function in module.functions.values():
            keys.add(("return", module.path, function.qualname))
            keys |= {("param", module.path, function.qualname, p) for p in function.params}
        for cls, attrs in module.classes.items():
            keys |= {self._attr_key(module, cls, attr) for attr in attrs}
        for local in module.imports:
            key = self._key(module, None, ("name", local), 0)
            if key is not None:
                keys.add(key)
        return keys

    def _attr_key(self, module: Module, cls: str, attr: str) -> SymbolKey:
        method = module.functions.get(f"{cls}.{attr}")
        if method is not None and method.is_property:
            return ("return", module.path, method.qualname)
        return ("attr", module.path, cls, attr)

    # -- questions from the per-file rewrite -------------------------------------------------
    def module_at(self, path: str) -> Optional[Module]:
        return self.by_path.get(os.path.abspath(path))

    def wants_kind(self, module: Module, function: Function) -> bool:
        """Whether a project call of ``function`` tags the kind of the span it returns right
        after (``kind_sites.py``): the function then takes the kind as a parameter."""
        if self._kind_wanted is None:
            self._kind_wanted = set()
            for caller in self.by_path.values():
                for call in caller.kind_callers:
                    target = self.callee(caller, call.context, call.func)
                    if target is not None and makes_span(target[1]):
                        self._kind_wanted.add((target[0].path, target[1].qualname))
        return (module.path, function.qualname) in self._kind_wanted

    def function(self, module: Module, qualname: Optional[str]) -> Optional[Function]:
        return module.functions.get(qualname) if qualname else None

    def kind(self, module: Module, qualname: Optional[str], expr: Expr) -> Optional[str]:
        """The kind of a LibCST expression (reduced by ``expr.from_cst``) where it stands."""
        return self.value(module, self.function(module, qualname), expr)

    def param_kinds(
        self, module: Module, qualname: Optional[str], func: Expr
    ) -> Optional[tuple[Sequence[str], dict[str, Optional[str]]]]:
        """For a call of ``func``: the parameters its positional arguments fill, and the kind
        of every parameter of the project function it calls (``None``: not a project call)."""
        target = self.callee(module, self.function(module, qualname), func)
        if target is None:
            return None
        owner, called, skip = target
        kinds = {p: self.param(owner, called, p) for p in called.params}
        return (called.params[1:] if skip else called.params), kinds

    def double_kind(self, module: Module, qualname: Optional[str], expr: Expr) -> Optional[str]:
        """The kind of the parameter a project object (a test double) is given to here, if the
        parameter holds a legacy kind (see :meth:`param`)."""
        if not self._doubles:
            return None
        return self._doubles.get((module.path, qualname, expr))

    def defines(self, module: str) -> bool:
        """Whether a module of the project is importable as ``module`` (its own packages)."""
        return module in self.modules

    def holds_kinds(self, path: str) -> bool:
        """Whether a symbol of the module at ``path`` has a kind of the legacy API (a file that
        never names the API may still use its objects, made elsewhere)."""
        if self._holding is None:
            table = self._previous or self._table
            self._holding = {key[1] for key, kind in table.items() if _is_kind(kind)}
        return os.path.abspath(path) in self._holding

    def symbol_kind(self, key: SymbolKey) -> Optional[str]:
        """The kind of a symbol named by :meth:`symbol_for` (as solved)."""
        return self._table.get(key, self._previous.get(key))

    def return_kind(self, module: Module, qualname: Optional[str]) -> Optional[str]:
        function = self.function(module, qualname)
        return None if function is None else self.returns(module, function)


def build(paths: Sequence[str], sources: dict[str, str], rules: Rules) -> ProjectIndex:
    """The index of the given files (``sources``: path -> text of each candidate), and of the
    project modules they import (:func:`with_imports`)."""
    modules = [m for m in (read_module(p, sources[p]) for p in paths if p in sources) if m]
    texts = {os.path.abspath(p): sources[p] for p in paths if p in sources}
    index = ProjectIndex(with_imports(modules, texts), rules)
    index.sources = texts
    return index


def with_imports(modules: list[Module], texts: dict[str, str]) -> list[Module]:
    """``modules`` and, transitively, the project modules they import that the pre-filter left
    out (a package ``__init__`` re-exporting a function, a helper that only passes an object on):
    a hand-off through them is a hand-off inside the project. Looked up by dotted name in the
    folders of the given files only (never the installed packages); their texts go to ``texts``."""
    if not modules:
        return modules
    root = os.path.commonpath([os.path.dirname(m.path) for m in modules])
    known = {m.path for m in modules}
    work = list(modules)
    while work:
        module = work.pop()
        for source, name in module.imports.values():
            for dotted_name in (source, f"{source}.{name}") if name else (source,):
                path = _locate(dotted_name, module, root)
                if path is None or path in known:
                    continue
                known.add(path)
                try:
                    with open(path, encoding="utf-8") as handle:
                        text = handle.read()
                except (OSError, UnicodeDecodeError):
                    continue
                found = read_module(path, text)
                if found is not None:
                    texts[path] = text
                    modules.append(found)
                    work.append(found)
    return modules


def _locate(dotted_name: str, near: Module, root: str) -> Optional[str]:
    """The file of module ``dotted_name`` as imported from ``near``: under the folder holding
    ``near``'s top package, or the closest folder above it up to ``root`` (a project's tests
    import its package from the project's folder, whatever folder the run was given); ``None``
    outside ``root``."""
    top = os.path.dirname(near.path)
    while os.path.exists(os.path.join(top, "__init__.py")):
        top = os.path.dirname(top)
    parts = dotted_name.split(".")
    bases = _folders_up(top, root)
    if os.path.commonpath([top, root]) != root:
        # the run was given a package's folder: the top package lies above ``root``, its
        # modules (``__init__.py`` included) inside it
        bases.insert(0, top)
    for base in bases:
        for candidate in (
            os.path.join(base, *parts) + ".py",
            os.path.join(base, *parts, "__init__.py"),
        ):
            inside = os.path.commonpath([candidate, root]) == root
            if inside and os.path.isfile(candidate):
                return os.path.abspath(candidate)
    return None


def _folders_up(folder: str, root: str) -> list[str]:
    """``folder`` and each folder above it, up to ``root`` (just ``root`` if outside it)."""
    found = []
    while os.path.commonpath([folder, root]) == root:
        found.append(folder)
        parent = os.path.dirname(folder)
        if folder == root or parent == folder:
            break
        folder = parent
    return found or [root]
