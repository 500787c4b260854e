"""Importing a leaf of the SDK loads no more modules than the same leaf of the reference SDK."""

from __future__ import annotations

import subprocess
import sys

import pytest

COUNT = """
import sys
before = set(sys.modules)
import {module}
print(len(set(sys.modules) - before))
"""


def modules_loaded_by(module: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", COUNT.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout)


@pytest.mark.parametrize("leaf", ["resources", "trace", "metrics"])
def test_importing_a_leaf_costs_no_more_than_the_reference(leaf):
    ours = modules_loaded_by(f"otelbridge.sdk.{leaf}")
    reference = modules_loaded_by(f"opentelemetry.sdk.{leaf}")
    assert ours <= reference, (
        f"otelbridge.sdk.{leaf} loads {ours} modules, the reference {reference}"
    )


def test_configure_is_still_importable_from_the_package():
    from otelbridge.sdk import configure
    from otelbridge.sdk.configuration import Providers

    providers = configure(set_global=False, span_exporters=[], metric_readers=[])
    assert isinstance(providers, Providers)
    providers.shutdown()
