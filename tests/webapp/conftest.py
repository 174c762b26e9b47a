"""Page-test fixtures: a seeded site over the real databases, and an app over its engine."""

from __future__ import annotations

import pytest
from flask import Flask

from engine.core import Engine
from tests.webapp.site import make_app, prepare


@pytest.fixture
def site(engine: Engine) -> Engine:
    prepare(engine)
    return engine


@pytest.fixture
def app(site: Engine) -> Flask:
    return make_app(site)
