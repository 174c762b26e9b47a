"""What one step completion costs, from raw SpiffWorkflow up to the engine on PostgreSQL.

Run `python benchmarks/engine.py` (a table) or `python benchmarks/engine.py --json` (one
JSON object on stdout). Everything runs in one process on a generated linear chain of
user tasks (`benchmarks/linear_chain.py`), so the four figures differ only in what a
completion does:

(a) raw SpiffWorkflow in memory: find the READY task, set its data, run it, run the
    engine to the next wait state. The floor: no persistence at all.
(b) the least a durable *stateless* request can do: read the state row, deserialize
    it (state-only JSON, spec cached in process, via the engine's `StateSerializer`),
    complete the task, serialize, UPDATE the row and COMMIT, with the plain `sqlite3`
    module and the engine's durability settings (WAL, `synchronous=FULL`). Any
    engine that keeps no workflow in memory between requests pays at least this.
(c) the engine's `tasks.complete` on a SQLite file: (b) plus locking, role and form
    checks, work-item projection and the chained history event.
(d) the same on PostgreSQL, in a database created for the run and dropped after.

The issue's targets are printed beside the figures: c/b ≤ 2; at most 1 commit and 12
statements per completion; at most 12 KB of database per finished procedure,
history included. `--profile` adds a cProfile of (c) to name where the time goes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `python benchmarks/engine.py` puts benchmarks/ first on sys.path, where this very file
# would shadow the `engine` package; the repository root must come first instead.
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import tempfile  # noqa: E402
from dataclasses import asdict  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks import linear_chain  # noqa: E402
from benchmarks.completion.engine_run import prepare_engine, run_engine  # noqa: E402
from benchmarks.completion.profile import profile_engine  # noqa: E402
from benchmarks.completion.raw import parse_spec, run_raw  # noqa: E402
from benchmarks.completion.report import print_table, targets  # noqa: E402
from benchmarks.completion.scenario import Plan, Scenario  # noqa: E402
from benchmarks.completion.stateless import run_stateless  # noqa: E402
from benchmarks.shared.machine import machine  # noqa: E402
from benchmarks.shared.postgres import fresh_postgres_database, postgres_base_url, postgres_version  # noqa: E402
from engine.bpmn.serialize import StateSerializer  # noqa: E402

__all__ = ["fresh_postgres_database", "main", "postgres_base_url", "postgres_version"]

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--procedures", type=int, default=30, help="timed procedures per scenario (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed warm-up procedures (default 3)")
    parser.add_argument("--steps", type=int, default=10, help="user tasks in the chain (default 10)")
    parser.add_argument("--profile", action="store_true", help="also cProfile (c) and name the hotspots")
    parser.add_argument("--profile-procedures", type=int, default=5, help="procedures profiled (default 5)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the SQLite files go (default: a temporary directory)")
    parser.add_argument("--no-postgres", action="store_true", help="skip (d)")
    args = parser.parse_args(argv)
    if args.procedures < 1 or args.steps < 1 or args.warmup < 0:
        parser.error("--procedures and --steps must be at least 1, --warmup at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.getLogger("spiff").setLevel(logging.WARNING)  # as build_engine does, for every scenario
    plan = Plan(args.steps, args.warmup, args.procedures)
    bpmn = linear_chain.chain_bpmn(args.steps)
    data = dict(linear_chain.STEP_DATA)

    def say(line: str) -> None:
        """Progress goes to stderr, so `--json` leaves exactly one JSON object on stdout."""
        print(line, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="df-bench-", dir=args.dir) as temporary:
        directory = Path(temporary).resolve()
        report: dict[str, Any] = {"command": " ".join(["python", "benchmarks/engine.py", *sys.argv[1:]]),
                                  "machine": machine(directory),
                                  "plan": {**asdict(plan), "data_bytes": linear_chain.data_bytes(data)}}
        results: dict[str, Scenario] = {}
        spec, subprocesses = parse_spec(bpmn)

        say("(a) raw SpiffWorkflow in memory…")
        results["a"] = run_raw(plan, spec, subprocesses, data)
        say("(b) stateless minimum on sqlite3…")
        results["b"] = run_stateless(plan, StateSerializer(spec, subprocesses), directory / "stateless.db", data)

        say("(c) engine on SQLite…")
        sqlite_run = prepare_engine(f"sqlite:///{directory / 'engine.db'}", bpmn)
        try:
            results["c"] = run_engine("c", "engine tasks.complete, SQLite", sqlite_run, plan, data)
            if args.profile:
                say("profiling (c)…")
                report["profile"] = profile_engine(sqlite_run, args.profile_procedures, args.steps, data)
        finally:
            sqlite_run.engine.dispose()

        base_url, why = (None, "--no-postgres given") if args.no_postgres else postgres_base_url()
        if base_url is None:
            report["skipped"] = why
            if args.json:  # the table prints the same line on stdout
                say(f"(d) skipped: {why}")
        else:
            say(f"(d) engine on PostgreSQL ({why})…")
            report["machine"]["postgresql"] = postgres_version(base_url)
            with fresh_postgres_database(base_url) as url:
                postgres_run = prepare_engine(url, bpmn)
                try:
                    results["d"] = run_engine("d", "engine tasks.complete, PostgreSQL", postgres_run, plan, data)
                finally:
                    postgres_run.engine.dispose()

    b, c = results["b"], results["c"]
    ratios: dict[str, float] = {"c/b median": c.median_ms / b.median_ms, "c/b p95": c.p95_ms / b.p95_ms,
                                "b/a median": b.median_ms / results["a"].median_ms}
    if c.without_commit_median_ms is not None and b.without_commit_median_ms is not None:
        ratios["c/b median without COMMIT"] = c.without_commit_median_ms / b.without_commit_median_ms
    if "d" in results:
        ratios["d/b median"] = results["d"].median_ms / b.median_ms
    report["ratios"] = ratios
    report["targets"] = targets(results)
    report["results"] = {key: scenario.summary() for key, scenario in results.items()}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_table(report, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
