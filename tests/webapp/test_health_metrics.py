"""Operations: /healthz and /readyz for the process manager, /metrics for Prometheus."""

from __future__ import annotations

from datetime import timedelta

from engine.worker import Heart, _pass
from tests.webapp.site import login, make_app


def test_readyz_is_ready_with_database_migrations_and_a_fresh_worker(site, app, clock):
    client = app.test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    stale = client.get("/readyz")
    assert stale.status_code == 503 and stale.json["checks"]["worker"]["ok"] is False  # no worker has run
    _pass(site, Heart())
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json["checks"]["migrations"]["database"] == ready.json["checks"]["migrations"]["code"]
    clock.advance(seconds=121)
    assert client.get("/readyz").json["checks"]["worker"]["ok"] is False


def test_readyz_fails_when_a_migration_is_pending(site, app):
    with site.db.begin() as connection:
        from sqlalchemy import text

        connection.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    checks = app.test_client().get("/readyz").json["checks"]
    assert checks["migrations"]["ok"] is False and checks["migrations"]["database"] == ["0005"]


def test_readyz_fails_when_the_database_is_down(tmp_path, clock):
    from engine.config import Settings
    from engine.core import build_engine

    engine = build_engine(Settings(database_url="postgresql://nobody:x@127.0.0.1:1/none"), clock)
    app = make_app(engine, READYZ_REQUIRE_WORKER=False)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["database"]["ok"] is False
    engine.dispose()


def test_metrics_count_completions_refusals_timers_and_are_for_the_monitoring_system_only(site, app, clock):
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "标题", "dev_reform", sponsor)
    browser = login(app, "sponsor")
    task = view.task("proposal")
    browser.get(f"/tasks/{task}")
    assert browser.post(f"/tasks/{task}", {"summary": "x"}, content_type="multipart/form-data").status_code == 422
    from engine.services.views import Upload

    site.tasks.complete(task, sponsor, {"proposal_source": "leadership", "summary": "x"},
                        {"study_report": Upload("a.pdf", "application/pdf", b"%PDF")})
    _pass(site, Heart())
    client = app.test_client()
    text = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)
    assert 'decisionflow_task_completions_total{step_kind="proposal"} 1.0' in text
    assert 'decisionflow_refusals_total{rule="DF-FORM"} 1.0' in text
    assert "decisionflow_request_seconds_count" in text and "decisionflow_worker_heartbeat_age_seconds" in text
    again = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)
    assert 'endpoint="metrics_endpoint"' not in again  # the scrapes themselves are not counted as traffic
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 403
    guarded = make_app(site, METRICS_TOKEN="s3cret").test_client()
    assert guarded.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 403
    assert guarded.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert clock.now() - view.started_at < timedelta(days=1)
