"""Where an inbox request's time goes, and what one completion's statements cost (issue 21).

`benchmarks/scale.py` rebuilds its database for every run; this keeps one (`--load N` builds it with
scale.py's own loader, under the name `--database`), so the same data can be measured before and after a
change:

- p50/p99 over `--repeat` calls of each step user's first inbox page: the service (`tasks.inbox_page`), the
  API (`GET /api/v1/tasks/` with a token) and the page (`/tasks`, logged in, Flask test client), with
  statements per call;
- `--profile`: cProfile of 50 calls of each for one user (`--user`), the top functions by cumulative time;
- `--completion COUNT`: COUNT legal opinions on clones at legality review, timed (they are committed: each
  run spends COUNT + 1 of them), then EXPLAIN (ANALYZE, BUFFERS) of each statement of one more, which
  writes nothing.

    . scripts/postgres.sh && python benchmarks/inbox_profile.py --load 10000 --database df_inbox_10k
    . scripts/postgres.sh && python benchmarks/inbox_profile.py --database df_inbox_10k [--profile]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import contextlib  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks import scale  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import build_engine  # noqa: E402
from engine.demo import USERS  # noqa: E402
from engine.persistence.tables import Procedure, WorkItem  # noqa: E402
from tests.webapp import site  # noqa: E402


def database_url(name: str) -> str:
    base = os.environ["DF_TEST_POSTGRES_URL"]
    return make_url(base).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


def create_database(name: str) -> None:
    admin = make_url(os.environ["DF_TEST_POSTGRES_URL"]).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, key_dir=str(ROOT / ".bench-keys"))


def profiled(call: Any, times: int = 50, top: int = 35) -> str:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(times):
        call()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def inbox(url: str, users: list[str] | None, profile_user: str | None) -> dict[str, Any]:
    engine = build_engine(settings_for(url), FixedClock(scale.NOW))
    meter = scale.Meter(engine)
    app = site.make_app(engine)
    out: dict[str, Any] = {}
    try:
        for username, _org, _name, user_roles in USERS:
            if set(user_roles) <= scale.STEP_ROLES_EXCLUDED or (users and username not in users):
                continue
            actor = engine.people.actor(username)
            secret = engine.tokens.issue(actor, "bench").secret
            browser = site.login(app, username)
            api = scale.http(app.test_client(), "/api/v1/tasks/", {"Authorization": f"Bearer {secret}"})
            page = scale.http(browser.client, "/tasks")

            def service(a: Any = actor) -> Any:
                return engine.tasks.inbox_page(a)

            out[username] = {"rows": len(service().items), "service": scale.timed(meter, service),
                             "api": scale.timed(meter, api), "page": scale.timed(meter, page)}
            print(username, json.dumps(out[username]), file=sys.stderr)
            if username == profile_user:
                for name, call in (("service", service), ("api", api), ("page", page)):
                    print(f"==== cProfile {name} ({username}, 50 calls)", file=sys.stderr)
                    print(profiled(call), file=sys.stderr)
    finally:
        engine.dispose()
    return out


class Abort(Exception):
    """Raised by `before_commit` so that the explained completion writes nothing."""


def completion(url: str, count: int) -> list[str]:
    """`count` legal opinions on clones at legality review, timed (after one untimed, which warms the
    definition cache), then one more whose commit is refused (it writes nothing) and whose statements are
    replayed, in order in one transaction rolled back, under EXPLAIN (ANALYZE, BUFFERS)."""
    engine = build_engine(settings_for(url), FixedClock(scale.NOW))
    meter = scale.Meter(engine)
    lines: list[str] = []
    try:
        adviser = engine.people.actor("adviser")
        with engine.db.connect() as connection:
            tasks = list(connection.scalars(
                select(WorkItem.task_id).join(Procedure, Procedure.id == WorkItem.procedure_id)
                .where(WorkItem.spec == "legal_opinion", WorkItem.status == "open", Procedure.status == "running")
                .order_by(WorkItem.procedure_id.desc()).limit(count + 2)))
        data = {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True, "summary": "未发现违法问题"}

        def complete(task_id: str) -> None:
            opinion = scale.demo_procedures.pdf(f"法律意见书{task_id}")
            engine.tasks.complete(task_id, adviser, data, {"opinion": opinion})

        complete(tasks[0])
        samples, statements = [], []
        for task_id in tasks[1:-1]:
            with meter.watch():
                started = time.perf_counter()
                complete(task_id)
                samples.append((time.perf_counter() - started) * 1000)
                statements.append(meter.count)
        lines.append(f"-- {len(samples)} completions: p50 {statistics.median(samples):.2f} ms, max "
                     f"{max(samples):.2f} ms, {max(statements)} statements; load average {os.getloadavg()}")

        def refuse() -> None:
            raise Abort

        engine.before_commit = refuse
        with meter.watch():
            with contextlib.suppress(Abort):
                complete(tasks[-1])
            kept = list(meter.kept)
        engine.before_commit = None
        with engine.db.connect() as connection, connection.begin() as transaction:
            for number, (statement, parameters) in enumerate(kept, 1):
                lines.append(f"-- statement {number} of {len(kept)}: {' '.join(statement.split())[:200]}")
                plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).all()
                lines.extend(row[0] for row in plan)
            transaction.rollback()
    finally:
        engine.dispose()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", default="df_inbox_profile", help="the kept database's name")
    parser.add_argument("--load", type=int, help="(re)build the database with this many procedures first")
    parser.add_argument("--users", help="comma-separated usernames (default: every step user)")
    parser.add_argument("--profile", metavar="USER", help="cProfile this user's service, API and page calls")
    parser.add_argument("--completion", type=int, metavar="COUNT",
                        help="time COUNT completions, then EXPLAIN each statement of one more")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    scale.REPEAT = max(1, args.repeat)
    url = database_url(args.database)
    if args.load:
        create_database(args.database)
        started = time.perf_counter()
        scale.load(url, args.load)
        print(f"loaded {args.load} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.completion:
        print("\n".join(completion(url, args.completion)))
        return 0
    users = args.users.split(",") if args.users else None
    result = inbox(url, users, args.profile)
    rows = [r for r in result.values()]
    summary = {kind: {"median_p50_ms": sorted(r[kind]["p50_ms"] for r in rows)[len(rows) // 2],
                      "worst_p99_ms": max(r[kind]["p99_ms"] for r in rows)} for kind in ("service", "api", "page")}
    print(json.dumps({"load_average": os.getloadavg(), "summary": summary, "users": result}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
