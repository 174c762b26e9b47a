"""Every service and integrity module imports on its own (a circular import only shows when a module is the
first one loaded): the layer where services, replay and verify meet.

Each module is imported first thing in a fresh interpreter; the interpreters run side by side.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules() -> list[str]:
    found = []
    for path in sorted([*(ROOT / "engine" / "services").glob("*.py"), *(ROOT / "engine" / "integrity").glob("*.py"),
                        ROOT / "engine" / "fold.py", ROOT / "engine" / "core.py"]):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_df_layers_every_engine_module_imports_first():
    runs = {name: subprocess.Popen([sys.executable, "-c", f"import {name}"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
            for name in _modules()}
    failed = {name: run.communicate(timeout=120)[1].strip().splitlines()[-1:] for name, run in runs.items()}
    assert {name: error for name, error in failed.items() if runs[name].returncode} == {}
    assert "engine.services.procedures" in runs
