"""The `decisionflow` entry point: the engine's commands plus `serve`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from engine import demo
from engine.cli import cli
from engine.config import Settings
from engine.domain.roles import ROLES
from engine.persistence import schema

PROCESSES = Path(__file__).resolve().parent.parent / "processes"
GUNICORN_CONF = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True,
              help="Migrate the database, deploy processes/ and seed demo organisations and users first.")
@click.option("--production", is_flag=True,
              help="Run gunicorn (deploy/gunicorn.conf.py, DECISIONFLOW_WEB_WORKERS workers) with the production "
                   "checks; also when DECISIONFLOW_ENV=production.")
@click.option("--database", "database_url", envvar="DATABASE_URL", default=None)
def serve(host: str, port: int, demo: bool, production: bool, database_url: str | None) -> None:
    """Serve the web app: the development server, or gunicorn with --production (docs/deployment.md)."""
    from webapp import create_app
    from webapp.production import enabled, given

    if production or enabled(given()):
        if demo:
            raise click.UsageError("--demo seeds demo users with printed passwords: never in production")
        _exec_gunicorn(host, port, database_url)
    if demo:
        from engine.demo import CLEANUP_ORG

        os.environ.setdefault("DECISIONFLOW_CLEANUP_ORG", CLEANUP_ORG)  # the demo's yearly clean-up (ND-9)
    settings = Settings.from_env(database_url=database_url)
    if demo:
        schema.upgrade(settings.database_url)
        _prepare_demo(settings)
    app = create_app({"DATABASE_URL": settings.database_url})
    if demo:
        from engine.worker import start_in_process

        start_in_process(app.extensions["decisionflow"])
        click.echo("timers: fired by an in-process scheduler thread every 15 s")
    click.echo(f"DecisionFlow on http://{host}:{port}/ (database {settings.database_url})")
    app.run(host=host, port=port)


def _exec_gunicorn(host: str, port: int, database_url: str | None) -> NoReturn:
    """Check the configuration here, with the reasons on stderr, then become gunicorn (same pid, for systemd)."""
    from webapp.production import ENV, UnsafeProductionConfig, require_safe

    os.environ[ENV] = "production"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    try:
        require_safe()
    except UnsafeProductionConfig as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    if not GUNICORN_CONF.is_file():
        raise click.ClickException(f"{GUNICORN_CONF} is missing: run from a DecisionFlow checkout "
                                   "(docs/deployment.md)")
    argv = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), "--bind", f"{host}:{port}",
            "webapp.wsgi:app"]
    click.echo(f"exec {' '.join(argv[1:])}")
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter and fixed arguments


def _prepare_demo(settings: Settings) -> None:
    """Deploy processes/, load the decision catalogues and seed the demo people, with one engine."""
    from engine import demo_procedures
    from engine.core import build_engine
    from engine.demo import seed
    from engine.services.definitions import read_bundle
    from engine.workdays import local_date
    from webapp.auth import hash_password

    engine = build_engine(settings)
    try:
        for path in sorted(PROCESSES.glob("*.bpmn")):
            view = engine.definitions.deploy(*read_bundle(path), "demo")
            click.echo(f"{path.name}: {view.key} v{view.version}")
        for path in sorted((PROCESSES / "catalogue").glob("*.json")):
            items = engine.catalogue.load(json.loads(path.read_text(encoding="utf-8")), "demo")
            click.echo(f"catalogue {path.name}: {len(items)} item(s)")
        passwords = seed(engine, hash_password)
        today = local_date(engine.clock.now())
    finally:
        engine.dispose()
    made = demo_procedures.create(settings, today)
    if made:
        click.echo(f"sample procedures: {', '.join(f'#{i}' for i in made)}")
    click.echo("演示用户（密码只在此显示一次；数据库只保存其 argon2 哈希）：")
    for line in demo_user_lines(passwords):
        click.echo(line)


def demo_user_lines(passwords: dict[str, str | None]) -> list[str]:
    """One line per demo user: login, password, name, unit and roles in Chinese, so a tester knows whom to
    log in as for each step (issue 22)."""
    units = {code: name for code, name, _kind in demo.ORGANISATIONS}
    lines = []
    for username, org, display, roles in demo.USERS:
        titles = "、".join(ROLES[role][0] for role in roles)
        password = passwords.get(username) or "（此前已设置）"
        lines.append(f"  {username:<10} {password:<14} {display}（{units[org]}）：{titles}")
    return lines


def main() -> None:
    cli()
