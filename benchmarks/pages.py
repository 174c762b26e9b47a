"""Page loads on the demo data, for every role: p50 and p95 against a budget of 300 ms (issue 22 item 8).

The database is the demo's (`decisionflow serve --demo`): processes/ deployed, one user per role, and the six
sample procedures of engine/demo_procedures.py at different stages. For each role (and the anonymous
public) the main pages are its home, every link of its navigation bar, and the first procedure and first
step its home links to. Each page is loaded `--repeat` times after one untimed load, two ways:
- the Flask test client, in process (the app's own cost: routing, services, database, templates);
- real HTTP on a loopback port (werkzeug's threaded server), with a cookie jar, as a browser would.

Run: `python benchmarks/pages.py` (a table), `--json` (one object), `--repeat N` (default 20).
The run exits 1 when a page's p95 is over the budget, so CI can keep it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import http.cookiejar  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from datetime import date, datetime  # noqa: E402
from datetime import time as clock_time  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from benchmarks.shared.machine import machine  # noqa: E402
from benchmarks.shared.stats import percentile  # noqa: E402
from engine import demo_procedures  # noqa: E402
from engine.clock import CST, FixedClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import build_engine  # noqa: E402
from engine.persistence import schema  # noqa: E402
from tests.webapp import site  # noqa: E402

BUDGET_MS = 300.0
TODAY = date(2026, 11, 24)
NOW = datetime.combine(TODAY, clock_time(10), tzinfo=CST)
ROLES = ("sponsor", "reviewer", "adviser", "expert", "assessor", "secretary", "head", "liaison", "auditor",
         "duban", "zhifa", "fazhi", "juzhang", "fuyi", "beishen", "fuyi_head", "admin")
"""One demo user per role (engine/demo.py), and None below for the public."""
NAV = re.compile(r'<nav class="wrap nav"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="(/[^"#]*)"')
FIRST = {"procedure": re.compile(r'href="(/(?:procedures|audit/procedures|public/consultations)/\d+)"'),
         "step": re.compile(r'href="(/tasks/[0-9a-f-]{36})"')}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def demo_site(directory: Path) -> Flask:
    """The demo database in a SQLite file, and the app over it (logins unlimited, no idle timeout)."""
    url = f"sqlite:///{directory / 'pages.db'}"
    schema.upgrade(url)
    settings = Settings(database_url=url, key_dir=str(directory / "keys"), checkpoint_dir=str(directory / "cp"))
    engine = build_engine(settings, FixedClock(NOW))
    site.prepare(engine)
    demo_procedures.create(settings, TODAY)
    return site.make_app(engine, LOGIN_RATE_LIMIT="100000 per minute", IDLE_TIMEOUT_MINUTES=0, TESTING=False)


def main_pages(home: str, public: bool) -> list[str]:
    """Home, the navigation bar's links, the first procedure and the first step the home links to."""
    found = ["/public/" if public else "/"]
    nav = NAV.search(home)
    for href in HREF.findall(nav.group(1) if nav else ""):
        if "login" not in href and href not in found:
            found.append(href)
    for pattern in FIRST.values():
        first = pattern.search(home)
        if first and first.group(1) not in found:
            found.append(first.group(1))
    return found


def timed(call: Callable[[], None], repeat: int) -> dict[str, float]:
    call()  # untimed: caches, compiled templates
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(percentile(samples, 95), 1)}


def in_process(app: Flask, username: str | None) -> Callable[[str], str]:
    client = site.login(app, username).client if username else app.test_client()

    def get(path: str) -> str:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{username or 'public'} GET {path}: {response.status_code}")
        return response.get_data(as_text=True)
    return get


@contextmanager
def served(app: Flask) -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def over_http(base: str, username: str | None) -> Callable[[str], str]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(path: str) -> str:
        with opener.open(base + path, timeout=30) as response:
            return response.read().decode()

    if username:
        token = CSRF.search(get("/login"))
        assert token, "the login page carries no CSRF token"
        body = urllib.parse.urlencode({"csrf_token": token.group(1), "username": username,
                                       "password": site.PASSWORD}).encode()
        with opener.open(base + "/login", data=body, timeout=30) as response:
            if "/login" in response.url:
                raise RuntimeError(f"login of {username} over HTTP failed")
    return get


def run(repeat: int) -> dict[str, Any]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="df-pages-") as tmp:
        app = demo_site(Path(tmp))
        with served(app) as base:
            for username in (*ROLES, None):
                local = in_process(app, username)
                remote = over_http(base, username)
                for path in main_pages(local("/public/" if username is None else "/"), username is None):
                    rows.append({"role": username or "public", "page": path,
                                 "client": timed(lambda p=path, get=local: get(p) and None, repeat),
                                 "http": timed(lambda p=path, get=remote: get(p) and None, repeat)})
        info = machine(Path(tmp))
    worst = max(max(r["client"]["p95_ms"], r["http"]["p95_ms"]) for r in rows)
    return {"repeat": repeat, "budget_ms": BUDGET_MS, "pages": len(rows), "worst_p95_ms": worst,
            "within_budget": worst <= BUDGET_MS, "machine": info, "rows": rows}


def table(result: dict[str, Any]) -> str:
    lines = [f"{'role':<10} {'page':<44} {'client p50':>10} {'p95':>7} {'http p50':>9} {'p95':>7}"]
    for r in result["rows"]:
        lines.append(f"{r['role']:<10} {r['page'][:44]:<44} {r['client']['p50_ms']:>10} {r['client']['p95_ms']:>7}"
                     f" {r['http']['p50_ms']:>9} {r['http']['p95_ms']:>7}")
    verdict = "within" if result["within_budget"] else "OVER"
    lines.append(f"{result['pages']} pages, {result['repeat']} loads each; worst p95 {result['worst_p95_ms']} ms: "
                 f"{verdict} the {result['budget_ms']:.0f} ms budget ({result['machine']['nproc']} CPUs, "
                 f"{result['machine']['cpu']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed loads per page and way (default 20)")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args(argv)
    result = run(args.repeat)
    print(json.dumps(result, ensure_ascii=False) if args.json else table(result))
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
