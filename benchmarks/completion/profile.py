"""A cProfile of (c): where a completion's time goes, by engine function and by library."""

from __future__ import annotations

import cProfile
import os
import pstats
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.completion.engine_run import EngineRun
from benchmarks.completion.scenario import ORG

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Hotspot:
    function: str
    calls: int
    ms_per_completion: float
    share: float


def profile_engine(run: EngineRun, procedures: int, steps: int, data: dict[str, Any],
                   top: int = 12) -> dict[str, Any]:
    """cProfile the completions of a few more procedures (starts excluded from the figures).

    Returns the engine functions by cumulative time and everyone's own time grouped by
    library, both per completion, so a reader sees which engine call to change and what
    it spends its time in.
    """
    profiler = cProfile.Profile()
    completions = procedures * steps
    for number in range(procedures):
        view = run.engine.procedures.start(run.key, f"profile {number + 1}", ORG, run.actor)
        ready = [item.task_id for item in view.open_items]
        for _ in range(steps):
            profiler.enable()
            result = run.engine.tasks.complete(ready[0], run.actor, data)
            profiler.disable()
            ready = list(result.ready)
    stats = pstats.Stats(profiler)
    entries: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in entries.values())
    engine_dir = str(ROOT / "engine") + os.sep
    engine_rows = []
    for (filename, line, name), (_cc, calls, _tt, cumulative, _callers) in entries.items():
        if filename.startswith(engine_dir):
            where = f"{Path(filename).relative_to(ROOT)}:{line}({name})"
            engine_rows.append(Hotspot(where, calls, cumulative / completions * 1000, cumulative / total))
    engine_rows.sort(key=lambda h: h.ms_per_completion, reverse=True)
    buckets: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, own, _ct, _callers) in entries.items():
        bucket = _bucket(filename, name, engine_dir)
        buckets[bucket] = buckets.get(bucket, 0.0) + own
    return {
        "completions": completions,
        "profiled_ms_per_completion": total / completions * 1000,
        "engine_cumulative": [asdict(h) for h in engine_rows[:top]],
        "own_time_by_library": {k: {"ms_per_completion": v / completions * 1000, "share": v / total}
                                for k, v in sorted(buckets.items(), key=lambda kv: kv[1], reverse=True)},
    }


def _bucket(filename: str, name: str, engine_dir: str) -> str:
    """Which library a profiled function's own time belongs to."""
    if filename.startswith(engine_dir):
        return "engine (own code)"
    if filename == "~":  # a built-in: name it by what it does
        for needle, label in (("sqlite3.Connection' objects>", "sqlite3 connection (commit = fsync)"),
                              ("sqlite3.Cursor' objects>", "sqlite3 statements"),
                              ("zlib", "zlib"), ("_json", "json (C)"), ("json", "json (C)"),
                              ("hashlib", "hashlib"), ("sha256", "hashlib"), ("deepcopy", "copy")):
            if needle in name:
                return label
        return "other built-ins"
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1]
    stdlib = Path(os.__file__).parent.parts
    if parts[:len(stdlib)] == stdlib and len(parts) > len(stdlib):
        return f"stdlib {Path(parts[len(stdlib)]).stem}"
    return filename
