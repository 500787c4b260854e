"""What one file's migration shares with the other files of the project, in both directions.

The whole-project index (``engine/index.py``) gives a file the kinds of what it reads from other
modules; the file's own partial conversion (``legacy.py``) may then keep some of those objects on
OpenTracing (a site using them could not be converted), or keep something it hands out (a
function's result, an attribute, a module global, an argument of a project function). Either way
the other end must be kept too, or one side would call the OpenTracing API on an OpenTelemetry
object:

- :func:`kept_symbols` names the shared symbols this file keeps; the runner feeds them back to
  the index (:meth:`ProjectIndex.keep`) and migrates the project again until nothing more is kept;
- :func:`kept_sinks` flags what this file hands to a symbol the index says is kept, so that the
  partial conversion keeps it here too.
"""

from __future__ import annotations

from typing import Iterator, Optional
from weakref import WeakKeyDictionary

import libcst as cst

from otelbridge.migration_tool.engine.expr import from_cst
from otelbridge.migration_tool.engine.fixtures import is_fixture
from otelbridge.migration_tool.engine.index import SymbolKey
from otelbridge.migration_tool.global_patches import GLOBAL_TRACER, keeps_global_tracer
from otelbridge.migration_tool.model import CONVERTIBLE, Kind, bound_call
from otelbridge.migration_tool.state import Flag, MigrationState
from otelbridge.migration_tool.walk import walk

_SHARED = ("param", "return", "attr", "global", "stored")


def _operands(value: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The values ``value`` may evaluate to: each operand of ``a or b`` and ``x if c else y``
    (``self._tracer or opentracing.tracer`` hands both on)."""
    if isinstance(value, cst.BooleanOperation):
        yield from _operands(value.left)
        yield from _operands(value.right)
    elif isinstance(value, cst.IfExp):
        yield from _operands(value.body)
        yield from _operands(value.orelse)
    else:
        yield value


#: ``_flows`` of each state: asked for by the plan of a pass and again for the report of the file
_FLOWS: WeakKeyDictionary[MigrationState, list[tuple[SymbolKey, cst.BaseExpression]]] = (
    WeakKeyDictionary()
)


def _flows(state: MigrationState) -> list[tuple[SymbolKey, cst.BaseExpression]]:
    """Each value the file hands to a shared symbol: ``(symbol, value)``."""
    found = _FLOWS.get(state)
    if found is None:
        found = _FLOWS[state] = [
            (key, operand) for key, value in _handed(state) for operand in _operands(value)
        ]
    return found


def _handed(state: MigrationState) -> Iterator[tuple[SymbolKey, cst.BaseExpression]]:
    model = state.model
    assert model.project is not None
    index, module = model.project
    for node in walk(state.wrapper.module):
        if isinstance(node, (cst.Return, cst.Yield)) and isinstance(
            node.value, cst.BaseExpression
        ):
            qualname = model.qualname(node.value)
            # a fixture's yields are its result (``fixtures.give_yields``)
            if qualname and (isinstance(node, cst.Return) or is_fixture(module, qualname)):
                yield ("return", module.path, qualname), node.value
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                key = index.symbol_for(
                    module, model.qualname(target.target), from_cst(target.target)
                )
                if key is not None and key[0] in ("attr", "global", "stored"):
                    yield key, node.value
        elif isinstance(node, cst.Call) and node.args:
            yield from _arguments(state, node)


def _arguments(
    state: MigrationState, call: cst.Call
) -> Iterator[tuple[SymbolKey, cst.BaseExpression]]:
    model = state.model
    assert model.project is not None
    index, module = model.project
    qualname = model.qualname(call)
    func, args = bound_call(model, call)
    target = index.callee(module, index.function(module, qualname), from_cst(func))
    if target is None:
        return
    owner, function, skip = target
    positional = function.params[1:] if skip else function.params
    for number, item in enumerate(args):
        name: Optional[str] = None
        if item.keyword is not None:
            name = item.keyword.value
        elif not item.star and number < len(positional):
            name = positional[number]
        if name is not None:
            yield ("param", owner.path, function.qualname, name), item.value


def kept_symbols(state: MigrationState) -> set[SymbolKey]:
    """Project symbols the file in ``state`` keeps on OpenTracing."""
    model = state.model
    if model.project is None:
        return set()
    index, module = model.project
    keys: set[SymbolKey] = set()
    for node in model.frozen:  # an object from elsewhere, or a tracer held, used at a kept site
        shared = node in model.from_project or node in model.held
        if shared and isinstance(node, cst.BaseExpression):
            key = index.symbol_for(module, model.qualname(node), from_cst(node))
            if key is not None and key[0] in _SHARED:
                keys.add(key)
    for key, value in _flows(state):  # something kept here, handed out
        if model.kind(value) is Kind.LEGACY:
            keys.add(key)
    if keeps_global_tracer(state):  # patches of it elsewhere stay (``global_patches.py``)
        keys.add((*GLOBAL_TRACER, module.path))
    return keys


KEPT_FLOW = "{kind} handed to {what}, kept on OpenTracing elsewhere in the project: kept too"


def kept_sinks(state: MigrationState) -> list[Flag]:
    """Sites handing a convertible object to a shared symbol the index keeps on OpenTracing."""
    model = state.model
    if model.project is None:
        return []
    index, _ = model.project
    flags = []
    for key, value in _flows(state):
        kind = model.kind(value)
        if kind in CONVERTIBLE and index.symbol_kind(key) == Kind.LEGACY.value:
            assert kind is not None
            what = {
                "param": "a parameter",
                "return": "the callers",
                "attr": "an attribute",
                "stored": "an attribute of a module-level object",
            }
            reason = KEPT_FLOW.format(kind=kind.value, what=what.get(key[0], "a module global"))
            flags.append(Flag(None, value, "kept-flow", reason))
    return flags
