"""opencensus-ext-logging under the bridge: log records carry the current span's ids."""

import logging

import harness
from opencensus.trace import config_integration
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer

config_integration.trace_integrations(["logging"])
records = []


class Keep(logging.Handler):
    def emit(self, record):
        records.append({"trace": record.traceId, "span": record.spanId, "msg": record.msg})


logger = logging.getLogger("app")
logger.addHandler(Keep())
logger.setLevel(logging.INFO)
tracer = Tracer(sampler=AlwaysOnSampler())
with tracer.span("outer"):
    logger.info("in outer")
    with tracer.span("inner"):
        logger.info("in inner")
harness.report(records=records)
