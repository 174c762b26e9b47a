"""The `decisionflow` entry point: the engine's commands plus `serve`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from engine.cli import cli
from engine.config import Settings
from engine.persistence import schema

PROCESSES = Path(__file__).resolve().parent.parent / "processes"


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True,
              help="Migrate the database, deploy processes/ and seed demo organisations and users first.")
@click.option("--database", "database_url", envvar="DATABASE_URL", default=None)
def serve(host: str, port: int, demo: bool, database_url: str | None) -> None:
    """Serve the web app (development server; production runs gunicorn)."""
    from webapp import create_app

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
    click.echo("demo users (passwords are shown once, now; only their argon2 hashes are stored):")
    for username, password in passwords.items():
        click.echo(f"  {username:<10} {password or '(password set earlier)'}")


def main() -> None:
    cli()
