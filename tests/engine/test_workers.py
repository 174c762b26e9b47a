"""Several worker processes on the real PostgreSQL: every timer fires exactly once (DESIGN 6).

Four `decisionflow worker` processes share 1,000 due periods; one is killed with SIGKILL
midway, its open transaction rolled back by the server; the rest finish the work. Counted
from history, every procedure's period fired once, none was lost, and every chain verifies.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import bundle

TIMERS = 1000
WORKERS = 4


def _count(engine, sql: str) -> int:  # type: ignore[no-untyped-def]
    with engine.db.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


@pytest.mark.slow
def test_md14_four_workers_fire_a_thousand_periods_each_once_and_survive_a_killed_worker(db_kind, db_url, engine,
                                                                                         tmp_path):
    if db_kind != "postgresql":
        pytest.skip("several workers need PostgreSQL's SKIP LOCKED; SQLite runs one (tests/engine/test_worker.py)")
    engine.definitions.deploy(*bundle("timer_first.bpmn"), "test")
    engine.people.ensure_organisation("dev_reform", "县发展和改革局")
    sponsor = engine.people.ensure_user("zhang_wei", "dev_reform", ["sponsor"])
    for n in range(TIMERS):  # each period is due a day after the test clock's start: long past by wall time
        engine.procedures.start("timer_first", f"程序 {n}", "dev_reform", sponsor)
    assert _count(engine, "SELECT count(*) FROM timers WHERE status = 'pending'") == TIMERS

    command = [shutil.which("decisionflow") or "decisionflow", "worker", "--until-idle", "--database", db_url]
    logs = [open(tmp_path / f"worker-{i}.log", "w") for i in range(WORKERS)]  # noqa: SIM115 - closed below
    workers = [subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **outside(tmp_path)})
               for log in logs]
    try:
        deadline = time.monotonic() + 120
        while _count(engine, "SELECT count(*) FROM timers WHERE status = 'fired'") < TIMERS // 4:
            assert time.monotonic() < deadline, "the workers fired too few timers in time"
            time.sleep(0.05)
        workers[0].send_signal(signal.SIGKILL)
        for worker in workers[1:]:
            assert worker.wait(timeout=300) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        for log in logs:
            log.close()
    assert workers[0].returncode == -signal.SIGKILL

    assert _count(engine, "SELECT count(*) FROM timers WHERE status = 'fired'") == TIMERS
    assert _count(engine, "SELECT count(*) FROM timers WHERE status <> 'fired'") == 0
    assert _count(engine, "SELECT count(*) FROM events WHERE kind = 'timer_fired'") == TIMERS
    assert _count(engine, "SELECT count(*) FROM (SELECT procedure_id FROM events WHERE kind = 'timer_fired' "
                          "GROUP BY procedure_id HAVING count(*) <> 1) AS twice") == 0
    assert _count(engine, "SELECT count(*) FROM work_items WHERE spec = 'summarise' AND status = 'open'") == TIMERS
    assert all(report.ok for report in engine.history.verify_all())
    fired_by = [(tmp_path / f"worker-{i}.log").read_text() for i in range(WORKERS)]
    assert sum("Traceback" in log for log in fired_by) == 0, fired_by


def outside(tmp_path: Path) -> dict[str, str]:
    """Keys and checkpoints the workers write (DF-CHECKPOINT, hourly) go to the test's directory, not the cwd."""
    return {"DECISIONFLOW_KEY_DIR": str(tmp_path / "keys"),
            "DECISIONFLOW_CHECKPOINT_DIR": str(tmp_path / "checkpoints")}
