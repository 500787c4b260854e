"""opencensus-ext-sqlalchemy under the bridge (SQLite in memory)."""

import harness
import sqlalchemy
from opencensus.trace import config_integration
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer

config_integration.trace_integrations(["sqlalchemy"])
engine = sqlalchemy.create_engine("sqlite://")
tracer = Tracer(sampler=AlwaysOnSampler())
with tracer.span("handler"):
    value = engine.execute("select 41 + 1").scalar()
harness.report(value=value, version=sqlalchemy.__version__)
