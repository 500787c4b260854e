"""Tracer set-up: jaeger-client ``Config().initialize_tracer()`` → ``otelbridge.sdk.configure()``.

``opentracing.set_global_tracer(t)`` and ``opentracing.tracer = t`` disappear when ``t`` is a tracer
we converted (``configure`` installs the global provider); scope managers passed to ``Config`` are
dropped (OpenTelemetry keeps the active span in ``contextvars``).
"""

from __future__ import annotations

from typing import Optional, Sequence, Union

import libcst as cst

from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.names import GLOBAL_TRACER_ATTRS, SET_GLOBAL_TRACER
from otelbridge.migration_tool.state import Unconvertible
from otelbridge.migration_tool.transforms.arguments import Review, keyword
from otelbridge.migration_tool.transforms.base import literal
from otelbridge.migration_tool.transforms.statements import StatementAware

#: jaeger sampler type -> (configure sampler name, whether ``param`` is the sampler argument).
SAMPLERS = {
    ("const", 1): ("parentbased_always_on", False),
    ("const", 0): ("parentbased_always_off", False),
    ("probabilistic", None): ("parentbased_traceidratio", True),
}
#: Config keys with no effect on what is recorded; dropped silently.
BENIGN_KEYS = frozenset({"logging"})
#: Config keyword arguments dropped silently.
BENIGN_KWARGS = frozenset({"validate", "scope_manager"})

_Statement = Union[cst.SimpleStatementLine, cst.FlattenSentinel, cst.RemovalSentinel]


class TracerSetup(StatementAware):
    DESCRIPTION = "jaeger-client tracer set-up to otelbridge.sdk.configure()."

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        #: ``cfg = Config(...)`` statements whose only use is ``cfg.initialize_tracer()``
        self._configs: dict[cst.Name, cst.Call] = {}
        self._consumed: set[cst.Call] = set()

    def _configure(self, node: cst.CSTNode, config: cst.Call) -> cst.BaseExpression:
        """The ``configure(...)`` call for a jaeger ``Config(...)``; raises :class:`Review`."""
        args: list[cst.Arg] = []
        dropped: list[str] = []
        for item in config.args:
            name = item.keyword.value if item.keyword is not None else None
            if item.star or (name is None and config.args.index(item) > 0):
                raise Review("jaeger Config() arguments cannot be mapped")
            if name in ("service_name",):
                args.append(keyword("service_name", item.value))
            elif name in BENIGN_KWARGS:
                continue
            elif name in ("config", None):
                args.extend(self._config_dict(item.value, dropped))
            else:
                dropped.append(f"{name}=")
        if not any(a.keyword is not None and a.keyword.value == "service_name" for a in args):
            raise Review("jaeger Config() without a literal service_name")
        if dropped:
            self.flag(
                node,
                "setup-settings",
                "jaeger settings not mapped (use OTEL_* variables or configure() overrides): "
                + ", ".join(dropped),
            )
        self.state.context.scratch.setdefault("otelbridge.configure", True)
        return cst.Call(cst.Name(self.otel(node, "otelbridge.sdk", "configure")), args)

    def _config_dict(self, node: cst.BaseExpression, dropped: list[str]) -> list[cst.Arg]:
        if not isinstance(node, cst.Dict):
            raise Review("jaeger config is not a dict literal")
        args: list[cst.Arg] = []
        for element in node.elements:
            key = literal(element.key) if isinstance(element, cst.DictElement) else None
            if not isinstance(key, str):
                raise Review("jaeger config has non-literal keys")
            assert isinstance(element, cst.DictElement)
            if key == "sampler":
                args.extend(self._sampler(element.value))
            elif key == "tags":
                args.append(keyword("resource_attributes", element.value))
            elif key not in BENIGN_KEYS:
                dropped.append(repr(key))
        return args

    def _sampler(self, node: cst.BaseExpression) -> list[cst.Arg]:
        settings: dict[str, cst.BaseExpression] = {}
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement) and isinstance(literal(element.key), str):
                    settings[str(literal(element.key))] = element.value
        kind = literal(settings["type"]) if "type" in settings else None
        param = settings.get("param")
        value = literal(param) if param is not None else None
        choice = SAMPLERS.get((kind, value)) or SAMPLERS.get((kind, None))  # type: ignore[arg-type]
        if choice is None or (choice[1] and param is None):
            raise Review("jaeger sampler has no OpenTelemetry equivalent (remote/rate limiting)")
        name, with_arg = choice
        args = [keyword("sampler", self.string(name))]
        if with_arg and param is not None:
            args.append(keyword("sampler_arg", param))
        return args

    # -- statements --------------------------------------------------------------------------
    def _init_call(self, node: cst.BaseExpression) -> Optional[cst.Call]:
        """The ``Config(...)`` call behind ``<config>.initialize_tracer()``, if ``node`` is one."""
        if not (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "initialize_tracer"
            and not node.args
            and self.kind(node.func.value) is Kind.JAEGER_CONFIG
        ):
            return None
        owner = node.func.value
        if isinstance(owner, cst.Call):
            return owner
        if isinstance(owner, cst.Name):
            for config_name, config in self._configs.items():
                if config_name.value == owner.value and self.model.scope(
                    config_name
                ) is self.model.scope(owner):
                    self._consumed.add(config)
                    return config
        return None

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> _Statement:
        if len(original_node.body) != 1:
            return updated_node
        small = original_node.body[0]
        try:
            if isinstance(small, cst.Assign):
                return self._assign(original_node, updated_node, small)
            if isinstance(small, cst.Expr):
                return self._expression(original_node, updated_node, small.value)
        except Review as review:
            self.flag(small, "setup", str(review))
        return updated_node

    def _assign(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine, small: cst.Assign
    ) -> _Statement:
        value = small.value
        target = small.targets[0].target if len(small.targets) == 1 else None
        kind = self.kind(value)
        if (
            kind is Kind.JAEGER_CONFIG
            and isinstance(value, cst.Call)
            and isinstance(target, cst.Name)
        ):
            assignment = self.model.assignment_of(target)
            if assignment is None or len(assignment.references) != 1:
                raise Review("jaeger Config object used other than by one initialize_tracer()")
            statement = cst.Expr(self._configure(small, value))
            self._configs[target] = value
            self.rewrote()
            return updated.with_changes(body=[statement])
        if (
            isinstance(target, cst.Attribute)
            and self.model.qualified_names(target) & GLOBAL_TRACER_ATTRS
        ):
            return self._drop_global(updated, value)
        config = self._init_call(value)
        if config is None:
            return updated
        self.rewrote()
        tracer = self.expr(small, "{trace}.get_tracer(__name__)")
        assign = updated.with_changes(body=[updated.body[0].with_changes(value=tracer)])
        if isinstance(value.func.value, cst.Name):  # type: ignore[attr-defined]
            return assign  # the Config statement already became configure(...)
        return cst.FlattenSentinel(
            [
                updated.with_changes(body=[cst.Expr(self._configure(small, config))]),
                assign.with_changes(leading_lines=[]),
            ]
        )

    def _expression(
        self,
        original: cst.SimpleStatementLine,
        updated: cst.SimpleStatementLine,
        value: cst.BaseExpression,
    ) -> _Statement:
        config = self._init_call(value)
        if config is not None:
            self.rewrote()
            if isinstance(value.func.value, cst.Name):  # type: ignore[attr-defined]
                return cst.RemoveFromParent()
            return updated.with_changes(body=[cst.Expr(self._configure(value, config))])
        if (
            isinstance(value, cst.Call)
            and len(value.args) == 1
            and self.model.qualified_names(value.func) & SET_GLOBAL_TRACER
        ):
            return self._drop_global(updated, value.args[0].value)
        return updated

    def _drop_global(
        self, updated: cst.SimpleStatementLine, tracer: cst.BaseExpression
    ) -> _Statement:
        if self.kept(tracer):  # the legacy tracer stays: so does making it global
            return updated
        if self.kind(tracer) is not Kind.TRACER:
            raise Review("global tracer set to a tracer of unknown type")
        self.rewrote()
        return cst.RemoveFromParent()

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if set(self._configs.values()) - self._consumed:
            raise Unconvertible("jaeger Config object used other than by initialize_tracer()")
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "initialize_tracer"
            and not self.discarded(original_node)
            and self.kind(func.value) is Kind.JAEGER_CONFIG
        ):
            self.statement_level_only(original_node)
        return updated_node

    def statement_level_only(self, node: cst.Call) -> None:
        """Set-up that is not ``x = ...initialize_tracer()`` or a bare call is reported."""
        parents: Sequence[cst.CSTNode] = self.state.statements[-1:]
        statement = parents[0] if parents else None
        if not (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Assign)
            and statement.body[0].value is node
        ):
            self.flag(
                node,
                "setup",
                "initialize_tracer() used inside an expression: rewrite by hand to configure()",
            )
