"""The web app's configuration: safe defaults, then DECISIONFLOW_* from the environment.

Cookies are HttpOnly and SameSite=Lax always; `Secure` follows
DECISIONFLOW_SESSION_COOKIE_SECURE (on in production behind HTTPS, off for the demo
on http://127.0.0.1). Without DECISIONFLOW_SECRET_KEY a random key is made per process:
sessions then end with the process, which is right for a demo and wrong for production.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,
    "SESSION_COOKIE_NAME": "decisionflow_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ("zh_CN", "en"),
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Per address, at a rate a whole office behind one NAT does not reach: guessing one account's password
    # is stopped by the engine's per-account lockout (DECISIONFLOW_LOCKOUT_*), whatever the address.
    "LOGIN_RATE_LIMIT": "60 per minute;600 per hour",
    "PUBLIC_RATE_LIMIT": "5 per minute;30 per day",
    "PAGE_SIZE": 20,
    "READYZ_REQUIRE_WORKER": True,
    "READYZ_HEARTBEAT_SECONDS": 120,
    "METRICS_TOKEN": None,
    # Account security. The password policy (webapp/pages/admin.py) and the idle timeout are the web
    # layer's; lockout is the engine's (DECISIONFLOW_LOCKOUT_THRESHOLD, DECISIONFLOW_LOCKOUT_MINUTES).
    "PASSWORD_MIN_LENGTH": 10,  # no password shorter than this
    "PASSWORD_MIN_CLASSES": 3,  # of lower-case, upper-case, digits, other characters: at least this many ...
    "PASSWORD_PASSPHRASE_LENGTH": 16,  # ... unless the password is at least this long (a passphrase)
    "IDLE_TIMEOUT_MINUTES": 30,  # a session unused this long ends; 0 never ends it
}


def configure(app: Any, config: dict[str, Any] | None) -> None:
    """Defaults, then the environment (DECISIONFLOW_*), then the caller's `config`."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("DECISIONFLOW")
    if config:
        app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
