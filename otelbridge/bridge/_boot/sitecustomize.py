"""Run by Python at start-up in programs launched with ``otelbridge run``.

``otelbridge run`` puts this directory first on ``PYTHONPATH``; see
:mod:`otelbridge.bridge.launcher`.
"""

from __future__ import annotations

from otelbridge.bridge.launcher import bootstrap

bootstrap(__file__)
