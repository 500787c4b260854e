"""A project that ships its own packages in the ``opencensus`` namespace (an in-house exporter,
opencensus-python's contrib): its imports of its own modules are project code, marked as such,
and what it takes from them is not reported as OpenCensus API (``opencensus/project_modules.py``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from otelbridge.cli import main

NAMESPACE = "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n"
HELPERS = """
    def to_micros(seconds):
        return int(seconds * 1e6)


    PENDING = {}
    """
EXPORTER = """
    from opencensus.ext.inhouse import helpers
    from opencensus.ext.inhouse.helpers import PENDING, to_micros
    from opencensus.trace import base_exporter


    class InHouseExporter(base_exporter.Exporter):
        def export(self, span_datas):
            for span in span_datas:
                PENDING[span.span_id] = to_micros(span.start_time)
            return helpers.PENDING
    """
#: The package re-exports its module (used nowhere else: the import stays, marked all the same).
REEXPORT = """
    from opencensus.ext.inhouse import exporter

    __all__ = ["exporter"]
    """
#: An application beside it in the same run uses the package: it is not the application's own.
APP = """
    from opencensus.ext.inhouse.exporter import InHouseExporter

    EXPORTER = InHouseExporter()
    """


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def test_own_namespace_modules_are_marked_as_project_code(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    _write(
        lib,
        {
            "opencensus/__init__.py": NAMESPACE,
            "opencensus/ext/__init__.py": NAMESPACE,
            "opencensus/ext/inhouse/__init__.py": REEXPORT,
            "opencensus/ext/inhouse/helpers.py": HELPERS,
            "opencensus/ext/inhouse/exporter.py": EXPORTER,
        },
    )
    _write(tmp_path / "app", {"main.py": APP})
    assert main(["migrate", "--write", "--jobs", "1", str(tmp_path)]) == 1
    assert main(["migrate", "--check", "--jobs", "1", str(tmp_path)]) in (0, 1)
    lines = (lib / "opencensus/ext/inhouse/exporter.py").read_text().splitlines()
    own = "imports this project's own `opencensus.ext.inhouse.helpers` (its package in the "
    for number in (1, 3):  # a marker above each import of the project's own module
        assert own in lines[number - 1] and lines[number].startswith(
            "from opencensus.ext.inhouse"
        )
    text = "\n".join(lines)
    # OpenCensus' own API stays marked as kept; the helpers' values are nobody's OpenCensus object
    assert "kept on OpenCensus" in text and "base_exporter.Exporter" in text
    assert "holds an OpenCensus object" not in text
    assert "PENDING" not in "\n".join(line for line in lines if "TODO(otelbridge)" in line)
    package = (lib / "opencensus/ext/inhouse/__init__.py").read_text().splitlines()
    assert "this project's own `opencensus.ext.inhouse.exporter`" in package[0]
    app = (tmp_path / "app" / "main.py").read_text()
    assert "project's own" not in app
    assert "opencensus.ext.inhouse.exporter.InHouseExporter has no automatic" in app
