"""opencensus-ext-threading under the bridge: threads and executor tasks join the trace."""

import threading
from concurrent.futures import ThreadPoolExecutor

import harness
from opencensus.trace import config_integration, execution_context
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer

config_integration.trace_integrations(["threading"])
tracer = Tracer(sampler=AlwaysOnSampler())


def in_thread():
    with execution_context.get_opencensus_tracer().span("thread-work"):
        pass


with tracer.span("request"):
    thread = threading.Thread(target=in_thread, name="worker")
    thread.start()
    thread.join()
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: None).result()
harness.report()
