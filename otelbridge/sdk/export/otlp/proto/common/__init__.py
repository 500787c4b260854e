"""OTLP encoders shared by the gRPC and HTTP exporters."""
