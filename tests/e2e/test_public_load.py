"""A bounded load test on loopback: 200 opinions sent at once from 40 addresses.

Every one is stored exactly once (counted in the table and in the procedure's history),
none is lost, and the per-address limit (5 a minute here) refuses the sixth from an address.
It prints what it measured; docs/benchmarks.md records a run.
"""

from __future__ import annotations

import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from engine.demo_procedures import Driver, drive
from tests.e2e.conftest import make_app
from tests.e2e.conftest import serve as serve_app

pytestmark = pytest.mark.slow
ADDRESSES, PER_ADDRESS, THREADS = 40, 5, 20
QUESTION = re.compile(r"(\d+) 加 (\d+) 等于几")


def _submit(base: str, procedure_id: int, address: str, n: int) -> tuple[int, float, str]:
    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    url = f"{base}/public/consultations/{procedure_id}"
    began = time.perf_counter()
    page = session.get(url, timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    challenge = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    a, b = QUESTION.search(page).groups()
    response = session.post(url, timeout=60, files={"attachment": ("", b"")}, data={
        "csrf_token": token, "challenge_token": challenge, "answer": str(int(a) + int(b)),
        "text": f"来自 {address} 的第 {n} 条意见"})
    receipt = re.search(r'id="receipt">([^<]+)<', response.text)
    return response.status_code, time.perf_counter() - began, receipt.group(1) if receipt else ""


def test_df_public_two_hundred_concurrent_opinions_are_each_stored_once(e2e_engine, clock):
    view = e2e_engine.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                       e2e_engine.people.actor("sponsor"))
    drive(Driver(e2e_engine, clock, view.id), "sponsor", "2026-05", "comment")
    app = make_app(e2e_engine, TRUSTED_PROXIES=1, PUBLIC_RATE_LIMIT="5 per minute")
    with serve_app(app) as base:
        jobs = [(f"10.1.{i // 250}.{i % 250 + 1}", n) for i in range(ADDRESSES) for n in range(PER_ADDRESS)]
        began = time.perf_counter()
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(lambda job: _submit(base, view.id, *job), jobs))
        elapsed = time.perf_counter() - began
        sixth = _submit(base, view.id, jobs[0][0], PER_ADDRESS)

    statuses = [status for status, _, _ in results]
    latencies = sorted(seconds for _, seconds, _ in results)
    print(f"\n{len(jobs)} opinions from {ADDRESSES} addresses, {THREADS} at a time: {elapsed:.2f} s, "
          f"{len(jobs) / elapsed:.1f}/s; latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms (page + post)")
    assert statuses.count(201) == len(jobs), sorted(set(statuses))
    assert sixth[0] == 429
    receipts = [receipt for _, _, receipt in results]
    assert len(set(receipts)) == len(jobs)
    stored = e2e_engine.opinions.opinions(e2e_engine.people.actor("sponsor"), view.id)
    assert sorted(o.receipt for o in stored) == sorted(receipts)
    events = [e for e in e2e_engine.history.events(view.id) if e.kind == "opinion_received"]
    assert sorted(e.payload["receipt"] for e in events) == sorted(receipts)
    assert e2e_engine.history.verify(view.id).ok
