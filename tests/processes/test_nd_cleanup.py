"""Clean-ups of normative documents (ND-9), driven through the engine's services, the worker and the CLI.

The registry is filled with real normative-document procedures (processes/normative_document.bpmn);
a clean-up (processes/nd_cleanup.bpmn) takes the documents in force as its scope, decides each, is
approved and publishes its lists, and the registry shows what the last clean-up decided.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import text

from engine import backup
from engine.bpmn.definition import analyse
from engine.cli import cli
from engine.clock import CST, FixedClock
from engine.config import Settings
from engine.core import Engine, build_engine
from engine.domain import errors
from engine.persistence.tables import Base
from engine.services.definitions import read_bundle
from engine.statutes import guards
from engine.worker import fire_due, start_due_cleanup
from tests.helpers import fingerprint, refused
from tests.processes.md_scenario import pdf
from tests.processes.test_normative_document import Document
from tests.processes.walk import Walk

ROOT = Path(__file__).resolve().parents[2]
PROCESS = ROOT / "processes" / "nd_cleanup.bpmn"
ND_PROCESS = ROOT / "processes" / "normative_document.bpmn"
ORGANISER = "county_justice"


def number(n: int) -> str:
    return f"示范府规〔2026〕{n}号"


class Cleanup(Walk):
    """One clean-up procedure, its open steps by BPMN id, done by the named people."""

    def scope(self, kind: str = "periodic", **over: Any) -> None:
        self.do("scope", "organiser", {"cleanup_type": kind, **over}, {"plan": pdf("清理工作方案")})

    def review(self, *decisions: dict[str, Any]) -> None:
        self.do("review", "organiser", {"decisions": list(decisions)}, {"review_report": pdf("清理审查报告")})

    def approve(self, outcome: str = "adopt", **over: Any) -> None:
        self.do("approval", "head", {"meeting_type": "standing", "meeting_date": self.today(),
                                     "meeting_outcome": outcome, **over}, {"minutes": pdf("常务会议纪要")})

    def publish(self, **over: Any) -> None:
        day = self.engine.clock.now().astimezone(CST).date().isoformat()
        self.do("publication", "clerk", {"published_on": day, "channels": ["gazette", "website"], **over},
                {"lists_document": pdf("清理结果目录")})


def keep(n: int) -> dict[str, Any]:
    return {"number": number(n), "decision": "continue", "basis_confirmed": True}


def amend(n: int) -> dict[str, Any]:
    return {"number": number(n), "decision": "amend", "reason": "与新修订的上位法不一致"}


def repeal(n: int) -> dict[str, Any]:
    return {"number": number(n), "decision": "repeal", "reason": "上位法已废止，缺乏依据"}


@dataclass
class World:
    engine: Engine
    clock: FixedClock
    people: dict[str, Any]

    def document(self, n: int, **publish: Any) -> int:
        """A normative document registered as `number(n)` and published (in force from 2026-12-01)."""
        drafter = self.people["drafter"]
        view = self.engine.procedures.start("normative_document", f"规范性文件{n}", drafter.org, drafter)
        doc = Document.of(self.engine, self.people, view)
        doc.to_collective_review(document_title=f"规范性文件{n}")
        doc.collective()
        doc.sign()
        doc.register(number(n))
        doc.publish(**publish)
        return view.id

    def special(self, who: str = "organiser") -> Cleanup:
        view = self.engine.cleanup.start_special(self.people[who])
        return Cleanup.of(self.engine, self.people, view)

    def cleanup(self, procedure_id: int) -> Cleanup:
        view = self.engine.procedures.get(procedure_id)
        return Cleanup.of(self.engine, self.people, view)

    def status(self) -> dict[str, tuple[str, int | None, str | None]]:
        return {e.number: (e.status, e.cleanup_procedure_id, e.cleanup_decision)
                for e in self.engine.registry.entries()}


@pytest.fixture
def world(engine: Engine, clock: FixedClock) -> World:
    for path in (ND_PROCESS, PROCESS):
        engine.definitions.deploy(*read_bundle(path), "test")
    p = engine.people
    for code in ("county_market", ORGANISER, "county_gov", "county_office"):
        p.ensure_organisation(code, code)
    people = {"drafter": p.ensure_user("zhang_draft", "county_market", ["sponsor"]),
              "reviewer": p.ensure_user("liu_review", ORGANISER, ["legality_reviewer"]),
              "organiser": p.ensure_user("wu_clean", ORGANISER, ["legality_reviewer"]),
              "head": p.ensure_user("sun_head", "county_gov", ["head"]),
              "clerk": p.ensure_user("zhao_clerk", "county_office", ["gov_office"])}
    return World(engine, clock, people)


@pytest.fixture
def scheduled(engine: Engine, clock: FixedClock) -> Iterator[tuple[Engine, Engine]]:
    """Two engines on the test database, as two workers: the clean-up is the organiser's, from 1 March."""
    settings = dataclasses.replace(engine.settings, cleanup_org=ORGANISER, cleanup_day=60,
                                   checkpoint_minutes=0)  # the hourly checkpoint has its own scheduled_runs rows
    pair = (build_engine(settings, clock), build_engine(settings, clock))
    yield pair
    for built in pair:
        built.dispose()


def _cleanups(engine: Engine) -> int:
    with engine.db.connect() as connection:
        return int(connection.execute(text(
            "SELECT count(*) FROM procedures p JOIN definitions d ON d.id = p.definition_id "
            "WHERE d.key = 'nd_cleanup'")).scalar_one())


def test_nd9_a_cleanup_cannot_close_with_an_undecided_document(world):
    world.document(3)
    world.document(4)
    cleanup = world.special()
    cleanup.scope("special", special_reason="《优化营商环境条例》施行，专项清理妨碍公平竞争的文件")
    assert [d["number"] for d in cleanup.derived()["cleanup_scope"]] == [number(4), number(3)]

    error = refused(world.engine, errors.CleanupUndecided, "ND-9", cleanup.review, repeal(3))
    assert number(4) in error.message() and error.field == "decisions"
    refused(world.engine, errors.CleanupUndecided, "ND-9", cleanup.review, repeal(3), {"number": number(4)})
    refused(world.engine, errors.CleanupUndecided, "ND-9", cleanup.review)
    assert cleanup.open() == {"review"}

    cleanup.review(repeal(3), keep(4))
    assert cleanup.open() == {"approval"}
    context = guards.Context({"published_on": "2026-11-02", "channels": ["website"]},
                             {"cleanup_scope": [{"number": number(3)}, {"number": number(4)}],
                              "cleanup_decisions": [{"number": number(3), "decision": "repeal"}],
                              "cleanup_approved": True}, world.clock.now())
    with pytest.raises(errors.CleanupUndecided) as caught:  # nor is the list published with one undecided
        guards.run("nd_cleanup", "cleanup_publication", context)
    assert caught.value.rule == "ND-9"


def test_nd9_review_refuses_unknown_duplicated_and_unreasoned_decisions(world):
    world.document(3)
    cleanup = world.special()
    refused(world.engine, errors.SpecialCleanupUnreasoned, "ND-9", cleanup.scope, "special")
    refused(world.engine, errors.FormInvalid, "DF-FORM", cleanup.scope, "periodic")  # started as a special one
    cleanup.scope("special", special_reason="上位法修改")

    error = refused(world.engine, errors.CleanupDocumentUnknown, "ND-9", cleanup.review, keep(3), keep(9))
    assert error.field == "decisions.1.number"
    refused(world.engine, errors.CleanupDecidedTwice, "ND-9", cleanup.review, keep(3), repeal(3))
    refused(world.engine, errors.CleanupUnreasoned, "ND-9", cleanup.review, {**repeal(3), "reason": " "})
    error = refused(world.engine, errors.CleanupBasisUnconfirmed, "ND-9", cleanup.review,
                    {**keep(3), "basis_confirmed": False})
    assert error.field == "decisions.0.basis_confirmed"
    cleanup.review(amend(3))
    assert cleanup.derived()["cleanup_decisions"][0]["decision"] == "amend"


def test_nd9_repealed_by_a_cleanup_shows_in_the_registry(world, clock):
    for n in (3, 4, 5):
        world.document(n)
    world.document(6, trial=True, valid_until="2027-06-30")
    clock.set(datetime(2027, 8, 2, 9, 0, tzinfo=CST))  # document 6 lapsed on 1 July
    assert world.status()[number(6)] == ("expired", None, None)

    cleanup = world.special()
    cleanup.scope("special", special_reason="机构改革后专项清理")
    assert [d["number"] for d in cleanup.derived()["cleanup_lapsed"]] == [number(6)]
    cleanup.review(keep(3), amend(4), repeal(5))
    assert world.status()[number(5)] == ("in_force", None, None)  # nothing counts before publication
    cleanup.approve()
    cleanup.publish()
    assert world.engine.procedures.get(cleanup.procedure_id).status == "completed"

    pid = cleanup.procedure_id
    assert world.status() == {number(3): ("in_force", pid, "continue"), number(4): ("amending", pid, "amend"),
                              number(5): ("repealed", pid, "repeal"), number(6): ("expired", pid, "lapsed")}
    entry = next(e for e in world.engine.registry.entries() if e.number == number(5))
    assert entry.cleanup_published_on == "2027-08-02"
    [published] = world.engine.registry.cleanups()
    assert [d.number for d in published.repealed] == [number(5)]
    assert [d.number for d in published.continuing] == [number(3)]
    assert [d.number for d in published.amending] == [number(4)]
    assert [d.number for d in published.lapsed] == [number(6)]
    _media, content = world.engine.registry.document(pid, published.document_sha256)
    assert content.startswith(b"%PDF")
    assert world.engine.history.verify(pid).ok

    later = world.special()  # the next clean-up: the amended one continues, the lapsed one is not listed again
    later.scope("special", special_reason="修改完成后复查")
    assert {d["number"] for d in later.derived()["cleanup_scope"]} == {number(3), number(4)}
    assert later.derived()["cleanup_lapsed"] == []
    later.review(keep(3), keep(4))
    later.approve()
    later.publish()
    assert world.status()[number(4)] == ("in_force", later.procedure_id, "continue")
    assert world.status()[number(5)] == ("repealed", pid, "repeal")


def test_nd9_the_result_is_approved_at_a_leadership_meeting_or_reviewed_again(world):
    world.document(3)
    cleanup = world.special()
    cleanup.scope("special", special_reason="专项清理")
    cleanup.review(keep(3))
    refused(world.engine, errors.CleanupNotAtMeeting, "ND-9", cleanup.approve, meeting_type="circulation")
    cleanup.approve("revise")
    assert cleanup.open() == {"review"}
    cleanup.review(repeal(3))
    cleanup.approve()
    assert cleanup.open() == {"publication"}
    refused(world.engine, errors.DateTooLate, "DF-DATE", cleanup.publish, published_on="2027-01-01")
    cleanup.publish()
    assert world.status()[number(3)][0] == "repealed"
    context = guards.Context({"published_on": "2026-11-02"}, {"cleanup_scope": [], "cleanup_decisions": [],
                                                              "cleanup_approved": False}, world.clock.now())
    with pytest.raises(errors.CleanupNotApproved) as caught:
        guards.run("nd_cleanup", "cleanup_publication", context)
    assert caught.value.rule == "ND-9"


def test_nd9_only_the_legality_review_office_starts_a_special_cleanup(world):
    refused(world.engine, errors.StartInvalid, "DF-START", world.special, "drafter")
    cleanup = world.special("reviewer")
    view = world.engine.procedures.get(cleanup.procedure_id)
    assert view.sponsor_org == ORGANISER and cleanup.open() == {"scope"}
    [item] = view.open_items
    assert (item.role, item.org) == ("legality_reviewer", ORGANISER)
    assert {i.spec for i in world.engine.tasks.inbox(world.people["organiser"])} == {"scope"}
    assert world.engine.tasks.inbox(world.people["drafter"]) == []


def test_nd9_the_worker_starts_one_cleanup_a_year_even_when_fire_due_runs_twice_from_two_engines(world, scheduled,
                                                                                                clock):
    first, second = scheduled
    assert fire_due(first) == 0 and fire_due(first) == 0 and fire_due(second) == 0
    [(job, period, pid)] = world.engine.cleanup.runs()
    assert (job, period, _cleanups(world.engine)) == ("nd_cleanup", "2026", 1)
    view = world.engine.procedures.get(pid)
    assert view.title == "2026年度行政规范性文件定期清理" and view.started_by == "system"
    assert [(i.spec, i.org) for i in view.open_items] == [("scope", ORGANISER)]

    clock.set(datetime(2027, 2, 28, 23, 0, tzinfo=CST))  # day 59: not yet
    fire_due(second)
    assert _cleanups(world.engine) == 1
    clock.set(datetime(2027, 3, 1, 8, 0, tzinfo=CST))  # day 60
    fire_due(second)
    fire_due(first)
    assert [r[1] for r in world.engine.cleanup.runs()] == ["2026", "2027"] and _cleanups(world.engine) == 2

    cleanup = world.cleanup(pid)  # the scheduled one is periodic
    refused(world.engine, errors.FormInvalid, "DF-FORM", cleanup.scope, "special", special_reason="x")
    cleanup.scope()
    assert cleanup.open() == {"review"}


def test_nd9_two_workers_at_the_same_moment_start_the_years_cleanup_once(world, scheduled):
    first, second = scheduled
    inside = threading.Event()

    def hold() -> None:  # the first worker has inserted this year's run and not committed yet
        if not inside.is_set():
            inside.set()
            time.sleep(0.5)

    first.before_commit = hold
    started: dict[str, int | None] = {}
    thread = threading.Thread(target=lambda: started.setdefault("first", start_due_cleanup(first)))
    thread.start()
    assert inside.wait(30)
    started["second"] = start_due_cleanup(second)  # PostgreSQL: its insert waits, then conflicts and rolls back
    thread.join(30)
    assert started["first"] is not None and started["second"] is None
    assert _cleanups(world.engine) == 1 and len(world.engine.cleanup.runs()) == 1
    assert all(report.ok for report in world.engine.history.verify_all())


def test_nd9_a_worker_without_the_cleanup_definition_logs_and_still_fires_timers(engine, clock, caplog):
    settings = dataclasses.replace(engine.settings, cleanup_org=ORGANISER)
    worker = build_engine(settings, clock)
    try:
        with caplog.at_level(logging.WARNING, logger="engine.worker"):
            assert fire_due(worker) == 0
        assert "clean-up of normative documents did not start" in caplog.text
        assert worker.cleanup.runs() == []
    finally:
        worker.dispose()


def test_nd9_cleanup_settings_come_from_the_environment():
    settings = Settings.from_env({"DECISIONFLOW_CLEANUP_ORG": "justice", "DECISIONFLOW_CLEANUP_DAY": "91"})
    assert (settings.cleanup_org, settings.cleanup_day) == ("justice", 91)
    assert Settings.from_env({}).cleanup_org is None
    with pytest.raises(ValueError, match="DECISIONFLOW_CLEANUP_DAY"):
        Settings.from_env({"DECISIONFLOW_CLEANUP_DAY": "367"})


def test_nd9_cleanup_start_command_starts_a_special_cleanup(world, db_url):
    result = CliRunner().invoke(cli, ["cleanup", "start", "--by", "wu_clean", "--database", db_url])
    assert result.exit_code == 0, result.output
    assert "行政规范性文件专项清理" in result.output and "启动清理并确定清理范围" in result.output
    before = fingerprint(world.engine)
    result = CliRunner().invoke(cli, ["cleanup", "start", "--by", "zhang_draft", "--database", db_url])
    assert result.exit_code == 1 and fingerprint(world.engine) == before
    assert _cleanups(world.engine) == 1


def test_nd9_the_real_cleanup_definition_passes_every_rule():
    analysis = analyse(PROCESS.read_bytes(), read_bundle(PROCESS)[1])
    assert analysis.problems == []
    assert analysis.statute == "nd_cleanup" and analysis.rules_checked == ["ND-9"]


def test_nd9_the_scheduled_runs_table_is_made_by_migrations_0008_and_0009(engine):
    with engine.db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "scheduled_runs" in str(d)] == []
    with engine.db.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM scheduled_runs")).scalar_one() == 0


def test_nd9_a_restored_backup_keeps_the_years_run_so_it_is_not_started_again(db_kind, world, scheduled, tmp_path):
    if db_kind == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")
    first, _ = scheduled
    fire_due(first)
    out = tmp_path / "backup.tar.gz"
    manifest = backup.create(world.engine.settings, out, world.clock.now())
    assert manifest.counts["scheduled_runs"] == 1
    backup.restore(world.engine.settings, out, world.clock.now(), force=True)
    fire_due(first)
    assert len(world.engine.cleanup.runs()) == 1 and _cleanups(world.engine) == 1


def test_nd9_the_reviewer_decides_on_a_prefilled_form_and_the_public_registry_shows_the_cleanup(engine):
    from tests.webapp.site import login, make_app, prepare

    prepare(engine)  # every definition deployed; the demo people, the 司法局 (justice) organising clean-ups
    people = {role: engine.people.actor(user) for role, user in
              (("drafter", "sponsor"), ("reviewer", "reviewer"), ("head", "head"), ("clerk", "secretary"))}
    world = World(engine, engine.clock, {**people, "organiser": people["reviewer"]})  # type: ignore[arg-type]
    world.document(3)
    world.document(4)
    cleanup = world.special()
    cleanup.scope("special", special_reason="专项清理")
    app = make_app(engine)
    browser = login(app, "reviewer")
    task = next(iter(cleanup.ready))
    form = browser.get(f"/tasks/{task}").get_data(as_text=True)
    assert f'value="{number(4)}"' in form and f'value="{number(3)}"' in form  # one row per document in scope

    rows = {"decisions.0.number": number(4), "decisions.0.decision": "continue", "decisions.0.basis_confirmed": "true",
            "decisions.1.number": number(3), "decisions.1.decision": "repeal", "decisions.1.reason": "上位法已废止"}
    response = browser.post(f"/tasks/{task}", {**rows, "review_report": (__import__("io").BytesIO(b"%PDF-1.4"),
                                                                         "清理审查报告.pdf")},
                            content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    cleanup.ready = {i.task_id: i.spec for i in engine.procedures.get(cleanup.procedure_id).open_items}
    cleanup.approve()
    cleanup.publish()

    page = app.test_client().get("/public/normative-documents").get_data(as_text=True)
    assert "已废止" in page and f'href="#cleanup-{cleanup.procedure_id}"' in page
    assert "已公布的清理结果" in page and "行政规范性文件专项清理" in page


def test_nd9_the_review_office_starts_a_special_cleanup_from_its_page_and_no_one_else_can(engine):
    from tests.webapp.site import Browser, login, make_app, prepare

    prepare(engine)
    app = make_app(engine)
    reviewer = login(app, "reviewer")
    page = reviewer.get("/reviews").get_data(as_text=True)
    assert "发起专项清理" in page
    before = fingerprint(engine)
    sponsor = login(app, "sponsor")
    assert sponsor.get("/reviews").status_code == 403
    assert sponsor.post("/procedures/cleanup", {"title": "越权发起"}).status_code == 403
    anonymous = Browser(app.test_client())
    anonymous.get("/login")  # a CSRF token, but no login
    response = anonymous.post("/procedures/cleanup", {"title": "匿名"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert app.test_client().post("/procedures/cleanup", data={"title": "无令牌"}).status_code == 400  # CSRF
    assert fingerprint(engine) == before  # nothing was started

    response = reviewer.post("/procedures/cleanup", {"title": "涉及市场准入的规范性文件专项清理"})
    assert response.status_code == 303
    procedure_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    view = engine.procedures.get(procedure_id)
    assert (view.definition_key, view.title) == ("nd_cleanup", "涉及市场准入的规范性文件专项清理")
    assert {i.spec for i in view.open_items} == {"scope"}
    assert "启动清理并确定清理范围" in reviewer.get("/tasks").get_data(as_text=True)
