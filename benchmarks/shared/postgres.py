"""A PostgreSQL server for a benchmark: its URL from the environment, a fresh database per run, its version."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

POSTGRES_ENVS = ("DATABASE_URL_BENCH", "DF_TEST_POSTGRES_URL")


def postgres_base_url() -> tuple[str | None, str]:
    """The server to use for (d), or None and why (d) is skipped."""
    for env in POSTGRES_ENVS:
        url = os.environ.get(env)
        if url:
            try:
                with psycopg.connect(_psycopg_url(url), connect_timeout=5):
                    return url, env
            except psycopg.Error as error:
                return None, f"PostgreSQL at {env} does not answer: {str(error).splitlines()[0]}"
    return None, f"neither {' nor '.join(POSTGRES_ENVS)} is set"


def _psycopg_url(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@contextmanager
def fresh_postgres_database(base_url: str, keep: bool = False) -> Iterator[str]:
    """A database created for this run and dropped after, so the run never touches real data; with `keep`,
    a new one (named with `keep` and the process id) left in place for a later `--reuse`."""
    name = f"df_bench_keep_{os.getpid()}_{int(time.time())}" if keep else f"df_bench_{os.getpid()}"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))

    def admin(statement: sql.Composed) -> None:
        with psycopg.connect(_psycopg_url(base_url), autocommit=True) as connection:
            connection.execute(statement)

    if not keep:
        admin(drop)
    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _psycopg_url(base_url, name)
    finally:
        if not keep:
            admin(drop)


def kept_postgres_database(base_url: str) -> AbstractContextManager[str]:
    """A database created for this run and kept after it."""
    return fresh_postgres_database(base_url, keep=True)


def postgres_version(url: str) -> str:
    with psycopg.connect(_psycopg_url(url), connect_timeout=5) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"
