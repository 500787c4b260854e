"""The base of every OpenTracing transform: shared state, helpers to build OpenTelemetry code."""

from __future__ import annotations

from typing import Mapping, Optional, TypeVar, cast

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, VisitorBasedCodemodCommand
from libcst.matchers._decorators import (
    CONSTRUCTED_LEAVE_MATCHER_ATTR,
    CONSTRUCTED_VISIT_MATCHER_ATTR,
    VISIT_NEGATIVE_MATCHER_ATTR,
    VISIT_POSITIVE_MATCHER_ATTR,
)
from libcst.metadata import Scope, ScopeProvider

from otelbridge.migration_tool.model import Kind, LegacyModel
from otelbridge.migration_tool.state import SOURCE_KEY, MigrationState


class LegacyTransform(VisitorBasedCodemodCommand):
    """One concern of the migration. Runs alone (``transform_module``) or composed per file.

    Subclasses implement ``visit_``/``leave_`` methods and decide on *original* nodes via
    :attr:`model`; they build replacements from the *updated* nodes so that other transforms'
    rewrites of the children are kept.
    """

    METADATA_DEPENDENCIES = (ScopeProvider,)

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in vars(cls).items():
            if any(hasattr(value, attr) for attr in _MATCHER_ATTRS):
                raise TypeError(
                    f"{cls.__name__}.{name}: LibCST matcher decorators are not honoured by the "
                    "composite traversal; test the node in the method instead"
                )

    def __init__(self, context: CodemodContext) -> None:
        # The composite traversal calls our visit_/leave_ methods itself, so LibCST's matcher
        # machinery is never used; gathering it (as ``MatcherDecoratableTransformer.__init__``
        # does, by introspecting every method) cost ~35 ms per transform per file.
        Codemod.__init__(self, context)
        cst.CSTTransformer.__init__(self)
        self._extra_visit_funcs = {}
        self._extra_leave_funcs = {}
        self._matchers = {}

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        from otelbridge.migration_tool.composite import apply_transforms

        return apply_transforms(self.context, tree, [type(self)])

    def transform_module(self, tree: cst.Module) -> cst.Module:
        # Metadata is resolved once by the pipeline, not per transform.
        return self.transform_module_impl(tree)

    @property
    def state(self) -> MigrationState:
        return MigrationState.of(self.context)

    @property
    def model(self) -> LegacyModel:
        return self.state.model

    @property
    def scopes(self) -> Mapping[cst.CSTNode, Optional[Scope]]:
        """The scope of each node (``ScopeProvider``'s metadata, which LibCST types as objects)."""
        return cast("Mapping[cst.CSTNode, Optional[Scope]]", self.metadata[ScopeProvider])

    def kind(self, node: cst.BaseExpression) -> Optional[Kind]:
        return self.state.model.kind(node)

    def flag(self, node: cst.CSTNode, rule: str, reason: str) -> None:
        """Mark a site left unchanged (see ``legacy.py`` for what this keeps on OpenTracing)."""
        self.state.flag(node, rule, reason)

    def spells(self, word: str) -> bool:
        """Whether the module's text may name ``word`` (yes when the text is not at hand): a
        transform with nothing to do in most files skips them at once."""
        source = self.state.context.scratch.get(SOURCE_KEY)
        return source is None or word in source

    def kept(self, node: cst.BaseExpression) -> bool:
        """Whether a partial conversion keeps ``node`` on OpenTracing: then it is left alone."""
        return self.state.model.kind(node) is Kind.LEGACY

    def rewrote(self) -> None:
        self.state.rewrites += 1

    def string(self, value: str) -> cst.SimpleString:
        """A string literal for ``value``, quoted as most of the module's strings are."""
        return string(value, self.state.quote)

    def otel(self, node: cst.CSTNode, module: str, obj: str) -> str:
        return self.state.otel(node, module, obj)

    def expr(
        self, node: cst.CSTNode, template: str, **nodes: cst.BaseExpression
    ) -> cst.BaseExpression:
        """Build an expression from a template.

        ``{trace}``, ``{propagate}``, ``{baggage}`` and ``{otel_context}`` become the local names of
        those OpenTelemetry modules (imported as needed); upper-case placeholder names are replaced
        by the given nodes, which keeps their formatting and comments.
        """
        local = {
            key: self.otel(node, *mod)
            for key, mod in OTEL_MODULES.items()
            if "{" + key + "}" in template
        }
        parsed = cst.parse_expression(template.format(**local))
        return _fill(parsed, nodes) if nodes else parsed


_MATCHER_ATTRS = (
    VISIT_POSITIVE_MATCHER_ATTR,
    VISIT_NEGATIVE_MATCHER_ATTR,
    CONSTRUCTED_VISIT_MATCHER_ATTR,
    CONSTRUCTED_LEAVE_MATCHER_ATTR,
)

OTEL_MODULES = {
    "trace": ("opentelemetry", "trace"),
    "propagate": ("opentelemetry", "propagate"),
    "baggage": ("opentelemetry", "baggage"),
    "otel_context": ("opentelemetry", "context"),
}


class _Fill(cst.CSTTransformer):
    def __init__(self, names: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self._names = names

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._names.get(updated_node.value, updated_node)


def _fill(template: cst.BaseExpression, names: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
    """Substitute placeholder names in a parsed template with existing (formatted) nodes."""
    result = template.visit(_Fill(names))
    assert isinstance(result, cst.BaseExpression)
    return result


#: Expressions that make no OpenTelemetry attribute value: the legacy tracers (and the bridge)
#: record their ``str()``, ``set_attribute()`` drops them.
NOT_ATTRIBUTE_VALUES = (cst.Dict, cst.DictComp, cst.Set, cst.SetComp)


def str_of(value: cst.BaseExpression) -> cst.Call:
    """``str(value)``: what the legacy tracers recorded for a value of no attribute type."""
    return cst.Call(cst.Name("str"), [cst.Arg(value)])


def literal(node: cst.BaseExpression) -> object:
    """The value of a simple literal (str, int, float, True/False/None), else ``NotImplemented``."""
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    if isinstance(node, cst.Integer):
        return int(node.value.replace("_", ""), 0)
    if isinstance(node, cst.Float):
        return float(node.value.replace("_", ""))
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    return NotImplemented


def string(value: str, quote: str = '"') -> cst.SimpleString:
    """A one-line string literal for ``value`` in ``quote`` marks."""
    return cst.SimpleString(
        quote + value.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote
    )


def arg(call: cst.Call, keyword: str, position: Optional[int] = None) -> Optional[cst.Arg]:
    """The argument passed as ``keyword=`` or at ``position``."""
    for index, item in enumerate(call.args):
        if item.keyword is not None:
            if item.keyword.value == keyword:
                return item
        elif item.star:
            continue
        elif position is not None and index == position:
            return item
    return None


Plan = TypeVar("Plan")


def planned(transform: LegacyTransform, key: str, kind: type[Plan]) -> Plan:
    """The file's plan of type ``kind`` that a transform's ``visit_Module`` put in the scratch
    under ``key`` (transforms placed after it in the pipeline read it while leaving nodes)."""
    plan = transform.state.context.scratch.get(key)
    assert isinstance(plan, kind), f"{kind.__name__} is planned in visit_Module"
    return plan


def sole_assignment(statement: cst.CSTNode) -> Optional[cst.Assign]:
    """The assignment that is the whole statement (``target = value``, one target), if it is one."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return None
    return small


def has_star_args(call: cst.Call) -> bool:
    return any(item.star for item in call.args)
