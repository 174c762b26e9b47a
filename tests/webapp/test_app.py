"""The app factory builds an app over the engine; the web pages come with the web-app issue."""

from __future__ import annotations

from tests.conftest import bundle
from webapp import create_app


def test_app_starts_and_lists_deployed_definitions(db_url):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    engine = app.extensions["decisionflow"]
    engine.definitions.deploy(*bundle("review_loop.bpmn"), "test")
    client = app.test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    body = client.get("/").json
    assert body["definitions"] == [{"key": "review_loop", "version": 1, "name": "Review loop (test)"}]
    engine.dispose()
