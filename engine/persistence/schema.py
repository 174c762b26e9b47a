"""Create or upgrade the schema with the project's Alembic migrations.

The app, the CLI and the tests all build the schema this way, so the migration that
production runs is the one the tests exercise.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Index

from engine.persistence.database import connect, normalise_url
from engine.persistence.tables import Base

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def pending(url: str) -> bool:
    """True when the database is not at the latest migration."""
    script = ScriptDirectory.from_config(alembic_config(url))
    engine = connect(url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
    finally:
        engine.dispose()
    return set(current) != set(script.get_heads())


def heads() -> set[str]:
    """The latest migration revision(s) this code base ships."""
    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def current(connection: Connection) -> set[str]:
    """The revision(s) a database is at, on a connection the caller already has."""
    return set(MigrationContext.configure(connection).get_current_heads())


def include_object_on(dialect: str) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """Alembic's `include_object` filter for a database of this dialect: an index the models mark with the
    dialects it exists on (`POSTGRESQL_ONLY` in engine/persistence/tables/base.py) is compared there only, so
    SQLite's schema does not miss PostgreSQL's trigram index."""
    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        dialects = obj.info.get("dialects") if isinstance(obj, Index) else None
        return not dialects or dialect in dialects
    return include


def differences(connection: Connection) -> list[Any]:
    """What the models declare that this database's migrations did not make, or the reverse (empty when
    they agree): Alembic's autogenerate comparison, with the dialect filter above."""
    context = MigrationContext.configure(connection, opts={
        "include_object": include_object_on(connection.dialect.name)})
    with warnings.catch_warnings():
        # SQLite cannot reflect an expression index; the one the models declare is PostgreSQL's only anyway.
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        return list(compare_metadata(context, Base.metadata))
