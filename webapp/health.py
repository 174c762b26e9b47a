"""Health for the process manager and the load balancer.

`/healthz`: the process answers (liveness; no database). `/readyz`: it can serve —
the database answers, its schema is at the migration this code ships, and a timer worker
finished a pass recently (statutory periods only fire while one runs). Each failing
check is named in the 503 body, so an operator sees why at once.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from engine.persistence import schema
from engine.persistence.tables import WorkerHeartbeat

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Any:
    engine = current_app.extensions["decisionflow"]
    checks: dict[str, dict[str, Any]] = {}
    try:
        with engine.db.connect() as connection:
            connection.execute(text("SELECT 1"))
            checks["database"] = {"ok": True}
            at, shipped = schema.current(connection), current_app.extensions["decisionflow_schema_heads"]
            checks["migrations"] = {"ok": at == shipped, "database": sorted(at), "code": sorted(shipped)}
            last = connection.execute(select(func.max(WorkerHeartbeat.beat_at))).scalar()
    except SQLAlchemyError as error:
        checks["database"] = {"ok": False, "error": str(error).splitlines()[0][:300]}
        last = None
    if current_app.config["READYZ_REQUIRE_WORKER"]:
        limit = timedelta(seconds=int(current_app.config["READYZ_HEARTBEAT_SECONDS"]))
        fresh = last is not None and engine.clock.now() - _aware(last) <= limit
        checks["worker"] = {"ok": fresh, "last_beat": last.isoformat() if last else None,
                            "max_age_seconds": limit.total_seconds()}
    ready = all(check["ok"] for check in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503


def _aware(moment: Any) -> Any:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
