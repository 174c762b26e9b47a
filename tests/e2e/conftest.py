"""Browser tests: the real app served on a loopback port, driven in Debian's headless Chromium.

Playwright drives /usr/bin/chromium with the flags this machine needs; nothing downloads a
browser. The server runs in a thread over a SQLite file with the test's FixedClock, so a
test can let a statutory period run out by moving the clock and firing due timers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from engine.clock import FixedClock
from engine.config import Settings
from engine.core import Engine, build_engine
from tests.webapp.site import make_app, prepare

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(os.environ.get("DF_SCREENSHOTS", "test-artifacts/screenshots"))


@pytest.fixture
def e2e_engine(sqlite_factory, clock: FixedClock, tmp_path: Path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    url = sqlite_factory.new()
    engine = build_engine(Settings(database_url=url, max_document_bytes=1024 * 1024,
                                   key_dir=str(tmp_path / "keys"), checkpoint_dir=str(tmp_path / "checkpoints")),
                          clock)
    prepare(engine)
    yield engine
    engine.dispose()
    sqlite_factory.drop(url)


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """The app on a free loopback port, in a thread, for the length of the block."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def server(e2e_engine: Engine) -> Iterator[str]:
    # the tests move the clock by weeks while a browser stays logged in: no idle timeout here
    with serve(make_app(e2e_engine, LOGIN_RATE_LIMIT="1000 per minute", IDLE_TIMEOUT_MINUTES=0)) as base:
        yield base


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
