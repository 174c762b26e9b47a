"""Fixtures: real databases (SQLite and PostgreSQL), an injected clock, seeded people."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from engine.clock import CST, FixedClock
from engine.config import Settings
from engine.core import Engine, build_engine
from engine.domain.actors import Actor
from engine.services.definitions import read_bundle
from tests.databases import REQUIRE_POSTGRES_ENV, PostgresFactory, SqliteFactory, postgres_unavailable_reason
from tests.statute import register as register_fixture_statute

register_fixture_statute()

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
START = datetime(2026, 11, 2, 9, 0, tzinfo=CST)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=("all", "sqlite", "postgresql"), default="all",
                     help="which databases the database tests run on")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_kind" in metafunc.fixturenames:
        choice = metafunc.config.getoption("--db")
        kinds = ["sqlite", "postgresql"] if choice == "all" else [choice]
        metafunc.parametrize("db_kind", kinds)


@pytest.fixture(autouse=True)
def _instance_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands a test runs without naming a key or checkpoint directory get a fresh one, never the checkout's
    `instance/`: a benchmark or demo run there leaves checkpoints of other databases, which a test's
    `decisionflow verify` would then read as the signed state of its own (DF-INTEGRITY)."""
    home = tmp_path_factory.mktemp("instance")
    for name, sub in (("DECISIONFLOW_CHECKPOINT_DIR", "checkpoints"), ("DECISIONFLOW_KEY_DIR", "keys")):
        if name not in os.environ:
            monkeypatch.setenv(name, str(home / sub))


@pytest.fixture(scope="session")
def sqlite_factory(tmp_path_factory: pytest.TempPathFactory) -> SqliteFactory:
    return SqliteFactory(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_factory(worker_id: str) -> Iterator[PostgresFactory | None]:
    reason = postgres_unavailable_reason()
    if reason is not None:
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(f"PostgreSQL is required ({REQUIRE_POSTGRES_ENV}=1) but unavailable: {reason}")
        yield None
        return
    factory = PostgresFactory(os.environ["DF_TEST_POSTGRES_URL"], worker_id)
    yield factory
    factory.close()


@pytest.fixture
def db_url(db_kind: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database of the kind under test, at the latest migration."""
    if db_kind == "sqlite":
        factory: SqliteFactory | PostgresFactory | None = request.getfixturevalue("sqlite_factory")
    else:
        factory = request.getfixturevalue("postgres_factory")
        if factory is None:
            pytest.skip(f"PostgreSQL test skipped: {postgres_unavailable_reason()}")
    assert factory is not None
    url = factory.new()
    yield url
    factory.drop(url)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def crypto_suite() -> str:
    """The deployment's crypto suite under test: DF_TEST_CRYPTO_SUITE (sm, the default, or intl), so the
    whole suite can be run under either; tests about both parametrize this fixture by name."""
    return os.environ.get("DF_TEST_CRYPTO_SUITE", "sm")


@pytest.fixture
def engine(db_url: str, clock: FixedClock, tmp_path: Path, crypto_suite: str) -> Iterator[Engine]:
    built = build_engine(Settings(database_url=db_url, max_document_bytes=1024 * 1024, crypto_suite=crypto_suite,
                                  key_dir=str(tmp_path / "keys"), checkpoint_dir=str(tmp_path / "checkpoints")),
                         clock)
    yield built
    built.dispose()


@dataclass(frozen=True)
class People:
    sponsor: Actor          # drafts, in the sponsoring unit
    sponsor_colleague: Actor
    sponsor_lawyer: Actor   # the sponsoring unit's own lawyer: holds legality_reviewer, barred by MD-25a
    reviewer: Actor         # 司法局 legality review office
    reviewer2: Actor
    secretary: Actor        # 政府办公室, meeting secretary
    organ: Actor            # decision organ
    outsider: Actor         # a sponsor of another unit


@pytest.fixture
def people(engine: Engine) -> People:
    p = engine.people
    p.ensure_organisation("dev_reform", "县发展和改革局")
    p.ensure_organisation("justice", "县司法局", "review_office")
    p.ensure_organisation("gov_office", "县人民政府办公室", "gov_office")
    p.ensure_organisation("transport", "县交通运输局")
    return People(
        sponsor=p.ensure_user("zhang_wei", "dev_reform", ["sponsor"], "张伟"),
        sponsor_colleague=p.ensure_user("li_na", "dev_reform", ["sponsor"], "李娜"),
        sponsor_lawyer=p.ensure_user("wang_fang", "dev_reform", ["sponsor", "legality_reviewer"], "王芳"),
        reviewer=p.ensure_user("liu_yang", "justice", ["legality_reviewer"], "刘洋"),
        reviewer2=p.ensure_user("chen_jing", "justice", ["legality_reviewer"], "陈静"),
        secretary=p.ensure_user("zhao_lei", "gov_office", ["meeting_secretary"], "赵磊"),
        organ=p.ensure_user("sun_qiang", "gov_office", ["decision_organ"], "孙强"),
        outsider=p.ensure_user("zhou_min", "transport", ["sponsor"], "周敏"),
    )


def bundle(name: str) -> tuple[bytes, dict[str, object]]:
    """A fixture BPMN file and its forms."""
    return read_bundle(FIXTURES / name)


@pytest.fixture
def review_loop(engine: Engine) -> str:
    bpmn, forms = bundle("review_loop.bpmn")
    return engine.definitions.deploy(bpmn, forms, "test").key


DRAFT = {"summary": "县城公交线网优化调整方案", "basis_count": 3}
