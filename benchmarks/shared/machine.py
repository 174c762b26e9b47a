"""The machine a figure was measured on: CPU, memory, filesystem, versions and the engine's revision."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def filesystem_of(path: Path) -> str:
    """The filesystem type under `path`: fsync on tmpfs is free, on a real disk it is not."""
    best, kind = "", "?"
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                fields = line.split()
                mount = fields[1]
                if str(path).startswith(mount) and len(mount) > len(best):
                    best, kind = mount, fields[2]
    except OSError:
        pass
    return kind


def engine_revision() -> str:
    """The commit measured, and whether engine/ had uncommitted changes: figures belong to code."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "engine"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (engine/ has uncommitted changes)" if dirty else head


def machine(directory: Path) -> dict[str, Any]:
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "?")
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "spiffworkflow": metadata.version("SpiffWorkflow"),
        "sqlalchemy": metadata.version("SQLAlchemy"),
        "psycopg": metadata.version("psycopg"),
        "engine_revision": engine_revision(),
        "sqlite_dir": str(directory),
        "sqlite_filesystem": filesystem_of(directory),
    }
