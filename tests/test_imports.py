"""What a process pays for at start: no module the bot loads imports matplotlib, which only the
drawing of a chart needs (nearly half of a command's start-up CPU and memory, and a font cache
built on a fresh machine, which logs to stderr)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# In a fresh interpreter: import every entry point and every module of the handlers, services
# and views, noting who first asks for matplotlib, if anyone does.
IMPORT_EVERYTHING = """
import importlib, importlib.abc, pkgutil, sys, traceback

class Watch(importlib.abc.MetaPathFinder):
    asked_by = []

    def find_spec(self, name, path=None, target=None):
        if name == "matplotlib" and not Watch.asked_by:
            Watch.asked_by = [
                f"{frame.filename}:{frame.lineno}" for frame in traceback.extract_stack()
                if "importlib" not in frame.filename and frame.filename != "<string>"
            ]
        return None

sys.meta_path.insert(0, Watch())
for name in ("bot.__main__", "bot.app", "bot.scheduler"):
    importlib.import_module(name)
for package in ("bot.handlers", "bot.services", "bot.views"):
    found = pkgutil.walk_packages(importlib.import_module(package).__path__, package + ".")
    for module in found:
        importlib.import_module(module.name)
assert "matplotlib" not in sys.modules, " <- ".join(reversed(Watch.asked_by))
"""


def test_no_module_of_the_bot_imports_matplotlib():
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
    )
    assert result.returncode == 0, result.stderr
