"""Instance attributes of a module's classes: ``self.tracer = Tracer(...)`` in ``__init__``,
read as ``self.tracer`` in the class's methods.

Services written as classes keep their OpenCensus tracer on the instance. Such an attribute is
one object for the analysis, like a name bound in one scope: every store and every load of it
is known when each happens through a method's own first parameter, in the class that defines
the methods, and nowhere else in the module names that attribute on another receiver.
"""

from __future__ import annotations

import dataclasses
from typing import Iterator, Mapping

import libcst as cst

from otelbridge.migration_tool.walk import walk

#: Decorators whose methods have no instance as their first parameter.
_NOT_INSTANCE = frozenset({"staticmethod", "classmethod"})
#: What holds ``self.attr`` other than a read: a store other than ``self.attr = value``, a
#: ``del``, or an element of a tuple or list (unpacked into, or built and passed on).
_NOT_A_LOAD = (
    cst.AssignTarget,
    cst.AugAssign,
    cst.Del,
    cst.AnnAssign,
    cst.Tuple,
    cst.List,
    cst.StarredElement,
    cst.Element,
)


@dataclasses.dataclass
class InstanceAttribute:
    """One attribute of a class's instances, as its methods use it."""

    cls: cst.ClassDef
    #: the attribute's name, and how it is shown (``self.tracer``)
    attr: str
    shown: str
    #: the value of each ``self.attr = value``
    values: list[cst.BaseExpression]
    #: each ``self.attr`` read
    loads: list[cst.Attribute]
    #: why the stores and loads are not all known ("" when they are)
    unknown: str = ""


def instance_attributes(
    module: cst.Module, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> Iterator[InstanceAttribute]:
    """The instance attributes of the module-level classes, with their stores and loads."""
    classes = [s for s in module.body if isinstance(s, cst.ClassDef)]
    found: dict[tuple[cst.ClassDef, str], InstanceAttribute] = {}
    own: set[cst.Attribute] = set()
    for cls in classes:
        for method in _methods(cls):
            owner = method.params.params[0].name.value
            for node in walk(method.body):
                if not (
                    isinstance(node, cst.Attribute)
                    and isinstance(node.value, cst.Name)
                    and node.value.value == owner
                ):
                    continue
                own.add(node)
                attr = node.attr.value
                entry = found.setdefault(
                    (cls, attr), InstanceAttribute(cls, attr, f"{owner}.{attr}", [], [])
                )
                _add_use(entry, node, parents)
    by_name: dict[str, list[InstanceAttribute]] = {}
    for entry in found.values():
        by_name.setdefault(entry.attr, []).append(entry)
    # the same attribute read or set on another receiver (an import's dotted name is none)
    for node in walk(module, (cst.Import, cst.ImportFrom)):
        if isinstance(node, cst.Attribute) and node not in own:
            for entry in by_name.get(node.attr.value, ()):
                entry.unknown = entry.unknown or (
                    f"{entry.attr!r} is also used on objects other than the instance's own"
                )
    yield from found.values()


def _methods(cls: cst.ClassDef) -> Iterator[cst.FunctionDef]:
    """The class's methods that take the instance first."""
    for statement in cls.body.body:
        if not isinstance(statement, cst.FunctionDef) or not statement.params.params:
            continue
        decorators = {
            d.decorator.value for d in statement.decorators if isinstance(d.decorator, cst.Name)
        }
        if not decorators & _NOT_INSTANCE:
            yield statement


def _add_use(
    entry: InstanceAttribute, node: cst.Attribute, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> None:
    """``node`` (``self.attr``) as a store with its value, a load, or something unknown."""
    parent = parents.get(node)
    if isinstance(parent, cst.AssignTarget) and parent.target is node:
        assign = parents.get(parent)
        if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
            entry.values.append(assign.value)
            return
    elif not isinstance(parent, _NOT_A_LOAD):
        entry.loads.append(node)
        return
    entry.unknown = entry.unknown or f"{entry.shown} is set other than by `{entry.shown} = value`"
