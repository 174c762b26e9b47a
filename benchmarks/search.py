"""Auditor search at 100,000 and 1,000,000 procedures on PostgreSQL (issue 21: ≤ 50 ms, ≤ 5 statements).

A query benchmark, not a load of the engine's whole record: it makes the demo's samples through the
services (engine/demo_procedures.py), then fills `procedures` with plain `INSERT … SELECT generate_series`
rows that copy a sample's definition, status, version and chain head, with a generated Chinese title
(place × subject × kind × 第N号: a subject such as 公交线路调整 is in one title in twenty), and copies the
sample's open steps and pending timers onto each row, so that the page's third and fourth statements
(open steps, timers) read realistic rows. The generated procedures have no events and an empty workflow
state: `verify` would reject them, and search never reads either. Sizes grow in one database (the rows of
100,000 are the first of 1,000,000), each followed by VACUUM ANALYZE.

For each size it times `procedures.search_page` (the service behind `GET /api/v1/procedures/` and
`/audit/`), first page of 50, without a filter and with titles of 2 characters (common, and absent), 3
or more characters (common, rare, absent): p50 and nearest-rank p99 over `--repeat` calls after one
warm-up, the statements per call (a `before_cursor_execute` listener), and, with `--explain`, EXPLAIN
(ANALYZE, BUFFERS) of every statement on stderr.

    . scripts/postgres.sh && .venv/bin/python benchmarks/search.py --sizes 100000,1000000 --explain

`--url` measures an existing database as it stands instead (another benchmark's, such as scale.py's kept
one): no migration, no loading, nothing written.
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

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.shared.machine import machine  # noqa: E402
from benchmarks.shared.postgres import fresh_postgres_database, postgres_base_url, postgres_version  # noqa: E402
from benchmarks.shared.stats import percentile  # noqa: E402
from engine import demo_procedures  # noqa: E402
from engine.clock import CST, FixedClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import Engine, build_engine  # noqa: E402
from engine.persistence import schema  # noqa: E402
from tests.webapp import site  # noqa: E402

TODAY = date(2026, 11, 30)
NOW = datetime.combine(TODAY, clock_time(10), tzinfo=CST)
PLACES = ["县城", "城区", "城关镇", "经济开发区", "高新区", "东部新城", "西湖片区", "北山乡", "南河镇", "滨江街道",
          "老城区", "工业园区"]
SUBJECTS = ["公交线路调整", "公交票价改革", "生活垃圾分类", "老旧小区改造", "停车收费标准", "自来水价格调整",
            "义务教育学区划分", "医保报销目录", "农村道路建设", "集体土地征收补偿", "电动自行车管理", "养老服务补贴",
            "供热价格调整", "河道综合整治", "历史文化街区保护", "农贸市场改造", "校外培训监管", "城镇燃气安全",
            "网约车经营服务管理", "物业服务收费"]
KINDS = ["实施方案", "实施办法", "管理规定", "工作意见", "三年行动计划", "暂行办法"]
SEARCHES = {
    "none": None,
    "2 chars, common (公交: 1 in 10)": "公交",
    "2 chars, 1 in 20 (燃气)": "燃气",
    "2 chars, absent (航天)": "航天",
    "6 chars, common (公交线路调整: 1 in 20)": "公交线路调整",
    "number, one match (第12347号)": "第12347号",
    "4 chars, absent (航天发射)": "航天发射",
    "1 char (县)": "县",
    "1 char (水)": "水",
    "1 char (张)": "张",
}


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v + "'" for v in values) + "]"


def grow(engine: Engine, seeds: list[int], upto: int) -> float:
    """Procedures up to id `upto`, each a copy of a sample (status, definition, open steps, pending timers)
    under a generated title; returns the seconds taken, ANALYZE included."""
    started = time.perf_counter()
    title = (f"({_array(PLACES)})[1 + g % {len(PLACES)}] || ({_array(SUBJECTS)})[1 + (g / {len(PLACES)}) % "
             f"{len(SUBJECTS)}] || ({_array(KINDS)})[1 + (g / {len(PLACES) * len(SUBJECTS)}) % {len(KINDS)}]"
             " || '（' || (2024 + g % 3) || '年第' || g || '号）'")
    with engine.db.begin() as connection:
        first = connection.scalar(text("SELECT coalesce(max(id), 0) + 1 FROM procedures"))
        if first > upto:
            return 0.0
        connection.execute(text("CREATE TEMP TABLE seed ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY id) - 1 "
                                "AS k, * FROM procedures WHERE id = ANY(:ids)"), {"ids": seeds})
        n = len(seeds)
        connection.execute(text(
            "INSERT INTO procedures (id, definition_id, title, sponsor_org, status, state, version, head_seq, "
            "head_hash, started_by, started_at, ended_at) "
            f"SELECT g, s.definition_id, {title}, s.sponsor_org, s.status, ''::bytea, s.version, s.head_seq, "
            "s.head_hash, s.started_by, s.started_at - make_interval(mins => (g % 525600)::int), s.ended_at "
            f"FROM generate_series(CAST(:first AS integer), CAST(:upto AS integer)) g"
            f" JOIN seed s ON s.k = g % {n}"), {"first": first, "upto": upto})
        connection.execute(text(
            "INSERT INTO work_items (task_id, procedure_id, spec, title, step_kind, role, org, status, assignee, "
            "created_at, due_at, completed_at, completed_by) "
            "SELECT md5(g || '/' || w.task_id)::uuid::text, g, w.spec, w.title, w.step_kind, w.role, w.org, w.status, "
            "w.assignee, w.created_at, w.due_at, w.completed_at, w.completed_by "
            f"FROM generate_series(CAST(:first AS integer), CAST(:upto AS integer)) g"
            f" JOIN seed s ON s.k = g % {n} "
            "JOIN work_items w ON w.procedure_id = s.id AND w.status = 'open'"), {"first": first, "upto": upto})
        connection.execute(text(
            "INSERT INTO timers (procedure_id, task_id, spec, due_at, status, fired_at) "
            "SELECT g, md5(g || '/' || t.task_id)::uuid::text, t.spec, t.due_at, t.status, t.fired_at "
            f"FROM generate_series(CAST(:first AS integer), CAST(:upto AS integer)) g"
            f" JOIN seed s ON s.k = g % {n} "
            "JOIN timers t ON t.procedure_id = s.id AND t.status = 'pending'"), {"first": first, "upto": upto})
    with engine.db.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE procedures, work_items, timers")
    return time.perf_counter() - started


class Meter:
    """The statements the engine sends, counted and kept (for EXPLAIN) by a `before_cursor_execute` listener."""

    def __init__(self, engine: Engine) -> None:
        self.kept: list[tuple[str, Any]] = []
        event.listen(engine.db, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        self.kept.append((statement, parameters))


def timed(meter: Meter, call: Callable[[], Any], repeat: int) -> dict[str, Any]:
    """p50/p99 (nearest rank) in ms over `repeat` calls after a warm-up, statements per call, the total."""
    total = call()[0]
    samples, statements = [], []
    for _ in range(repeat):
        meter.kept.clear()
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
        statements.append(len(meter.kept))
    return {"p50_ms": round(statistics.median(samples), 2), "p99_ms": round(percentile(samples, 99), 2),
            "statements": max(statements), "total": total}


def explain(engine: Engine, meter: Meter, name: str, call: Callable[[], Any]) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement the call sends, in order."""
    meter.kept.clear()
    call()
    kept = list(meter.kept)
    lines = []
    with engine.db.connect() as connection:
        for number, (statement, parameters) in enumerate(kept, 1):
            lines.append(f"-- {name}, statement {number} of {len(kept)}: {statement.splitlines()[0][:100]}")
            lines.extend(r[0] for r in connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}",
                                                                   parameters))
    return lines


def measure(engine: Engine, meter: Meter, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Every search of SEARCHES and a second page, timed (printed on stderr too), and with `--explain` their
    plans on stderr."""
    figures: dict[str, Any] = {}
    for name, title in SEARCHES.items():
        figures[name] = timed(meter, lambda t=title: engine.procedures.search_page(title=t), args.repeat)
    cursor = engine.procedures.search_page()[1].next
    figures["page 2 (cursor), no filter"] = timed(
        meter, lambda c=cursor: engine.procedures.search_page(after=c), args.repeat)
    print(json.dumps({str(size): figures}, ensure_ascii=False), file=sys.stderr)
    if args.explain:
        plans = [f"==== EXPLAIN at {size} procedures"]
        for name, title in SEARCHES.items():
            plans += explain(engine, meter, f"search, title {name}",
                             lambda t=title: engine.procedures.search_page(title=t))
        print("\n".join(plans), file=sys.stderr)
    return figures


@contextmanager
def kept_database(base_url: str, name: str) -> Iterator[str]:
    """The database `name` on the benchmark's server, made if missing and kept after the run."""
    with psycopg.connect(make_url(base_url).set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield make_url(base_url).set(drivername="postgresql", database=name).render_as_string(hide_password=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="100000,1000000", help="procedures, ascending, comma-separated")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per figure (default 20)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) on stderr")
    parser.add_argument("--keep", metavar="NAME", help="use (or make) this database and keep it, to measure again "
                        "without loading; by default a fresh database is made and dropped")
    parser.add_argument("--url", help="measure this existing database as it stands: no migration, no loading")
    args = parser.parse_args(argv)
    if args.url:
        report = {"machine": machine(Path("/tmp")), "postgres": postgres_version(args.url), "sizes": {}}
        url = make_url(args.url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        engine = build_engine(Settings(database_url=url, key_dir=str(ROOT / ".bench-keys")), FixedClock(NOW))
        try:
            with engine.db.connect() as connection:
                size = connection.scalar(text("SELECT count(*) FROM procedures"))
            report["sizes"][str(size)] = measure(engine, Meter(engine), size, args)
        finally:
            engine.dispose()
        print(json.dumps(report, ensure_ascii=False, default=str))
        return 0
    base, why = postgres_base_url()
    if base is None:
        print(f"skipped: {why}", file=sys.stderr)
        return 2
    report: dict[str, Any] = {"machine": machine(Path("/tmp")), "postgres": postgres_version(base), "sizes": {}}
    with fresh_postgres_database(base) if args.keep is None else kept_database(base, args.keep) as url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        schema.upgrade(url)
        settings = Settings(database_url=url, key_dir=str(ROOT / ".bench-keys"))
        engine = build_engine(settings, FixedClock(NOW))
        try:
            if not engine.definitions.list_all():
                site.prepare(engine)
        finally:
            engine.dispose()
        demo_procedures.create(settings, TODAY)
        engine = build_engine(settings, FixedClock(NOW))
        with engine.db.connect() as connection:  # the samples: the rows `grow` made have no workflow state
            seeds = list(connection.scalars(text("SELECT id FROM procedures WHERE state <> ''::bytea ORDER BY id")))
        meter = Meter(engine)
        try:
            for size in sorted(int(s) for s in args.sizes.split(",")):
                loaded = grow(engine, seeds, size)
                print(f"{size}: grown in {loaded:.1f} s", file=sys.stderr)
                report["sizes"][str(size)] = {"grow_s": round(loaded, 1)} | measure(engine, meter, size, args)
        finally:
            engine.dispose()
    print(json.dumps(report, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
