"""Health for the process manager and the load balancer.

`/healthz`: the process answers (liveness; no database). `/readyz`: it can serve —
the database answers, its schema is at the migration this code ships, and a timer worker
finished a pass recently (statutory periods only fire while one runs). Each failing
check is named in the 503 body, so an operator sees why at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, jsonify

from engine.services.monitoring import heartbeat_fresh

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Any:
    engine = current_app.extensions["decisionflow"]
    state = engine.monitoring.readiness()
    checks: dict[str, dict[str, Any]] = {"database": {"ok": state.database_ok}}
    if state.database_ok:
        shipped = current_app.extensions["decisionflow_schema_heads"]
        checks["migrations"] = {"ok": state.migrations_at == set(shipped), "database": sorted(state.migrations_at),
                                "code": sorted(shipped)}
    else:
        checks["database"]["error"] = state.database_error
    if current_app.config["READYZ_REQUIRE_WORKER"]:
        limit = timedelta(seconds=int(current_app.config["READYZ_HEARTBEAT_SECONDS"]))
        checks["worker"] = {"ok": heartbeat_fresh(state, limit),
                            "last_beat": state.last_beat.isoformat() if state.last_beat else None,
                            "max_age_seconds": limit.total_seconds()}
    ready = all(check["ok"] for check in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503
