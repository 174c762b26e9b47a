"""Production mode: the refusals of an unsafe configuration, and the real stack on PostgreSQL.

The stack: `decisionflow serve --production` (gunicorn, 3 web workers, deploy/gunicorn.conf.py)
and 2 `decisionflow worker` processes on a fresh PostgreSQL database. Twenty review-loop
procedures go to completion at once through the REST API (draft with a document, review returned,
supplement, review lawful, deliberation), and twenty procedures whose one-day period was started
two days ago wait for the workers: each period fires exactly once, and the step after it is then
completed through the API too. Every chain verifies, and no process logged a traceback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import text

from engine.core import Engine
from tests.conftest import bundle
from tests.webapp.site import prepare
from webapp import create_app
from webapp.cli import cli
from webapp.production import UnsafeProductionConfig

SECRET = "production-test-secret-key-0123456789abcdef"
PROCEDURES, WEB_WORKERS, TIMER_WORKERS = 20, 3, 2
GOOD = {"DECISIONFLOW_ENV": "production", "DECISIONFLOW_SECRET_KEY": SECRET,
        "DECISIONFLOW_SESSION_COOKIE_SECURE": "true"}
PG_URL = "postgresql://app@db.internal/decisionflow"  # never connected to: create_app connects lazily


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("DECISIONFLOW_ALLOW_SQLITE", "DECISIONFLOW_ALLOW_INSECURE_COOKIES", "DATABASE_URL"):
        monkeypatch.setenv(name, "")  # recorded, so whatever a test (or `serve`) sets is undone after it
        monkeypatch.delenv(name)
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_production_mode_starts_with_a_safe_configuration(production_env):
    app = create_app({"DATABASE_URL": PG_URL})
    assert app.config["SECRET_KEY"] == SECRET and app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["decisionflow"].dispose()


@pytest.mark.parametrize("secret", [None, "", "too-short-0123456789"])
def test_production_mode_refuses_a_missing_or_short_secret_key(production_env, secret):
    if secret is None:
        production_env.delenv("DECISIONFLOW_SECRET_KEY")
    else:
        production_env.setenv("DECISIONFLOW_SECRET_KEY", secret)
    with pytest.raises(UnsafeProductionConfig, match="DECISIONFLOW_SECRET_KEY") as refused:
        create_app({"DATABASE_URL": PG_URL})
    assert "DECISIONFLOW_ENV=production" in str(refused.value)


def test_production_mode_refuses_sqlite_unless_allowed(production_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'office.db'}"
    with pytest.raises(UnsafeProductionConfig, match="DECISIONFLOW_ALLOW_SQLITE=1"):
        create_app({"DATABASE_URL": url})
    production_env.setenv("DATABASE_URL", url)
    with pytest.raises(UnsafeProductionConfig, match="DATABASE_URL is SQLite"):
        create_app()
    production_env.setenv("DECISIONFLOW_ALLOW_SQLITE", "1")
    create_app().extensions["decisionflow"].dispose()


def test_production_mode_refuses_insecure_cookies_unless_allowed(production_env):
    production_env.delenv("DECISIONFLOW_SESSION_COOKIE_SECURE")
    with pytest.raises(UnsafeProductionConfig, match="DECISIONFLOW_SESSION_COOKIE_SECURE"):
        create_app({"DATABASE_URL": PG_URL})
    production_env.setenv("DECISIONFLOW_SESSION_COOKIE_SECURE", "false")
    with pytest.raises(UnsafeProductionConfig, match="DECISIONFLOW_ALLOW_INSECURE_COOKIES=1"):
        create_app({"DATABASE_URL": PG_URL})
    production_env.setenv("DECISIONFLOW_ALLOW_INSECURE_COOKIES", "1")
    create_app({"DATABASE_URL": PG_URL}).extensions["decisionflow"].dispose()


def test_outside_production_mode_nothing_is_refused(production_env, tmp_path):
    production_env.delenv("DECISIONFLOW_ENV")
    production_env.delenv("DECISIONFLOW_SECRET_KEY")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"})
    assert len(app.config["SECRET_KEY"]) >= 32  # the per-process random key of a demo
    app.extensions["decisionflow"].dispose()


def test_serve_production_refuses_with_every_reason_then_execs_gunicorn(production_env, tmp_path, monkeypatch):
    monkeypatch.delenv("DECISIONFLOW_ENV")
    monkeypatch.delenv("DECISIONFLOW_SECRET_KEY")
    url = f"sqlite:///{tmp_path / 'office.db'}"
    refused = CliRunner().invoke(cli, ["serve", "--production", "--database", url])
    assert refused.exit_code == 2
    assert "DECISIONFLOW_SECRET_KEY" in refused.output and "DECISIONFLOW_ALLOW_SQLITE" in refused.output

    execs: list[list[str]] = []

    def execv(path: str, argv: list[str]) -> None:
        execs.append(argv)
        raise SystemExit(0)  # as if gunicorn had taken over the process

    monkeypatch.setattr(os, "execv", execv)
    monkeypatch.setenv("DECISIONFLOW_SECRET_KEY", SECRET)
    started = CliRunner().invoke(cli, ["serve", "--production", "--host", "0.0.0.0", "--port", "8001",
                                       "--database", PG_URL])
    assert started.exit_code == 0, started.output
    [argv] = execs
    assert argv[1:3] == ["-m", "gunicorn"] and argv[-1] == "webapp.wsgi:app"
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8001"
    assert argv[argv.index("--config") + 1].endswith("deploy/gunicorn.conf.py")
    assert os.environ["DECISIONFLOW_ENV"] == "production" and os.environ["DATABASE_URL"] == PG_URL


# --- the stack --------------------------------------------------------------------------------------------------

REVIEW_LOOP = [  # (spec, user, data, document field)
    ("draft", "sponsor", {"summary": "县城公交线网优化调整方案", "basis_count": 3}, "draft"),
    ("review", "reviewer", {"outcome": "returned", "opinion": "请补充听证材料"}, None),
    ("supplement", "sponsor", {"summary": "补充听证材料后的方案", "basis_count": 4}, "draft"),
    ("review", "reviewer", {"outcome": "lawful", "opinion": "符合法定权限和程序"}, None),
    ("deliberation", "secretary", {"decision": "adopt"}, None),
]


class Client:
    """One user's API calls with a bearer token."""

    def __init__(self, base: str, secret: str) -> None:
        self.base, self.session = base, requests.Session()
        self.session.headers["Authorization"] = f"Bearer {secret}"

    def task(self, procedure_id: int, spec: str, wait: float = 0) -> str:
        deadline = time.monotonic() + wait
        while True:
            inbox = self.session.get(f"{self.base}/api/v1/tasks/", timeout=30)
            assert inbox.status_code == 200, inbox.text
            found = [i["task_id"] for i in inbox.json() if i["procedure_id"] == procedure_id and i["spec"] == spec]
            if found or time.monotonic() > deadline:
                assert found, f"procedure {procedure_id}: no open {spec} step"
                return found[0]
            time.sleep(0.2)

    def complete(self, task_id: str, data: dict[str, object], document: str | None) -> dict[str, object]:
        """Multipart with the document when the step has one, JSON otherwise: the API's two forms."""
        url = f"{self.base}/api/v1/tasks/{task_id}/complete"
        if document:
            pdf = b"%PDF-1.4\n% " + task_id.encode() + b"\n%%EOF\n"
            response = self.session.post(url, timeout=60, data={"data": json.dumps(data, ensure_ascii=False)},
                                         files={document: ("决策草案.pdf", pdf, "application/pdf")})
        else:
            response = self.session.post(url, timeout=60, json={"data": data})
        assert response.status_code == 200, response.text
        return response.json()


def _drive_review_loop(base: str, secrets: dict[str, str], n: int) -> int:
    clients = {user: Client(base, secret) for user, secret in secrets.items()}
    started = clients["sponsor"].session.post(f"{clients['sponsor'].base}/api/v1/procedures/", timeout=30, json={
        "definition": "review_loop", "title": f"县城公交线网优化调整（第{n}号）", "facts": {}})
    assert started.status_code == 201, started.text
    procedure_id = started.json()["id"]
    result: dict[str, object] = {}
    for spec, user, data, document in REVIEW_LOOP:
        result = clients[user].complete(clients[user].task(procedure_id, spec), data, document)
    assert result["status"] == "completed", result
    return procedure_id


def _summarise_after_the_period(base: str, secrets: dict[str, str], procedure_id: int) -> int:
    sponsor = Client(base, secrets["sponsor"])
    result = sponsor.complete(sponsor.task(procedure_id, "summarise", wait=90), {"note": "期间届满，汇总意见"}, None)
    assert result["status"] == "completed", result
    return procedure_id


def _non_statutory(name: str) -> tuple[bytes, dict[str, object]]:
    """A fixture as a `statute="none"` definition with generic steps: the production stack runs in other
    processes, which know only the real statutes, not the test suite's `fixture` (tests/statute.py)."""
    bpmn, forms = bundle(name)
    text = bpmn.decode().replace('name="statute" value="fixture"', 'name="statute" value="none"')
    return re.sub(r'name="step_kind" value="\w+"', 'name="step_kind" value="generic"', text).encode(), forms


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _count(engine: Engine, sql: str) -> int:
    with engine.db.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def _wait_until_up(base: str, web: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert web.poll() is None, f"gunicorn exited {web.returncode}:\n{log.read_text()}"
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # booting under load, a first answer may take >2 s
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer in 60 s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.slow
def test_gunicorn_three_workers_and_two_timer_workers_run_forty_procedures_to_completion(
        db_kind, db_url, engine, clock, tmp_path):
    if db_kind != "postgresql":
        pytest.skip("the production stack runs on PostgreSQL; its SQLite refusal is tested above")
    began = time.perf_counter()
    clock.set(datetime.now(UTC) - timedelta(days=2))  # the periods below are due by wall time already
    prepare(engine)
    for name in ("review_loop.bpmn", "timer_first.bpmn"):
        engine.definitions.deploy(*_non_statutory(name), "test")
    sponsor = engine.people.actor("sponsor")
    timed = [engine.procedures.start("timer_first", f"意见征集期（第{n}号）", "dev_reform", sponsor).id
             for n in range(PROCEDURES)]
    secrets = {u: engine.tokens.issue(engine.people.actor(u), "production test").secret
               for u in ("sponsor", "reviewer", "secretary")}

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": db_url, "DECISIONFLOW_ENV": "production", "DECISIONFLOW_SECRET_KEY": SECRET,
           "DECISIONFLOW_ALLOW_INSECURE_COOKIES": "1", "DECISIONFLOW_KEY_DIR": str(tmp_path / "keys"),
           "DECISIONFLOW_WEB_WORKERS": str(WEB_WORKERS), "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    (tmp_path / "metrics").mkdir()
    decisionflow = shutil.which("decisionflow") or str(Path(sys.executable).with_name("decisionflow"))
    logs = {name: tmp_path / f"{name}.log" for name in ("web", *(f"worker-{i}" for i in range(TIMER_WORKERS)))}
    handles = {name: path.open("wb") for name, path in logs.items()}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(subprocess.Popen([decisionflow, "serve", "--production", "--port", str(port)], env=env,
                                          cwd=tmp_path, stdout=handles["web"], stderr=subprocess.STDOUT))
        _wait_until_up(base, processes[0], logs["web"])
        up = time.perf_counter()
        for i in range(TIMER_WORKERS):
            processes.append(subprocess.Popen([decisionflow, "worker", "--every", "1"], env=env, cwd=tmp_path,
                                              stdout=handles[f"worker-{i}"], stderr=subprocess.STDOUT))
        with ThreadPoolExecutor(2 * PROCEDURES) as pool:  # one thread, and one client per user, per procedure
            loops = [pool.submit(_drive_review_loop, base, secrets, n) for n in range(PROCEDURES)]
            periods = [pool.submit(_summarise_after_the_period, base, secrets, i) for i in timed]
            done = [f.result() for f in loops + periods]
        driven = time.perf_counter()
        ready = requests.get(f"{base}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text  # database, migrations and a worker's heartbeat
        assert requests.get(f"{base}/metrics", timeout=10).status_code == 200
    finally:
        for process in reversed(processes):
            _stop(process)
        for handle in handles.values():
            handle.close()

    assert len(set(done)) == 2 * PROCEDURES
    web_log = logs["web"].read_text()
    assert web_log.count("Booting worker with pid") >= WEB_WORKERS, web_log
    for name, path in logs.items():
        assert "Traceback" not in path.read_text(), f"{name}:\n{path.read_text()}"
    assert _count(engine, "SELECT count(*) FROM procedures WHERE status = 'completed'") == 2 * PROCEDURES
    assert _count(engine, "SELECT count(*) FROM timers WHERE status <> 'fired'") == 0
    assert _count(engine, "SELECT count(*) FROM events WHERE kind = 'timer_fired'") == PROCEDURES
    assert _count(engine, "SELECT count(*) FROM (SELECT procedure_id FROM events WHERE kind = 'timer_fired' "
                          "GROUP BY procedure_id HAVING count(*) <> 1) AS twice") == 0
    reports = list(engine.history.verify_all())
    assert len(reports) == 2 * PROCEDURES and all(r.ok for r in reports), [r for r in reports if not r.ok]
    completions = _count(engine, "SELECT count(*) FROM events WHERE kind = 'task_completed'")
    print(f"\ngunicorn {WEB_WORKERS} workers + {TIMER_WORKERS} timer workers on PostgreSQL: up in "
          f"{up - began:.1f} s (setup included); {2 * PROCEDURES} procedures, {completions} completions through "
          f"the API and {PROCEDURES} periods fired in {driven - up:.1f} s; "
          f"whole test {time.perf_counter() - began:.1f} s")
