"""The thin Flask layer over engine services. `create_app(config)` builds it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, jsonify

from engine.config import Settings
from engine.core import build_engine


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration from the environment, overridden by `config`."""
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable in JSON
    app.config.from_mapping(DATABASE_URL=None)
    app.config.from_prefixed_env("DECISIONFLOW")
    if config:
        app.config.from_mapping(config)
    settings = Settings.from_env(database_url=app.config.get("DATABASE_URL"))
    app.extensions["decisionflow"] = build_engine(settings)

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(status="ok")

    @app.get("/")
    def index() -> Any:
        engine = app.extensions["decisionflow"]
        definitions = engine.definitions.list_all()
        return jsonify(product="DecisionFlow 重大行政决策程序引擎",
                       definitions=[{"key": d.key, "version": d.version, "name": d.name} for d in definitions])

    return app
