"""The app factory builds an app over the engine from configuration alone."""

from __future__ import annotations

from tests.conftest import bundle
from webapp import create_app


def test_app_starts_from_a_database_url_and_answers_health_and_login(db_url):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    engine = app.extensions["decisionflow"]
    engine.definitions.deploy(*bundle("review_loop.bpmn"), "test")
    client = app.test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/").headers["Location"].startswith("/login")
    login = client.get("/login")
    assert login.status_code == 200 and 'name="csrf_token"' in login.get_data(as_text=True)
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    engine.dispose()


def test_secret_key_and_cookie_security_come_from_the_environment(db_url, monkeypatch):
    monkeypatch.setenv("DECISIONFLOW_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DECISIONFLOW_SESSION_COOKIE_SECURE", "true")
    app = create_app({"DATABASE_URL": db_url})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True
    app.extensions["decisionflow"].dispose()
