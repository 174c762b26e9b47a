"""How fast benchmarks/shared/clone.py loads (issue 21): the seeds through the services, then clones up to N,
timing the clone step alone, in a database created for the run and dropped after. `--clone-module FILE`
times another version of the cloner (any file with the same `clone(db, sources, copies, first_id)`), e.g.
an older one from `git show REV:benchmarks/shared/clone.py > /tmp/old_clone.py`, for a before/after on the
same machine and load.

    . scripts/postgres.sh && python benchmarks/clone_rate.py --size 10000
    python benchmarks/clone_rate.py --size 10000 --clone-module /tmp/old_clone.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import inspect  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks import scale  # noqa: E402
from benchmarks.shared import clone as current  # noqa: E402
from benchmarks.shared.postgres import fresh_postgres_database, postgres_base_url  # noqa: E402


def cloner(path: str | None) -> Any:
    if path is None:
        return current.clone
    spec = importlib.util.spec_from_file_location("other_clone", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"--clone-module: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.clone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=10_000, help="procedures in the database (default 10000)")
    parser.add_argument("--workers", type=int, default=2, help="processes writing clones, if the cloner has them")
    parser.add_argument("--clone-module", help="a clone.py file to time instead of the current one")
    args = parser.parse_args(argv)
    base, why = postgres_base_url()
    if base is None:
        print(f"skipped: {why}", file=sys.stderr)
        return 2
    clone = cloner(args.clone_module)
    takes_workers = "workers" in inspect.signature(clone).parameters
    timing: dict[str, float] = {}

    def timed(db: Any, seeds: list[int], copies: int, first: int, workers: int) -> int:
        started = time.perf_counter()
        out = clone(db, seeds, copies, first, workers) if takes_workers else clone(db, seeds, copies, first)
        timing["s"], timing["clones"] = time.perf_counter() - started, copies * len(seeds)
        return out

    scale.clone = timed
    with fresh_postgres_database(base) as url:
        scale.load(url.replace("postgresql://", "postgresql+psycopg://", 1), args.size, args.workers)
    print(f"{timing['clones']:.0f} clones in {timing['s']:.1f} s: {timing['clones'] / timing['s']:.0f} clones/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
