"""A seeded site for page tests: processes deployed, the demo people, a logged-in client.

Every demo user gets the same password, hashed once per test process (argon2 is slow on
purpose; hashing it per test would dominate the suite).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from engine.core import Engine
from engine.demo import USERS, seed
from engine.services.definitions import read_bundle
from webapp import create_app
from webapp.auth import hash_password

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
PASSWORD = "correct-horse-battery"
USERNAMES = tuple(u[0] for u in USERS)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TASK_FORM = re.compile(r"/tasks/[^/]+")  # a step form: POST shows a confirmation page first


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def prepare(engine: Engine) -> None:
    for path in sorted(PROCESSES.glob("*.bpmn")):
        engine.definitions.deploy(*read_bundle(path), "test")
    engine.catalogue.load(json.loads((PROCESSES / "catalogue" / "2026.json").read_text(encoding="utf-8")), "test")
    seed(engine)
    for username in USERNAMES:
        engine.people.set_password_hash(username, password_hash())


def make_app(engine: Engine, **config: object) -> Flask:
    return create_app({"ENGINE": engine, "SECRET_KEY": "test-secret-key", "TESTING": True, **config})


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


@dataclass
class Browser:
    """A test client that keeps the last page's CSRF token, as a browser keeps the form."""

    client: FlaskClient
    token: str = ""

    def get(self, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        response = self.client.get(path, **kwargs)
        found = CSRF.search(response.get_data(as_text=True)) if response.mimetype == "text/html" else None
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict[str, object] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        """Post a form; a step's form is confirmed at once (as 确认提交 on its confirmation page would),
        unless the test chose its own `_action`, `_review` or `_confirm`."""
        data = {"csrf_token": self.token, **(data or {})}
        if TASK_FORM.fullmatch(path) and not {"_action", "_review", "_confirm"} & set(data):
            data["_confirm"] = "1"
        return self.client.post(path, data=data, **kwargs)


def login(app: Flask, username: str, password: str = PASSWORD) -> Browser:
    browser = Browser(app.test_client())
    browser.get("/login")
    response = browser.post("/login", {"username": username, "password": password})
    assert response.status_code == 302, f"login of {username} failed: {response.status_code}"
    browser.get("/")
    return browser
