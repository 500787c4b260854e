"""OTLP over protobuf: encoders (``common``) and the ``grpc`` and ``http`` transports."""
