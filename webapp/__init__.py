"""The thin Flask layer over engine services. `create_app(config)` builds it.

Pages parse the request, call one engine service and render. Every refusal is the
engine's `DomainError`, shown in the user's language with its rule and article.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from engine.config import Settings
from engine.core import build_engine
from engine.persistence import schema
from webapp import api, body_limit, errors, health, i18n, inputs, limits, metrics, names, production
from webapp.extensions import babel, csrf, login_manager
from webapp.ids import IdConverter
from webapp.settings import configure

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
                                "form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, the environment, then `config` (which may carry an ENGINE or a CLOCK).

    With DECISIONFLOW_ENV=production it refuses an unsafe configuration first (webapp.production).
    """
    production.require_safe(config)
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable in JSON
    configure(app, dict(config or {}))
    engine = app.config.pop("ENGINE", None)
    if engine is None:
        settings = Settings.from_env(database_url=app.config.get("DATABASE_URL"))
        engine = build_engine(settings, app.config.pop("CLOCK", None))
    app.extensions["decisionflow"] = engine
    app.url_map.converters["id"] = IdConverter
    body_limit.init_app(app, engine.settings.max_document_bytes)

    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=lambda: "Asia/Shanghai")
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    i18n.init_app(app)
    names.init_app(app)
    metrics.init_app(app)
    app.extensions["decisionflow_schema_heads"] = schema.heads()
    inputs.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    api.init_app(app)
    limits.init_app(app)

    @app.after_request
    def secure(response: Any) -> Any:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def _register_blueprints(app: Flask) -> None:
    from webapp.pages import (
        account,
        admin,
        audit,
        auth,
        home,
        indicators,
        migrations,
        opinions,
        procedures,
        public,
        replay,
        supervision,
        tasks,
    )

    app.register_blueprint(health.bp)
    for module in (auth, home, procedures, tasks, audit, replay, admin, account, supervision, public, opinions,
                   indicators, migrations):
        app.register_blueprint(module.bp)
