"""Stateful property tests (issue 19, item 10): random sequences of REST calls by random users.

A Hypothesis state machine starts procedures, completes their steps with valid data by the right
person, lets time pass, and in between sends adversarial calls: a random demo user (every role, the
administrator, a sponsor of another unit) claims or completes an open, done, other procedure's or
made-up task id, with the step's valid data or a mangled copy (a field dropped, emptied, oversized,
a date in the future, a list entry duplicated, garbage), with or without a (wrong) procedure_id, or
withdraws a procedure. After every call the invariants hold:

1. order: each step the history completes was open just before, as the engine's replay of the
   history says, and whoever completed it holds the step's role;
2. a refused call (4xx) changed nothing: procedures (state, version, chain head), events, work
   items, timers and documents are as before;
3. every finished procedure's history, read as a path, passes its statute's path rules (the
   deploy-time compliance check, engine/bpmn/compliance.py) and its chain verifies;
4. no 5xx.

Each run starts from one seeded SQLite file (copied), on a FixedClock, with derandomized examples,
so a failure reproduces; Hypothesis prints the failing steps and the blob to replay them.
"""

from __future__ import annotations

import io
import itertools
import json
import random
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import text
from sqlalchemy.engine import make_url

from engine.bpmn.compliance import Graph, Node, PathRule
from engine.bpmn.profiles import PROFILES
from engine.clock import FixedClock
from engine.config import Settings
from engine.core import Engine, build_engine
from engine.domain.errors import DomainError
from engine.workdays import local_date
from tests.conftest import START
from tests.helpers import fingerprint
from tests.webapp.site import USERNAMES, make_app, prepare
from tests.webapp.stateful_steps import SPECS, STARTERS, Completion, valid

OUTSIDER = "housing"
"""A sponsor of another unit (住房和城乡建设局): every procedure here is sponsored by someone else."""
USERS = USERNAMES  # every demo role: sponsor, adviser, expert, assessor, secretary, head, liaison, auditor, admin…
DEFINITIONS = tuple(SPECS)
FINISHED = ("completed", "withdrawn")
MAX_PROCEDURES = 3


@dataclass(frozen=True)
class Seeded:
    """A database with the processes deployed, the demo people seeded and an API token each."""

    path: Path
    key_dir: Path
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, sqlite_factory: Any) -> Seeded:
    root = tmp_path_factory.mktemp("stateful")
    url = sqlite_factory.new()
    engine = build_engine(Settings(database_url=url, key_dir=str(root / "keys")), FixedClock(START))
    try:
        prepare(engine)
        tokens = {name: engine.tokens.issue(engine.people.actor(name), "stateful", days=365).secret for name in USERS}
    finally:
        engine.dispose()
    path = Path(make_url(url).database or "")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Seeded(path, root / "keys", tokens)


@dataclass
class Site:
    """One run's copy of the seeded database, its engine on a FixedClock and the app over it."""

    engine: Engine
    clock: FixedClock
    app: Flask
    tokens: dict[str, str]
    procedures: dict[int, str] = field(default_factory=dict)  # id → definition key
    starters: dict[int, str] = field(default_factory=dict)    # id → who started it
    checked: dict[int, int] = field(default_factory=dict)      # id → last event seq already checked

    @classmethod
    def open(cls, seeded: Seeded, copy: Path) -> Site:
        shutil.copyfile(seeded.path, copy)
        clock = FixedClock(START)
        engine = build_engine(Settings(database_url=f"sqlite:///{copy}", key_dir=str(seeded.key_dir),
                                       max_document_bytes=1024 * 1024), clock)
        return cls(engine, clock, make_app(engine), seeded.tokens)

    def call(self, username: str, method: str, path: str, body: dict[str, Any] | None = None,
             files: dict[str, Any] | None = None) -> Any:
        """One API call, with invariants 2 and 4 checked around it and 1 and 3 after it."""
        before = fingerprint(self.engine)
        headers = {"Authorization": f"Bearer {self.tokens[username]}"}
        client = self.app.test_client()
        if files is not None:
            form = {"data": json.dumps((body or {}).get("data")),
                    **{k: str(v) for k, v in (body or {}).items() if k != "data"},
                    **{name: (io.BytesIO(up.content), up.filename, up.media_type) for name, up in files.items()}}
            response = client.open(f"/api/v1{path}", method=method, headers=headers, data=form,
                                   content_type="multipart/form-data")
        else:
            response = client.open(f"/api/v1{path}", method=method, headers=headers,
                                   data=None if body is None else json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (method, path, username, response.get_data(as_text=True))
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
            assert fingerprint(self.engine) == before, f"refused {method} {path} by {username} changed state"
        self.check()
        return response

    def check(self) -> None:
        for pid in self.procedures:
            self.check_order(pid)
            if self.engine.procedures.get(pid).status in FINISHED:
                self.check_compliant(pid)

    def check_order(self, pid: int) -> None:
        """Invariant 1: every step completed since the last check was open right before it."""
        auditor = self.engine.people.actor("auditor")
        events = self.engine.history.events(pid)
        items = self._items(pid)
        for event in events[self.checked.get(pid, 0):]:
            if event.kind == "task_completed":
                before = self.engine.replay.at(auditor, pid, event.seq - 1)
                assert event.task_id in before.open_steps, f"procedure {pid} seq {event.seq}: step not open"
                role, org = items[event.task_id]
                actor = self.engine.people.actor(event.actor)
                assert actor.holds(role), f"procedure {pid} seq {event.seq}: {event.actor} lacks role {role}"
                if org == "sponsor":
                    assert actor.org == self.engine.procedures.get(pid).sponsor_org, (pid, event.seq)
        self.checked[pid] = len(events)

    def check_compliant(self, pid: int) -> None:
        """Invariant 3: the finished history, read as one path, keeps its statute's order."""
        view = self.engine.procedures.get(pid)
        steps = self.engine.record.procedure(self.engine.people.actor("auditor"), pid).steps
        problems = [p for check in PROFILES[view.definition_key] if isinstance(check, PathRule)
                    for p in check.check(history_path([s.step_kind for s in steps], view.status == "completed"))]
        assert not problems, f"procedure {pid} broke its statute: {problems}"
        assert self.engine.history.verify(pid).ok

    def _items(self, pid: int) -> dict[str, tuple[str, str | None]]:
        with self.engine.db.connect() as connection:
            rows = connection.execute(text("SELECT task_id, role, org FROM work_items WHERE procedure_id = :p"),
                                      {"p": pid})
            return {r[0]: (r[1], r[2]) for r in rows}

    def open_items(self, pid: int) -> tuple[Any, ...]:
        return self.engine.procedures.get(pid).open_items

    def today(self) -> Any:
        return local_date(self.clock.now())

    def valid(self, pid: int, spec: str) -> Completion | None:
        """The lawful completion of the step, with the rows the engine fills in for its doer (ND-9's scope)."""
        view = self.engine.procedures.get(pid)
        args = (self.procedures[pid], spec, self.today(), pid, self.starters[pid], view.sponsor_org)
        done = valid(*args)
        item = next((i for i in view.open_items if i.spec == spec), None)
        if done is None or item is None:
            return done
        try:
            known = self.engine.tasks.known(item.task_id, self.engine.people.actor(done.username))
        except DomainError:  # the random machine's starter may not be the step's doer: no rows to fill
            known = {}
        return valid(*args, known)


def history_path(kinds: list[str], ended: bool) -> Graph:
    """The steps a procedure did, in order, as a graph with one path: start → steps → (end)."""
    graph = Graph()
    names = ["start", *(f"step{i}" for i in range(len(kinds)))] + (["end"] if ended else [])
    tags = ["startEvent", *(["userTask"] * len(kinds))] + (["endEvent"] if ended else [])
    step_kinds: list[str | None] = [None, *kinds] + ([None] if ended else [])
    for name, tag, kind in zip(names, tags, step_kinds, strict=True):
        graph.nodes[name] = Node(name, kind or name, tag, kind, {}, None)
        graph.successors[name] = []
    for source, target in itertools.pairwise(names):
        graph.successors[source].append(target)
    return graph


def test_df_stateful_history_path_breaking_the_order_is_found() -> None:
    """The invariant-3 check can fail: publishing before deliberation is a problem under MD-32."""
    rules = [c for c in PROFILES["major_decision"] if isinstance(c, PathRule)]
    lawful = ["legality_review", "deliberation", "party_report", "publication", "archiving"]
    assert not [p for r in rules for p in r.check(history_path(lawful, True))]
    broken = ["legality_review", "publication", "deliberation", "party_report", "archiving"]
    assert {p.code for r in rules for p in r.check(history_path(broken, True))} >= {"MD-32", "MD-31"}


# Adversarial payloads ------------------------------------------------------------------------------------------

GARBAGE = st.one_of(st.none(), st.integers(-2**70, 2**70), st.text(max_size=20), st.just("x" * 20000),
                    st.just(""), st.just("\x00"), st.lists(st.text(max_size=5), max_size=3))
MANGLES = ("as_is", "drop", "empty", "garbage", "future", "duplicate", "no_docs", "unknown_field", "not_object")


def mangle(data: dict[str, Any], how: str, key_pick: int, junk: Any, site: Site) -> Any:
    """`data` spoiled one way; "as_is" keeps it valid (a wrong user or step must still be refused)."""
    data = json.loads(json.dumps(data))
    keys = sorted(data)
    key = keys[key_pick % len(keys)] if keys else "x"
    if how == "drop":
        data.pop(key, None)
    elif how == "empty":
        data[key] = "" if isinstance(data.get(key), str) else [] if isinstance(data.get(key), list) else None
    elif how == "garbage":
        data[key] = junk
    elif how == "future":
        future = (site.today() + timedelta(days=400)).isoformat()
        data = {k: future if isinstance(v, str) and len(v) == 10 and v[4] == "-" else v for k, v in data.items()}
        data[key] = data[key] if key in data and data[key] == future else data.get(key)
    elif how == "duplicate":
        data = {k: v + v[:1] if isinstance(v, list) else v for k, v in data.items()}
    elif how == "unknown_field":
        data["__proto__"] = junk
    elif how == "not_object":
        return junk
    return data


class ApiMachine(RuleBasedStateMachine):
    """Procedures moved by their people and attacked by everyone, through the REST API."""

    site: Site

    def __init__(self) -> None:
        super().__init__()
        self.site = SITE_FACTORY()

    def teardown(self) -> None:
        self.site.engine.dispose()

    @precondition(lambda self: len(self.site.procedures) < MAX_PROCEDURES)
    @rule(definition=st.sampled_from(DEFINITIONS), by=st.sampled_from([None] * 6 + list(USERS)))
    def start(self, definition: str, by: str | None) -> None:
        """A start by the definition's sponsor, or by anyone (only a sponsor of their own unit may)."""
        user = by or STARTERS[definition]
        response = self.site.call(user, "POST", "/procedures/", {"definition": definition, "title": "随机决策事项"})
        if response.status_code == 201:
            self.site.procedures[response.get_json()["id"]] = definition
            self.site.starters[response.get_json()["id"]] = user
            self.site.checked[response.get_json()["id"]] = 0
            self.site.check()

    @precondition(lambda self: bool(self.site.procedures))
    @rule(pick=st.integers(0, 1000), steps=st.integers(1, 6))
    def advance(self, pick: int, steps: int) -> None:
        """The open steps of one procedure, done by the right person with valid data, claimed first at times."""
        pid = sorted(self.site.procedures)[pick % len(self.site.procedures)]
        for n in range(steps):
            open_items = self.site.open_items(pid)
            if not open_items:
                return
            item = open_items[(pick + n) % len(open_items)]
            done = self.site.valid(pid, item.spec)
            if done is None:
                return
            if (pick + n) % 3 == 0:
                self.site.call(done.username, "POST", f"/tasks/{item.task_id}/claim")
            self.site.call(done.username, "POST", f"/tasks/{item.task_id}/complete", {"data": done.data},
                           files=done.docs)
            self.site.clock.advance(hours=20)

    @precondition(lambda self: self.site.clock.now() - START < timedelta(days=60))
    @rule(days=st.integers(1, 16))
    def wait(self, days: int) -> None:
        """Time passes and the scheduler fires what fell due."""
        self.site.clock.advance(days=days)
        for timer_id in self.site.engine.timers.due():
            self.site.engine.timers.fire(timer_id)
        self.site.check()

    @precondition(lambda self: bool(self.site.procedures))
    @rule(user=st.sampled_from(USERS), aim=st.sampled_from(("open", "done", "other", "made_up")),
          pick=st.integers(0, 1000), action=st.sampled_from(("claim", "complete", "complete", "withdraw")),
          how=st.sampled_from(MANGLES), junk=GARBAGE,
          procedure=st.sampled_from(("none", "own", "other", "unknown")))
    def attack(self, user: str, aim: str, pick: int, action: str, how: str, junk: Any, procedure: str) -> None:
        """A random user's claim, completion or withdrawal, aimed at a random step with a spoiled payload."""
        pids = sorted(self.site.procedures)
        pid = pids[pick % len(pids)]
        other = pids[(pick + 1) % len(pids)]
        if action == "withdraw":
            reason = junk if how == "garbage" else "撤回"
            self.site.call(user, "POST", f"/procedures/{pid}/withdraw", {"reason": reason})
            return
        task, spec = self._target(pid, other, aim, pick, junk)
        done = self.site.valid(pid, spec) if spec else None
        body: dict[str, Any] = {"data": mangle(done.data if done else {"x": 1}, how, pick, junk, self.site)}
        body.update({"none": {}, "own": {"procedure_id": pid}, "other": {"procedure_id": other},
                     "unknown": {"procedure_id": 2**31 - 1}}[procedure])
        if action == "claim":
            self.site.call(user, "POST", f"/tasks/{task}/claim", {k: v for k, v in body.items() if k != "data"})
        else:
            docs = {} if how == "no_docs" or done is None else done.docs
            self.site.call(user, "POST", f"/tasks/{task}/complete", body, files=docs if docs else None)

    def _target(self, pid: int, other: int, aim: str, pick: int, junk: Any) -> tuple[str, str | None]:
        if aim == "open" and self.site.open_items(pid):
            open_items = self.site.open_items(pid)
            item = open_items[pick % len(open_items)]
            return item.task_id, item.spec
        if aim in ("done", "other"):
            source = pid if aim == "done" else other
            with self.site.engine.db.connect() as connection:
                rows = connection.execute(text("SELECT task_id, spec FROM work_items WHERE procedure_id = :p "
                                               "ORDER BY task_id"), {"p": source}).all()
            if rows:
                return rows[pick % len(rows)][0], rows[pick % len(rows)][1]
        made_up = ("00000000-0000-0000-0000-000000000000", "../admin", "x" * 300, "%00", str(junk)[:50] or "0")
        return made_up[pick % len(made_up)], None

    @invariant()
    def no_token_expired(self) -> None:
        """The run stays inside the tokens' 365 days, so an auth refusal never hides a real one."""
        assert self.site.clock.now() - START < timedelta(days=360)


SITE_FACTORY: Any = None
RUNS = settings(max_examples=12, stateful_step_count=25, deadline=None, derandomize=True, print_blob=True,
                suppress_health_check=list(HealthCheck))


def test_df_stateful_random_api_calls_keep_order_refusals_and_compliance(seeded: Seeded, tmp_path: Path) -> None:
    global SITE_FACTORY
    copies = iter(range(10**6))
    SITE_FACTORY = lambda: Site.open(seeded, tmp_path / f"run-{next(copies)}.db")  # noqa: E731
    run_state_machine_as_test(ApiMachine, settings=RUNS)


JUNK = (None, -1, "", "x" * 5000, "\x00", ["a", "a"], {"$ne": 1}, "2027-13-45", 2**70)


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_df_stateful_each_procedure_runs_to_its_end_under_attack(seeded: Seeded, tmp_path: Path,
                                                                 definition: str) -> None:
    """The random machine rarely reaches the end of a long procedure (a major decision waits out its comment
    period and its review time); this walk drives one procedure of each statute to its end by its people,
    (a normative document to its filing, where it waits years for its validity evaluation), and before every
    lawful step lets three seeded attackers try it with spoiled payloads, as other users, in other
    procedures' names. Every call is checked as in the machine (no 5xx, a refusal changes nothing, no
    step out of order); at the end the procedure is finished and its history keeps its statute's order.
    A clean-up (ND-9) first walks a normative document into force, so its scope holds a document."""
    site = Site.open(seeded, tmp_path / "walk.db")
    draw = random.Random(definition)
    try:
        if definition == "nd_cleanup":
            _walk(site, "normative_document", draw)
        pid = _walk(site, definition, draw)
        view = site.engine.procedures.get(pid)
        if definition == "normative_document":  # in force: it waits years for its validity evaluation (ND-8)
            assert view.status == "running" and view.timers and not view.open_items
        else:
            assert view.status == "completed"
            site.check_compliant(pid)
        if definition == "nd_cleanup":
            [event] = [e for e in site.engine.history.events(pid) if e.payload.get("step") == "review"]
            assert [d["decision"] for d in event.payload["data"]["decisions"]] == ["continue"]
    finally:
        site.engine.dispose()


def _walk(site: Site, definition: str, draw: random.Random) -> int:
    """Start one procedure of `definition` and drive it to its end under attack; its id."""
    if definition == "nd_cleanup":  # a special clean-up, started by the organiser (no API door starts one)
        pid = site.engine.cleanup.start_special(site.engine.people.actor(STARTERS[definition]), "对抗性全程测试").id
    else:
        response = site.call(STARTERS[definition], "POST", "/procedures/", {"definition": definition,
                                                                              "title": "对抗性全程测试"})
        pid = response.get_json()["id"]
    site.procedures[pid], site.starters[pid], site.checked[pid] = definition, STARTERS[definition], 0
    done_specs: set[str] = set()
    for _ in range(200):
        items = site.open_items(pid)
        walked = not items and done_specs == set(SPECS[definition])
        if site.engine.procedures.get(pid).status in FINISHED or walked:
            break
        if not items:  # a period runs: time passes and the scheduler fires what fell due
            site.clock.advance(days=3)
            for timer_id in site.engine.timers.due():
                site.engine.timers.fire(timer_id)
            continue
        item = items[0]
        done = site.valid(pid, item.spec)
        assert done is not None, f"{definition}: no lawful completion of {item.spec} is known to the walk"
        for _ in range(3):
            how, user = draw.choice(MANGLES[1:]), draw.choice(USERS)
            body = {"data": mangle(done.data, how, draw.randrange(100), draw.choice(JUNK), site),
                    **draw.choice(({}, {"procedure_id": pid}, {"procedure_id": 2**31 - 1}))}
            site.call(user, "POST", f"/tasks/{item.task_id}/complete", body,
                      files=None if how == "no_docs" else done.docs or None)
        for _ in range(15):  # a lawful step the law makes wait (a review's minimum time) waits a day
            if item.task_id not in {i.task_id for i in site.open_items(pid)}:
                break
            done = site.valid(pid, item.spec) or done  # its dates are today's
            answer = site.call(done.username, "POST", f"/tasks/{item.task_id}/complete", {"data": done.data},
                               files=done.docs or None)
            if answer.status_code != 200:
                site.clock.advance(days=1)
        assert item.task_id not in {i.task_id for i in site.open_items(pid)}, (
            item.spec, answer.get_data(as_text=True))
        done_specs.add(item.spec)
        site.clock.advance(hours=20)
    return pid
