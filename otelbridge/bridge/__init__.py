"""No-code-change bridge: wires the shims and the SDK into a running program."""

from otelbridge.bridge.install import install, installed_tracer, uninstall

__all__ = ["install", "installed_tracer", "uninstall"]
