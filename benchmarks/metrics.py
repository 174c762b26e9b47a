"""What a Prometheus scrape costs the database: `engine.monitoring.figures()` on an existing database.

Run `python benchmarks/metrics.py --url URL [--repeat N]` against a database as it stands (nothing is
written): p50 and max of N calls, the statements per call, and the totals read. At a million procedures
(`benchmarks/scale.py --keep`) this is the figure docs/benchmarks.md records before and after the running
totals of migration 0018c.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)  # benchmarks/engine.py would shadow the `engine` package

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from sqlalchemy import event  # noqa: E402

from engine.clock import SystemClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import build_engine  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database to read")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    engine = build_engine(Settings(database_url=args.url), SystemClock())
    statements = [0]
    event.listen(engine.db, "before_cursor_execute", lambda *_a, **_k: statements.__setitem__(0, statements[0] + 1))
    samples = []
    try:
        for _ in range(args.repeat):
            statements[0] = 0
            began = time.perf_counter()
            found = engine.monitoring.figures()
            samples.append(1000 * (time.perf_counter() - began))
    finally:
        engine.dispose()
    print(f"figures(): p50 {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms over {args.repeat} calls, "
          f"{statements[0]} statements; completions {sum(found.completions.values())}, timers {found.timers}, "
          f"lag over the last {len(found.lags)} fired")
    return 0


if __name__ == "__main__":
    sys.exit(main())
