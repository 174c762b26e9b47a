"""Alembic environment: imports engine.persistence metadata only.

The database URL comes from the caller (`engine.persistence.schema.upgrade`) through
the config's `sqlalchemy.url`, or from DATABASE_URL.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from engine.persistence.database import connect
from engine.persistence.schema import include_object_on
from engine.persistence.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = connect(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      transaction_per_migration=True,
                      include_object=include_object_on(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL", "sqlite:///decisionflow.db")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
