"""opencensus-ext-grpc's client and server interceptors under the bridge, on loopback."""

from concurrent import futures

import grpc
import harness
from google.protobuf import wrappers_pb2
from opencensus.ext.grpc.client_interceptor import OpenCensusClientInterceptor
from opencensus.ext.grpc.server_interceptor import OpenCensusServerInterceptor
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer


def echo(request, context):
    return wrappers_pb2.StringValue(value=request.value.upper())


handler = grpc.method_handlers_generic_handler(
    "demo.Echo",
    {
        "Say": grpc.unary_unary_rpc_method_handler(
            echo,
            request_deserializer=wrappers_pb2.StringValue.FromString,
            response_serializer=wrappers_pb2.StringValue.SerializeToString,
        )
    },
)
server = grpc.server(
    futures.ThreadPoolExecutor(max_workers=2),
    interceptors=[OpenCensusServerInterceptor(sampler=AlwaysOnSampler())],
)
server.add_generic_rpc_handlers((handler,))
port = server.add_insecure_port("127.0.0.1:0")
server.start()
tracer = Tracer(sampler=AlwaysOnSampler())
channel = grpc.intercept_channel(
    grpc.insecure_channel(f"127.0.0.1:{port}"), OpenCensusClientInterceptor(tracer)
)
say = channel.unary_unary(
    "/demo.Echo/Say",
    request_serializer=wrappers_pb2.StringValue.SerializeToString,
    response_deserializer=wrappers_pb2.StringValue.FromString,
)
with tracer.span("caller"):
    answer = say(wrappers_pb2.StringValue(value="hi"), timeout=5)
server.stop(0)
harness.report(answer=answer.value)
