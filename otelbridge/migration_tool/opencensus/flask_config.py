"""``app.config['OPENCENSUS'] = {'TRACE': {...}}``: the set-up Flask's OpenCensus middleware reads.

``FlaskMiddleware(app)`` takes the sampler, exporter and propagator it is not given from the
app's ``OPENCENSUS['TRACE']`` config when it is made (strings OpenCensus evaluates, as in Django's
settings), and leaves the ``EXCLUDELIST_PATHS`` untraced. A literal config assigned in the block
that makes the middleware, above it, moves into ``configure()`` and
``instrument_app(excluded_urls=)``, and the assignment goes. A config the codemod cannot read
whole keeps the middleware on OpenCensus, saying why: migrating without it would silently change
the sampling rate and drop the exporter. A config set out of sight (``app.config.from_object``)
is not read: a note says so.
"""

from __future__ import annotations

import dataclasses
from typing import Optional, Union

import libcst as cst

from otelbridge.migration_tool.opencensus.django_settings import excluded_urls, settings_setup
from otelbridge.migration_tool.opencensus.setup import Setup
from otelbridge.migration_tool.transforms.base import literal
from otelbridge.migration_tool.walk import walk

KEY = "OPENCENSUS"
METRICS_NOTE = (
    "app.config['OPENCENSUS']['METRICS'] went too: OpenCensus' Flask middleware never read it "
    "(metrics are exported by configure(metric_readers=[...]))"
)


@dataclasses.dataclass
class FlaskConfig:
    """An app's literal OpenCensus config, read by :func:`read`."""

    #: ``app.config['OPENCENSUS'] = {...}``, which goes once its values are in ``configure()``
    statement: cst.SimpleStatementLine
    setup: Setup
    #: ``instrument_app(excluded_urls=)`` for its ``EXCLUDELIST_PATHS`` ("" when none)
    excluded_urls: str


def read(
    module: cst.Module, middleware: cst.SimpleStatementLine, app: cst.BaseExpression
) -> Union[FlaskConfig, str, None]:
    """The OpenCensus config of ``app`` that the ``FlaskMiddleware`` made in ``middleware``
    reads; ``None`` when the module names no such config, else why it cannot move."""
    mentions = [node for node in walk(module) if _is_key(node)]
    if not mentions:
        return None
    shown = f"{cst.Module([]).code_for_node(app)}.config[{KEY!r}]"
    block = _block(module, middleware)
    above = block[: block.index(middleware)] if block is not None else []
    assignments = [
        statement
        for statement in above
        if isinstance(statement, cst.SimpleStatementLine) and _assigns_config(statement, app)
    ]
    if len(assignments) != 1 or len(mentions) != 1:
        return (
            f"{shown} is set or read other than by one literal assignment above the middleware, "
            "in its block: move its values into configure() by hand"
        )
    statement = assignments[0]
    small = cst.ensure_type(statement.body[0], cst.Assign)  # as _assigns_config found it
    try:
        setup, metrics, excluded = settings_setup(module, small.value, shown)
    except ValueError as exc:
        return str(exc)
    if metrics:
        setup.notes.append(METRICS_NOTE)
    return FlaskConfig(statement, setup, excluded_urls(excluded) if excluded else "")


def names_key(module: cst.Module) -> bool:
    """Whether ``module`` names the config key anywhere."""
    return any(_is_key(node) for node in walk(module))


def _is_key(node: cst.CSTNode) -> bool:
    """Whether ``node`` spells the config key: ``'OPENCENSUS'``, or ``OPENCENSUS=`` given to a
    call (``app.config.update(OPENCENSUS=...)``)."""
    if isinstance(node, cst.SimpleString):
        return literal(node) == KEY
    return isinstance(node, cst.Arg) and node.keyword is not None and node.keyword.value == KEY


def _assigns_config(statement: cst.SimpleStatementLine, app: cst.BaseExpression) -> bool:
    """Whether ``statement`` is ``app.config['OPENCENSUS'] = ...``."""
    small = statement.body[0] if len(statement.body) == 1 else None
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return False
    target = small.targets[0].target
    if not (isinstance(target, cst.Subscript) and len(target.slice) == 1):
        return False
    index = target.slice[0].slice
    owner = target.value
    return (
        isinstance(index, cst.Index)
        and literal(index.value) == KEY
        and isinstance(owner, cst.Attribute)
        and owner.attr.value == "config"
        and owner.value.deep_equals(app)
    )


def _block(module: cst.Module, statement: cst.CSTNode) -> Optional[list[cst.CSTNode]]:
    """The statements of the block (module or indented body) that holds ``statement``."""
    for node in walk(module):
        if isinstance(node, (cst.Module, cst.IndentedBlock)) and any(
            child is statement for child in node.body
        ):
            return list(node.body)
    return None
