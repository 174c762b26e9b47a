"""Production mode: refuse to start on a configuration that is only fit for a demo.

`DECISIONFLOW_ENV=production` (or `decisionflow serve --production`) turns the checks on.
The app then refuses to start without a secret key of at least 32 characters (else a
random key is made per process: every gunicorn worker would sign sessions with its own),
on SQLite (one file, one writer: production is PostgreSQL) unless
DECISIONFLOW_ALLOW_SQLITE=1, and without Secure cookies (the session would travel over
plain HTTP) unless DECISIONFLOW_ALLOW_INSECURE_COOKIES=1.

The checks read what the operator set (the environment, then the caller's config), before
`webapp.settings` fills in defaults and the random key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Config
from sqlalchemy.engine import make_url

from engine.config import Settings

ENV = "DECISIONFLOW_ENV"
MIN_SECRET_KEY_LENGTH = 32
TRUE = ("1", "true", "yes", "on")


class UnsafeProductionConfig(RuntimeError):
    """Production mode was asked for, and the configuration would not be safe to run."""


def given(config: Mapping[str, Any] | None = None) -> Config:
    """DECISIONFLOW_* from the environment, then `config`: as webapp.settings reads them, without defaults."""
    found = Config(".")
    found.from_prefixed_env("DECISIONFLOW")
    found.from_mapping(config or {})
    return found


def enabled(settings: Mapping[str, Any]) -> bool:
    return str(settings.get("ENV") or "").strip().lower() == "production"


def problems(settings: Mapping[str, Any], database_url: str) -> list[str]:
    """What production mode refuses in `settings` (as `given` returns them); empty when all is well."""
    found = []
    secret = str(settings.get("SECRET_KEY") or "")
    if len(secret) < MIN_SECRET_KEY_LENGTH:
        state = "is not set" if not secret else f"has {len(secret)} characters"
        found.append(f"DECISIONFLOW_SECRET_KEY {state}: set one of at least {MIN_SECRET_KEY_LENGTH} random characters "
                     "(e.g. `python3 -c 'import secrets; print(secrets.token_hex(32))'`), the same for every "
                     "web worker, kept across restarts")
    if make_url(database_url).get_backend_name() == "sqlite" and not _true(settings.get("ALLOW_SQLITE")):
        found.append(f"DATABASE_URL is SQLite ({database_url}): production runs on PostgreSQL "
                     "(DATABASE_URL=postgresql://user:password@host/db); set DECISIONFLOW_ALLOW_SQLITE=1 "
                     "to run a single-office installation on SQLite anyway")
    if not _true(settings.get("SESSION_COOKIE_SECURE")) and not _true(settings.get("ALLOW_INSECURE_COOKIES")):
        found.append("DECISIONFLOW_SESSION_COOKIE_SECURE is not true: behind HTTPS set it to true, so session "
                     "cookies never travel over plain HTTP; set DECISIONFLOW_ALLOW_INSECURE_COOKIES=1 only "
                     "where TLS ends elsewhere and the app is not reachable over HTTP")
    return found


def require_safe(config: Mapping[str, Any] | None = None) -> None:
    """In production mode, raise UnsafeProductionConfig naming every setting to fix; otherwise do nothing."""
    settings = given(config)
    if not enabled(settings):
        return
    engine = settings.get("ENGINE")
    database_url = (settings.get("DATABASE_URL") or (engine.settings.database_url if engine is not None else None)
                    or Settings.from_env().database_url)
    found = problems(settings, database_url)
    if found:
        raise UnsafeProductionConfig(f"{ENV}=production: refusing to start:\n" + "\n".join(f"  - {p}" for p in found))


def _true(value: object) -> bool:
    return value is True or str(value).strip().lower() in TRUE
