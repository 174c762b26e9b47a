"""The registry page and the administration log page at scale (issue 21 item 2): one view timed, statements counted.

`load` makes a PostgreSQL database (kept; its URL is printed): processes/ deployed, the test site's users
(tests/webapp/site.py) and the demo's sample procedures through the services (engine/demo_procedures.py: a
normative document in force, a reconsideration asking to review it, …), then rows written directly, which
the pages read but do not verify: DOCS copies of the demo's normative document (its events and
numbers_held, a registration number each), CASES copies of its reconsideration (each asking to review one of
the copies), CLEANUPS published clean-ups of LISTED documents each (one publication event), their
document_mentions (engine/mentions.py), and ADMIN administration-log entries chained as `adminlog.append`
chains them. `measure URL` times the auditor's /audit/admin-log and the public /public/normative-documents
through the Flask test client, REPEAT views after one untimed view, counting statements with a
`before_cursor_execute` listener. `--code DIR` measures the code in DIR (e.g. `git archive` of an older
revision) against the same database.

    . scripts/postgres.sh && python benchmarks/bounded_pages.py load
    python benchmarks/bounded_pages.py measure URL [--code DIR]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 24)
DOCS, CASES, CLEANUPS, LISTED, ADMIN, REPEAT = 3000, 1000, 200, 25, 100_000, 20


def load() -> str:
    from sqlalchemy import insert, select, text

    from benchmarks.shared.postgres import kept_postgres_database, postgres_base_url
    from engine import demo_procedures, mentions
    from engine.clock import CST, FixedClock
    from engine.config import Settings
    from engine.core import build_engine
    from engine.domain.citations import canonical_number
    from engine.persistence import schema
    from engine.persistence.tables import AdminEvent, Definition, DocumentMention, Event, NumberHeld, Procedure
    from engine.services.adminlog import admin_event_hash
    from tests.webapp import site

    base, why = postgres_base_url()
    if base is None:
        raise SystemExit(why)
    with kept_postgres_database(base) as url:
        schema.upgrade(url)
    settings = Settings(database_url=url, key_dir=str(ROOT / ".bench-keys"))
    engine = build_engine(settings, FixedClock(datetime.combine(TODAY, clock_time(10), tzinfo=CST)))
    site.prepare(engine)
    demo_procedures.create(settings, TODAY)
    rng = random.Random(21)
    with engine.db.begin() as c:
        procedure_table, event_table = Procedure.__table__, Event.__table__

        def template(key: str) -> tuple[Any, list[Any]]:
            row = c.execute(select(procedure_table).join(Definition).where(Definition.key == key)).first()
            return row, c.execute(select(event_table).where(event_table.c.procedure_id == row.id)
                                  .order_by(event_table.c.seq)).all()

        doc, doc_events = template("normative_document")
        case, case_events = template("reconsideration")
        cleanup_definition = c.scalar(select(Definition.id).where(Definition.key == "nd_cleanup"))
        next_id = c.scalar(select(Procedure.id).order_by(Procedure.id.desc()).limit(1)) + 1
        procedures, events, held, mentioned, documents = [], [], [], [], []

        def copy_of(row: Any, rows: list[Any], change: Any) -> int:
            nonlocal next_id
            pid, next_id = next_id, next_id + 1
            procedures.append({**row._asdict(), "id": pid})
            for event in rows:
                payload = change(copy.deepcopy(event.payload))
                events.append({**event._asdict(), "procedure_id": pid, "payload": payload})
                if event.kind == "task_completed":
                    mentioned.extend({"procedure_id": pid, "kind": k, "document": d, "seq": s}
                                     for k, d, s in mentions.from_completion(payload, event.seq)[1])
            return pid

        def numbered(n: int) -> Any:
            def change(payload: dict[str, Any]) -> dict[str, Any]:
                if payload.get("step") == "registration":
                    payload["data"]["registration_number"] = f"示范府规〔2025〕{n}号"
                return payload
            return change

        registered = next(e.seq for e in doc_events if e.kind == "task_completed"
                          and e.payload.get("step") == "registration")
        for n in range(DOCS):
            pid = copy_of(doc, doc_events, numbered(n))
            documents.append((pid, f"示范府规〔2025〕{n}号"))
            held.append({"procedure_id": pid, "field": "registration_number", "seq": registered,
                         "number": canonical_number(f"示范府规〔2025〕{n}号")})
        for _ in range(CASES):
            reviewed = rng.choice(documents)[1]

            def asking(payload: dict[str, Any], number: str = reviewed) -> dict[str, Any]:
                if payload.get("step") == "application" and payload["data"].get("incidental_review"):
                    payload["data"]["incidental_document_number"] = number
                return payload
            copy_of(case, case_events, asking)
        at = datetime(2027, 3, 1, 9, tzinfo=CST)
        for n in range(CLEANUPS):
            lists: dict[str, list[dict[str, Any]]] = {name: [] for name in mentions.CLEANUP_LISTS}
            for pid, number in rng.sample(documents, LISTED):
                lists[rng.choice(mentions.CLEANUP_LISTS[:3])].append({"procedure_id": pid, "number": number,
                                                                      "title": "规范性文件"})
            at += timedelta(days=1)
            payload = {"step": "publication", "step_kind": mentions.CLEANUP_PUBLICATION, "by": {},
                       "data": {"published_on": at.date().isoformat()},
                       "derived": {"published_on": at.date().isoformat(), **lists}, "status": "completed"}
            publication = {**doc_events[0]._asdict(), "seq": 1, "at": at, "kind": "task_completed", "payload": payload}
            procedure = _Row({**doc._asdict(), "definition_id": cleanup_definition, "title": f"清理{n}"})
            copy_of(procedure, [_Row(publication)], lambda p: p)
        for table, rows in ((Procedure, procedures), (Event, events), (NumberHeld, held),
                            (DocumentMention, mentioned)):
            for start in range(0, len(rows), 5000):
                c.execute(insert(table.__table__), rows[start:start + 5000])
        head, prev = c.execute(text("SELECT seq, hash FROM admin_log_head")).one()
        entries, moment = [], datetime(2026, 11, 24, 2, tzinfo=CST)
        for seq in range(head + 1, head + ADMIN + 1):
            moment += timedelta(seconds=1)
            payload = {"client": "10.0.0.7"}
            digest = admin_event_hash(seq, moment, "sponsor", "login", "user:sponsor", payload, prev)
            entries.append({"seq": seq, "at": moment, "actor": "sponsor", "kind": "login", "subject": "user:sponsor",
                            "payload": payload, "prev_hash": prev, "hash": digest})
            prev = digest
        for start in range(0, len(entries), 5000):
            c.execute(insert(AdminEvent.__table__), entries[start:start + 5000])
        c.execute(text("ALTER TABLE admin_log_head DISABLE TRIGGER admin_log_head_forward_only"))
        c.execute(text("UPDATE admin_log_head SET seq = :s, hash = :h"), {"s": head + ADMIN, "h": prev})
        c.execute(text("ALTER TABLE admin_log_head ENABLE TRIGGER admin_log_head_forward_only"))
        c.execute(text("ANALYZE"))
    engine.dispose()
    print(url)
    return url


class _Row:
    """A row-like copy of an event dict, as `copy_of` takes them."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self._values = values

    def _asdict(self) -> dict[str, Any]:
        return dict(self._values)


def measure(url: str) -> dict[str, Any]:
    from sqlalchemy import event

    from engine.clock import CST, FixedClock
    from engine.config import Settings
    from engine.core import build_engine
    from tests.webapp import site

    settings = Settings(database_url=url, key_dir=str(ROOT / ".bench-keys"))
    engine = build_engine(settings, FixedClock(datetime.combine(TODAY, clock_time(10), tzinfo=CST)))
    counted = [0]
    event.listen(engine.db, "before_cursor_execute", lambda *_: counted.__setitem__(0, counted[0] + 1))
    app = site.make_app(engine)
    auditor, public = site.login(app, "auditor").client, app.test_client()
    out = {}
    for name, client, path in (("admin log", auditor, "/audit/admin-log"),
                               ("registry", public, "/public/normative-documents")):
        assert client.get(path).status_code == 200, path
        samples, statements = [], []
        for _ in range(REPEAT):
            counted[0] = 0
            started = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            statements.append(counted[0])
        out[name] = {"p50_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1),
                     "statements": max(statements)}
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("load", "measure"))
    parser.add_argument("url", nargs="?")
    parser.add_argument("--code", help="the source tree to measure (default: this one)")
    args = parser.parse_args()
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]  # it has an engine.py
    sys.path.insert(0, str(ROOT))
    if args.code:
        sys.path.insert(0, str(Path(args.code).resolve()))
    if args.action == "load":
        load()
    else:
        print(json.dumps(measure(args.url), ensure_ascii=False))


if __name__ == "__main__":
    main()
