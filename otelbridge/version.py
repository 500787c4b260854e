"""The distribution's version: the one place it is written (pyproject.toml reads it from here).

A constant rather than ``importlib.metadata``, which would load some thirty modules into every
program that imports any part of otelbridge.
"""

__version__ = "0.1.0"
