"""Prometheus metrics at `/metrics` (prometheus-client).

- `decisionflow_request_seconds{endpoint,method,status}`: request latency, per process.
- `decisionflow_refusals_total{rule}`: engine refusals answered, by rule id, per process.
- `decisionflow_history_verifications_total{result}`: chain checks run from pages and the API.
- `decisionflow_altered_documents_refused_total`: stored documents refused because their bytes no
  longer match their SHA-256 and size (DF-INTEGRITY), and `decisionflow_poisoned_rows_total{kind}`:
  rows skipped because they could not be read or fired (timer, work_item). Both are the
  engine's own counters (engine/incidents.py), per process; with PROMETHEUS_MULTIPROC_DIR set for the
  workers too, a worker's skipped timers are summed in.
- `decisionflow_task_completions_total{step_kind}`, `decisionflow_timers{status}`,
  `decisionflow_timer_lag_seconds` (fired at − due at: sum, count, max) and
  `decisionflow_worker_heartbeat_age_seconds`: read from the database at scrape time, so
  they hold across every web and worker process and survive restarts. The first two are running
  totals kept in the transactions that change them (engine/persistence/tallies.py), so a scrape
  reads a few rows at any size of the record, not every step and timer ever made.

Under gunicorn, set PROMETHEUS_MULTIPROC_DIR to a directory the workers share and the
per-process series are summed (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from engine.services.monitoring import LAG_WINDOW

LOOPBACK = frozenset({"127.0.0.1", "::1"})


class Metrics:
    """One app's metrics: its own registry, so several apps in one process (tests) never collide."""

    def __init__(self, app: Flask) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram("decisionflow_request_seconds", "Request latency", ["endpoint", "method", "status"],
                                  registry=self.registry)
        self.refusals = Counter("decisionflow_refusals", "Engine refusals answered, by rule id", ["rule"],
                                registry=self.registry)
        self.verifications = Counter("decisionflow_history_verifications", "History chain checks, by result",
                                     ["result"], registry=self.registry)
        self.registry.register(DatabaseCollector(app))
        self.registry.register(IncidentCollector(app))

    def exposition(self) -> bytes:
        directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if not directory:
            return generate_latest(self.registry)
        merged = CollectorRegistry()
        MultiProcessCollector(merged, path=directory)
        return generate_latest(merged) + generate_latest(self._database_only())

    def _database_only(self) -> CollectorRegistry:
        registry = CollectorRegistry()
        registry.register(DatabaseCollector(current_app._get_current_object()))  # type: ignore[attr-defined]
        return registry


class IncidentCollector(Collector):
    """The engine's incident counters (engine/incidents.py): altered documents refused, poisoned rows skipped."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Any]:
        yield from self.app.extensions["decisionflow"].incidents.registry.collect()


class DatabaseCollector(Collector):
    """Figures every process shares, read from the database when Prometheus scrapes."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Any]:
        engine = self.app.extensions["decisionflow"]
        completions = CounterMetricFamily("decisionflow_task_completions", "Steps completed, by step kind",
                                          labels=["step_kind"])
        timers = GaugeMetricFamily("decisionflow_timers", "Timers by status", labels=["status"])
        lag = GaugeMetricFamily("decisionflow_timer_lag_seconds", f"Fired at minus due at, last {LAG_WINDOW} fired",
                                labels=["stat"])
        heartbeat = GaugeMetricFamily("decisionflow_worker_heartbeat_age_seconds",
                                      "Seconds since a timer worker last finished a pass")
        found = engine.monitoring.figures()
        for kind, count in found.completions.items():
            completions.add_metric([kind], count)
        for status, count in found.timers.items():
            timers.add_metric([status], count)
        lag.add_metric(["sum"], sum(found.lags))
        lag.add_metric(["count"], len(found.lags))
        lag.add_metric(["max"], max(found.lags, default=0.0))
        if found.heartbeat_age is not None:
            heartbeat.add_metric([], found.heartbeat_age)
        yield from (completions, timers, lag, heartbeat)


def init_app(app: Flask) -> Metrics:
    metrics = Metrics(app)
    app.extensions["decisionflow_metrics"] = metrics

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def observe(response: Response) -> Response:
        started = g.pop("request_started", None)
        if started is not None and request.endpoint != "metrics_endpoint":  # scrapes are not traffic
            metrics.requests.labels(request.endpoint or "unknown", request.method,
                                    str(response.status_code)).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics_endpoint() -> Response:
        """For the monitoring system only: a bearer token when configured, else loopback callers."""
        token = app.config.get("METRICS_TOKEN")
        allowed = (hmac.compare_digest(request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode())
                   if token else request.remote_addr in LOOPBACK)
        if not allowed:
            return Response("metrics are for the monitoring system\n", 403, mimetype="text/plain")
        return Response(metrics.exposition(), mimetype=CONTENT_TYPE_LATEST)

    return metrics


def refusal(rule: str) -> None:
    metrics = current_app.extensions.get("decisionflow_metrics")
    if metrics is not None:
        metrics.refusals.labels(rule).inc()


def verification(ok: bool) -> None:
    metrics = current_app.extensions.get("decisionflow_metrics")
    if metrics is not None:
        metrics.verifications.labels("ok" if ok else "broken").inc()
