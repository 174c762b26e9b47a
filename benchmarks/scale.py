"""Every page and query at scale: N procedures of every definition on PostgreSQL (issue 21).

For each size N the run creates a database, deploys processes/, seeds the demo people and the demo's six
sample procedures (engine/demo_procedures.py: major decisions waiting out public comment, at legality
review and archived; a normative document in force; an enforcement case at legal review; a
reconsideration), all made through the engine's services, then clones them (benchmarks/shared/clone.py)
up to N, interleaved. Then it measures, with statements per call counted by a `before_cursor_execute`
listener:

- each step role's inbox, first page of 50: the service, the API (`GET /api/v1/tasks/`) and the page (`/tasks`);
- the supervision board's first page (service and `/supervision`);
- auditor search, first page, without and with a title filter (service and `/audit/`);
- a procedure's audit page, one step completion (legal opinion on a cloned case at review), the public portal
  (not the registry page: see `measure`);
- `verify` incremental (the procedures whose head moved since the heads taken after loading), a sample (the
  seeds and 2,000 clones spread over the ids, checked whole) and `--full`: the clones must add no finding to
  the seeds' (`--skip-full-verify` leaves the full one out, `--skip-full-verify 100000` above that size:
  about an hour at 1,000,000).

`--keep` leaves the database in place and prints its URL; `--reuse URL` measures such a database again
(after `alembic upgrade head` on it, so indexes other branches added apply) without loading anything.

Raw SpiffWorkflow's in-memory completion (benchmarks/completion/raw.py, the 10-step linear chain) is
measured in the same run as the floor, per docs/benchmarks.md. `--explain` prints EXPLAIN (ANALYZE,
BUFFERS) of the inbox, board and search statements at each size.

    . scripts/postgres.sh && python benchmarks/scale.py --sizes 1000,10000,100000 --json
    python benchmarks/scale.py --sizes 1000,10000,100000,1000000 --json --keep --skip-full-verify 10000
    python benchmarks/scale.py --reuse postgresql://…/df_bench_1234 --json
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from datetime import date, datetime  # noqa: E402
from datetime import time as clock_time  # noqa: E402
from typing import Any  # noqa: E402

from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402
from sqlalchemy import event, select, text  # noqa: E402

from benchmarks import linear_chain  # noqa: E402
from benchmarks.completion.raw import parse_spec, run_raw  # noqa: E402
from benchmarks.completion.scenario import Plan  # noqa: E402
from benchmarks.shared.clone import clone  # noqa: E402
from benchmarks.shared.machine import machine  # noqa: E402
from benchmarks.shared.postgres import (  # noqa: E402
    fresh_postgres_database,
    kept_postgres_database,
    postgres_base_url,
    postgres_version,
)
from benchmarks.shared.stats import percentile  # noqa: E402
from engine import demo_procedures  # noqa: E402
from engine.clock import CST, FixedClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import Engine, build_engine  # noqa: E402
from engine.demo import USERS  # noqa: E402
from engine.integrity.check import Tally  # noqa: E402
from engine.persistence import schema  # noqa: E402
from engine.persistence.tables import Base, Procedure, WorkItem  # noqa: E402
from tests.webapp import site  # noqa: E402

TODAY = date(2026, 11, 30)
NOW = datetime.combine(TODAY, clock_time(10), tzinfo=CST)
REPEAT = 20
"""Timed calls per measurement (after one untimed warm-up call); `--repeat` changes it."""
VERIFY_SAMPLE = 2000
"""Clones checked whole by the sampled verify, spread evenly over the ids."""
SLOW_REPEAT = 3
"""Timed calls of a page whose size is not bounded yet (the public portal)."""
STEP_ROLES_EXCLUDED = {"auditor", "supervisor", "admin"}


class Meter:
    """Statements the engine sends, counted (and kept, for EXPLAIN) by a `before_cursor_execute` listener."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.kept: list[tuple[str, Any]] = []
        event.listen(engine.db, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        self.count += 1
        self.kept.append((statement, parameters))

    @contextmanager
    def watch(self) -> Iterator[None]:
        self.count = 0
        self.kept.clear()
        yield


def timed(meter: Meter, call: Callable[[], Any], repeat: int | None = None) -> dict[str, float]:
    """p50/p99 (nearest rank) in ms over `repeat` (REPEAT) calls after a warm-up, and statements per call."""
    repeat = REPEAT if repeat is None else repeat
    call()
    samples, statements = [], []
    for _ in range(repeat):
        with meter.watch():
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
            statements.append(meter.count)
    return {"p50_ms": round(statistics.median(samples), 2), "p99_ms": round(percentile(samples, 99), 2),
            "statements": max(statements)}


def http(client: Any, path: str, headers: dict[str, str] | None = None) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(path, headers=headers or {})
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        return response
    return call


def load(url: str, size: int, workers: int = 2) -> tuple[Settings, list[int]]:
    """A database of `size` procedures: the demo's samples through the services, then clones of them."""
    schema.upgrade(url)
    settings = Settings(database_url=url, key_dir=str(ROOT / ".bench-keys"))
    engine = build_engine(settings, FixedClock(NOW))
    try:
        site.prepare(engine)
    finally:
        engine.dispose()
    seeds = demo_procedures.create(settings, TODAY)
    engine = build_engine(settings, FixedClock(NOW))
    try:
        copies = max(0, size - len(seeds)) // len(seeds)
        with engine.db.connect() as connection:
            first = (connection.scalar(select(Procedure.id).order_by(Procedure.id.desc()).limit(1)) or 0) + 1
        clone(engine.db, seeds, copies, first, workers)
        with engine.db.connect() as connection:  # indexes dropped for the load are back as migrations made them
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        if differences:
            raise AssertionError(f"the loaded schema differs from the models: {differences}")
    finally:
        engine.dispose()
    return settings, seeds


def reuse(url: str) -> tuple[Settings, list[int]]:
    """A database a `--keep` run loaded, brought to the current head; its seeds are the procedures made
    through the services: the first ids, whose task ids do not end in their own id as a clone's do."""
    schema.upgrade(url)
    settings = Settings(database_url=url, key_dir=str(ROOT / ".bench-keys"))
    engine = build_engine(settings, FixedClock(NOW))
    try:
        with engine.db.connect() as connection:
            seeds = list(connection.scalars(text(
                "SELECT p.id FROM (SELECT id FROM procedures ORDER BY id LIMIT 50) p WHERE NOT EXISTS "
                "(SELECT 1 FROM work_items w WHERE w.procedure_id = p.id "
                "AND right(w.task_id, 12) = lpad(p.id::text, 12, '0')) ORDER BY p.id")))
    finally:
        engine.dispose()
    return settings, seeds


def explain(engine: Engine, meter: Meter, name: str, call: Callable[[], Any]) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of every SELECT the call sends, in order."""
    with meter.watch():
        call()
        kept = [(s, p) for s, p in meter.kept if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    lines = []
    with engine.db.connect() as connection:
        for number, (statement, parameters) in enumerate(kept, 1):
            plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).all()
            lines.append(f"-- {name}, statement {number} of {len(kept)}")
            lines.extend(row[0] for row in plan)
    return lines


def measure(settings: Settings, seeds: list[int], size: int, show_plans: bool,
            full_verify: bool = True) -> dict[str, Any]:
    engine = build_engine(settings, FixedClock(NOW))
    meter = Meter(engine)
    app = site.make_app(engine)
    out: dict[str, Any] = {"procedures": 0, "open_items": 0}
    try:
        with engine.db.connect() as connection:
            out["procedures"] = connection.scalar(select(Procedure.id).order_by(Procedure.id.desc()).limit(1))
            out["open_items"] = connection.exec_driver_sql(
                "SELECT count(*) FROM work_items WHERE status = 'open'").scalar()
            heads = dict(connection.execute(select(Procedure.id, Procedure.head_seq)).all())
        people = engine.people
        roles: dict[str, Any] = {}
        for username, _org, _name, user_roles in USERS:
            if set(user_roles) <= STEP_ROLES_EXCLUDED:
                continue
            actor = people.actor(username)
            secret = engine.tokens.issue(actor, "bench").secret
            browser = site.login(app, username)
            first = engine.tasks.inbox_page(actor)
            roles[username] = {
                "roles": user_roles, "first_page_rows": len(first.items), "more": first.next is not None,
                "service": timed(meter, lambda a=actor: engine.tasks.inbox_page(a)),
                "api": timed(meter, http(app.test_client(), "/api/v1/tasks/",
                                         {"Authorization": f"Bearer {secret}"})),
                "page": timed(meter, http(browser.client, "/tasks")),
            }
        out["inbox"] = roles
        auditor, duban = people.actor("auditor"), people.actor("duban")
        out["board"] = {"service": timed(meter, lambda: engine.supervision.board(duban)),
                        "page": timed(meter, http(site.login(app, "duban").client, "/supervision")),
                        "first_page_rows": len(engine.supervision.board(duban).items)}
        audit = site.login(app, "auditor").client
        out["search"] = {"service": timed(meter, lambda: engine.procedures.search_page()),
                         "page": timed(meter, http(audit, "/audit/"))}
        out["search_title"] = {"service": timed(meter, lambda: engine.procedures.search_page(title="公交")),
                               "page": timed(meter, http(audit, "/audit/?title=%E5%85%AC%E4%BA%A4"))}
        cursor = engine.procedures.search_page()[1].next
        out["search_page_2"] = {"service": timed(meter, lambda: engine.procedures.search_page(after=cursor))}
        out["procedure_page"] = {"page": timed(meter, http(audit, f"/audit/procedures/{seeds[1]}"), 10)}
        public = app.test_client()
        # Not the registry (/public/normative-documents): every cloned normative document keeps the seed's
        # number, so each entry would list every cloned reconsideration's incidental review (N² rows), an
        # artefact of cloning (the engine refuses a number given twice, DocumentNumberTaken).
        out["public_portal"] = {"page": timed(meter, http(public, "/public/"), SLOW_REPEAT)}
        out["completion"] = completions(engine, meter, seeds[1])
        del auditor
        tally = Tally()
        started = time.perf_counter()
        found = list(engine.history.findings(heads, tally))
        out["verify_incremental"] = {"s": round(time.perf_counter() - started, 3), "procedures": tally.procedures,
                                     "findings": len(found)}
        out["verify_sample"] = sampled_verify(engine, heads, seeds)
        out["verify_full"] = None
        if full_verify:
            tally = Tally()
            started = time.perf_counter()
            found = list(engine.history.findings(None, tally))
            out["verify_full"] = {"s": round(time.perf_counter() - started, 2), "procedures": tally.procedures,
                                  "events": tally.events, "findings": len(found),
                                  "first_findings": [f"{f.where()}: {f.en}" for f in found[:3]]}
        if show_plans:
            print(f"==== EXPLAIN at {size} procedures", file=sys.stderr)
            plans = []
            plans += explain(engine, meter, "inbox (sponsor)", lambda: engine.tasks.inbox_page(people.actor("sponsor")))
            plans += explain(engine, meter, "inbox (reviewer)",
                             lambda: engine.tasks.inbox_page(people.actor("reviewer")))
            plans += explain(engine, meter, "board", lambda: engine.supervision.board(duban))
            plans += explain(engine, meter, "search", lambda: engine.procedures.search_page())
            plans += explain(engine, meter, "search title", lambda: engine.procedures.search_page(title="公交"))
            print("\n".join(plans), file=sys.stderr)
    finally:
        engine.dispose()
    return out


def sampled_verify(engine: Engine, heads: dict[int, int], seeds: list[int]) -> dict[str, Any]:
    """Verify the seeds alone, then the seeds and VERIFY_SAMPLE clones spread over the ids (each checked
    whole, as `--full` would): the clones must add no finding to the seeds'. (Findings outside procedures,
    such as documents and admin tables, are in both runs.)"""
    clones = sorted(set(heads) - set(seeds))
    step = max(1, len(clones) // VERIFY_SAMPLE)
    sample = set(seeds) | set(clones[::step])

    def run(checked: set[int]) -> tuple[list[str], Tally, float]:
        tally = Tally()
        started = time.perf_counter()
        moved = {pid: (-1 if pid in checked else seq) for pid, seq in heads.items()}
        found = [f"{f.where()}: {f.en}" for f in engine.history.findings(moved, tally)]
        return found, tally, time.perf_counter() - started

    seed_findings, _tally, _s = run(set(seeds))
    found, tally, seconds = run(sample)
    added = sorted(set(found) - set(seed_findings))
    if added:
        print(f"verify: the clones add {len(added)} findings, first {added[:3]}", file=sys.stderr)
    return {"s": round(seconds, 3), "procedures": tally.procedures, "events": tally.events,
            "findings": len(found), "seed_findings": len(seed_findings), "added_by_clones": len(added),
            "first_added": added[:3]}


def completions(engine: Engine, meter: Meter, review_seed: int, count: int = 10) -> dict[str, Any]:
    """The legal adviser's opinion on `count` clones of the seed at legality review, one completion each."""
    adviser = engine.people.actor("adviser")
    with engine.db.connect() as connection:
        clones = list(connection.scalars(
            select(WorkItem.task_id).join(Procedure, Procedure.id == WorkItem.procedure_id)
            .where(WorkItem.spec == "legal_opinion", WorkItem.status == "open", Procedure.title ==
                   select(Procedure.title).where(Procedure.id == review_seed).scalar_subquery())
            .order_by(WorkItem.procedure_id.desc()).limit(count)))
    data = {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True, "summary": "未发现违法问题"}
    samples, statements = [], []
    for task_id in clones:
        docs = {"opinion": demo_procedures.pdf(f"法律意见书{task_id[-6:]}")}
        with meter.watch():
            started = time.perf_counter()
            engine.tasks.complete(task_id, adviser, data, docs)
            samples.append((time.perf_counter() - started) * 1000)
            statements.append(meter.count)
    if not samples:
        return {"count": 0}
    return {"count": len(samples), "p50_ms": round(statistics.median(samples), 2),
            "max_ms": round(max(samples), 2), "statements": max(statements)}


def raw_baseline() -> dict[str, float]:
    """Raw SpiffWorkflow, in memory, per step of the 10-step linear chain: the floor (docs/benchmarks.md)."""
    spec, subprocesses = parse_spec(linear_chain.chain_bpmn(10))
    scenario = run_raw(Plan(steps=10, warmup=3, procedures=30), spec, subprocesses, dict(linear_chain.STEP_DATA))
    return {"completion_p50_ms": round(statistics.median(scenario.durations_ms), 4),
            "completion_p99_ms": round(percentile(scenario.durations_ms, 99), 4)}


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """The issue's headline figures for one size."""
    inbox = result["inbox"].values()
    return {
        "inbox_p99_ms": max(r["service"]["p99_ms"] for r in inbox),
        "inbox_api_p99_ms": max(r["api"]["p99_ms"] for r in inbox),
        "inbox_page_p99_ms": max(r["page"]["p99_ms"] for r in inbox),
        "board_ms": result["board"]["service"]["p50_ms"],
        "board_page_ms": result["board"]["page"]["p50_ms"],
        "search_ms": result["search"]["service"]["p50_ms"],
        "search_statements": result["search"]["service"]["statements"],
        "search_title_ms": result["search_title"]["service"]["p50_ms"],
        "search_title_statements": result["search_title"]["service"]["statements"],
        "completion_ms": result["completion"].get("p50_ms"),
        "verify_incremental_s": result["verify_incremental"]["s"],
        "verify_sample_s": result["verify_sample"]["s"],
        "verify_sample_added_findings": result["verify_sample"]["added_by_clones"],
        "verify_full_s": result["verify_full"]["s"] if result["verify_full"] else None,
        "verify_findings": result["verify_full"]["findings"] if result["verify_full"] else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000", help="procedures per run, comma-separated")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE) plans on stderr")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per figure (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="processes writing clones (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep each database loaded and print its URL")
    parser.add_argument("--reuse", metavar="URL", help="measure this already loaded database (no load)")
    parser.add_argument("--skip-full-verify", nargs="?", type=int, const=0, default=None, metavar="ABOVE",
                        help="leave out verify --full (at sizes above ABOVE if given); incremental and sampled "
                             "verify still run")
    args = parser.parse_args(argv)
    global REPEAT
    REPEAT = max(1, args.repeat)
    base, why = postgres_base_url()
    if base is None:
        print(f"skipped: {why}", file=sys.stderr)
        return 2
    report: dict[str, Any] = {"sizes": {}, "detail": {}, "machine": machine(Path("/tmp")),
                              "postgres": postgres_version(base), "raw_spiffworkflow": raw_baseline()}
    skip_above = args.skip_full_verify
    if args.reuse:
        url = args.reuse.replace("postgresql://", "postgresql+psycopg://", 1)
        settings, seeds = reuse(url)
        result = measure(settings, seeds, 0, args.explain, skip_above is None)
        size = result["procedures"]
        report["sizes"][str(size)] = {**summary(result), "load_s": None, "open_items": result["open_items"]}
        report["detail"][str(size)] = {**result, "database": args.reuse}
    for size in () if args.reuse else (int(s) for s in args.sizes.split(",")):
        database = kept_postgres_database if args.keep else fresh_postgres_database
        with database(base) as url:
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
            if args.keep:
                print(f"{size}: loading into {url}, kept after the run", file=sys.stderr, flush=True)
            started = time.perf_counter()
            settings, seeds = load(url, size, args.workers)
            loaded = time.perf_counter() - started
            print(f"{size}: loaded in {loaded:.0f} s ({size / loaded:.0f} procedures/s)", file=sys.stderr, flush=True)
            result = measure(settings, seeds, size, args.explain, skip_above is None or size <= skip_above)
            result["load_s"] = round(loaded, 1)
            result["database"] = url if args.keep else None
        report["sizes"][str(size)] = {**summary(result), "load_s": result["load_s"],
                                      "open_items": result["open_items"]}
        report["detail"][str(size)] = result
        print(json.dumps({str(size): report["sizes"][str(size)]}, ensure_ascii=False), file=sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
    else:
        for size, figures in report["sizes"].items():
            print(size, json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
