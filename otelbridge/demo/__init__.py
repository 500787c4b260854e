"""The built-in workload ``otelbridge demo`` traces (each part in its own module)."""

from otelbridge.demo.native import run_native_workload

__all__ = ["run_native_workload"]
