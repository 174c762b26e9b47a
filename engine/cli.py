"""Engine commands as a click group: check, deploy, verify, db upgrade.

`webapp.cli` adds `serve` and is the `decisionflow` entry point; these commands need
no web layer and print Chinese by default (`--lang en` for English).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from engine.clock import SystemClock
from engine.config import Settings
from engine.core import Engine, build_engine
from engine.domain.actors import Actor
from engine.domain.errors import DomainError
from engine.integrity.check import Tally
from engine.integrity.findings import Finding
from engine.persistence import schema
from engine.services.definitions import read_bundle
from engine.signing import KeyRing

database_option = click.option("--database", "database_url", envvar="DATABASE_URL", default=None,
                               help="Database URL (default: DATABASE_URL or sqlite:///decisionflow.db).")


def _engine(database_url: str | None) -> Engine:
    return build_engine(Settings.from_env(database_url=database_url))


@contextmanager
def _refusals_exit(database_url: str | None) -> Iterator[Engine]:
    """An engine for one command: a refusal prints its message and exits 1; the engine is disposed either way."""
    engine = _engine(database_url)
    try:
        yield engine
    except DomainError as error:
        click.echo(error.message(), err=True)
        sys.exit(1)
    finally:
        engine.dispose()


@click.group()
def cli() -> None:
    """DecisionFlow 重大行政决策程序引擎."""


@cli.command()
@click.argument("bpmn_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(bpmn_file: Path) -> None:
    """Parse a definition and print its problems; exit 1 if there are any."""
    try:
        bpmn, forms = read_bundle(bpmn_file)
    except DomainError as error:
        click.echo(f"{bpmn_file}: {error}", err=True)
        sys.exit(1)
    from engine.bpmn.definition import analyse

    analysis = analyse(bpmn, forms)
    for problem in analysis.problems:
        click.echo(f"{bpmn_file}:{problem.line or 0}: {problem}")
    if analysis.problems:
        click.echo(f"{len(analysis.problems)} problem(s)", err=True)
        sys.exit(1)
    assert analysis.compiled is not None
    click.echo(f"{bpmn_file}: OK ({analysis.compiled.key}, {len(analysis.compiled.model.tasks)} human steps)")


@cli.command()
@click.argument("bpmn_files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "deployed_by", default="cli", show_default=True, help="Who deploys (recorded).")
@database_option
def deploy(bpmn_files: tuple[Path, ...], deployed_by: str, database_url: str | None) -> None:
    """Deploy definitions: unchanged files keep their version, changed ones become n+1."""
    engine = _engine(database_url)
    failed = False
    for path in bpmn_files:
        try:
            bpmn, forms = read_bundle(path)
            view = engine.definitions.deploy(bpmn, forms, deployed_by)
        except DomainError as error:
            failed = True
            click.echo(f"{path}: {error.message('en')}", err=True)
            for problem in error.context.get("problems", []) or []:
                click.echo(f"  {problem}", err=True)
            continue
        state = "deployed" if view.created else "unchanged"
        click.echo(f"{path}: {view.key} v{view.version} {state} (sha256 {view.sha256[:12]}…)")
    engine.dispose()
    sys.exit(1 if failed else 0)


@cli.command()
@click.option("--procedure", "procedure_id", type=int, default=None, help="Only this procedure's chain.")
@click.option("--admin", "admin_log", is_flag=True, help="Only the administration log's chain.")
@click.option("--full", is_flag=True, help="Check every procedure (the default; overrides the two options below).")
@click.option("--since-checkpoint", is_flag=True,
              help="Only procedures whose head moved since the last signed checkpoint (faster; see below).")
@click.option("--heads", "heads_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A checkpoint's chain heads, JSON {procedure_id: head_seq}: only procedures whose head moved.")
@click.option("--lang", type=click.Choice(["en", "zh_CN", "both"]), default="en", show_default=True,
              help="Language of the findings.")
@database_option
def verify(procedure_id: int | None, admin_log: bool, full: bool, since_checkpoint: bool, heads_file: Path | None,
           lang: str, database_url: str | None) -> None:
    """Recompute every chain and rebuild every projection from it, then check the signed checkpoints outside
    the database; print each finding; exit 1 if any.

    A finding names the procedure, table, row, column and first bad event (DF-INTEGRITY, DF-CHECKPOINT).
    Everything is checked by default: a checkpoint vouches for chain heads, not for the projection rows
    (a title or a status changed in an old procedure moves no head), so the incremental mode
    (`--since-checkpoint`) is for frequent runs between full ones, never instead of them."""
    engine = _engine(database_url)
    if admin_log:
        _verify_admin_log(engine)
    if procedure_id:
        _verify_one(engine, procedure_id)
    heads = None
    if not full and heads_file is not None:
        heads = _read_heads(heads_file)
    elif not full and since_checkpoint:
        heads = engine.checkpoints.last_seqs() or None
    tally = Tally()
    found = 0
    try:
        for finding in engine.history.findings(heads, tally):
            found += 1
            click.echo(_line(finding, lang))
    finally:
        engine.dispose()
    click.echo(f"verified {tally.procedures} procedure(s), {tally.events} event(s), {tally.documents} document(s); "
               f"{found} finding(s); {tally.broken} broken")
    checkpoint_findings = _verify_checkpoints(engine)
    sys.exit(1 if found or checkpoint_findings else 0)


def _verify_checkpoints(engine: Engine) -> int:
    """The database against the signed checkpoints outside it (DF-CHECKPOINT): print each finding, zh and en."""
    try:
        findings = engine.checkpoints.check()
    finally:
        engine.dispose()
    for finding in findings:
        click.echo(f"检查点不符：{finding.zh}\n  checkpoint mismatch: {finding.en}")
    click.echo(f"checked the checkpoints in {engine.settings.checkpoint_dir}; {len(findings)} finding(s)")
    return len(findings)


def _line(finding: Finding, lang: str) -> str:
    if finding.kind == "chain":  # the form auditors' scripts already read
        head = f"procedure {finding.procedure_id}: BROKEN at seq {finding.seq}: {finding.reason}"
    else:
        head = f"{finding.where()}: {finding.message(lang if lang != 'both' else 'en')}"
    return f"{head}\n  {finding.zh}" if lang == "both" else head


def _read_heads(path: Path) -> dict[int, int]:
    """A checkpoint's heads map; a file that is not one is refused naming it."""
    try:
        return {int(k): int(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (ValueError, AttributeError) as error:
        raise click.BadParameter(f"{path}: not a JSON object of procedure id to head seq ({error})",
                                 param_hint="--heads") from error


def _verify_one(engine: Engine, procedure_id: int) -> None:
    """`verify --procedure N`: that procedure's chain only, as the record page shows it."""
    try:
        report = engine.history.verify(procedure_id)
    except DomainError as error:
        click.echo(error.message("en"), err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    if not report.ok:
        click.echo(f"procedure {report.procedure_id}: BROKEN at seq {report.first_bad_seq}: {report.reason}")
    click.echo(f"verified 1 procedure(s), {report.events} event(s); {0 if report.ok else 1} broken")
    sys.exit(0 if report.ok else 1)


def _verify_admin_log(engine: Engine) -> None:
    """`verify --admin`: the administration log's chain (DF-AUDIT); exit 1 naming its first bad seq."""
    try:
        report = engine.adminlog.verify()
    finally:
        engine.dispose()
    if not report.ok:
        click.echo(f"admin log: BROKEN at seq {report.first_bad_seq}: {report.reason}")
    click.echo(f"verified the admin log, {report.events} entr{'y' if report.events == 1 else 'ies'}; "
               f"{'OK' if report.ok else 'broken'}")
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 when a decision-making MD rule has no enforcing place or no test.")
@click.option("--write", "write_to", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the table as Markdown (e.g. docs/rules.md).")
def rules(check: bool, write_to: Path | None) -> None:
    """Print every rule with where it is enforced and the tests that prove it."""
    from engine import traceability

    traces = traceability.build()
    for trace in traces:
        click.echo(f"{trace.rule.id:8} {trace.rule.article}  {trace.rule.zh}")
        click.echo(f"         enforced: {'; '.join(trace.enforced) or '—'}")
        click.echo(f"         tests:    {len(trace.tests)}")
    if write_to is not None:
        write_to.write_text(traceability.markdown(traces), encoding="utf-8")
        click.echo(f"wrote {write_to}")
    if check:
        found = traceability.gaps(traces)
        for gap in found:
            click.echo(f"GAP {gap}", err=True)
        click.echo(f"{len(found)} decision-making rule(s) without enforcement or test", err=True)
        sys.exit(1 if found else 0)


@cli.group("catalogue")
def catalogue_group() -> None:
    """The decision catalogue (决策事项目录)."""


@catalogue_group.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "loaded_by", default="cli", show_default=True, help="Who loads it (recorded).")
@database_option
def catalogue_load(files: tuple[Path, ...], loaded_by: str, database_url: str | None) -> None:
    """Load yearly catalogue files (processes/catalogue/YEAR.json); reloading updates the items."""
    import json

    engine = _engine(database_url)
    failed = False
    for path in files:
        try:
            views = engine.catalogue.load(json.loads(path.read_text(encoding="utf-8")), loaded_by)
        except (DomainError, json.JSONDecodeError) as error:
            failed = True
            click.echo(f"{path}: {error.message('en') if isinstance(error, DomainError) else error}", err=True)
            continue
        published = sum(v.status == "published" for v in views)
        click.echo(f"{path}: {len(views)} item(s), {published} published")
    engine.dispose()
    sys.exit(1 if failed else 0)


@catalogue_group.command("list")
@click.option("--year", type=int, required=True)
@database_option
def catalogue_list(year: int, database_url: str | None) -> None:
    """List a year's catalogue with each item's status."""
    engine = _engine(database_url)
    for view in engine.catalogue.items(year):
        click.echo(f"{view.code:10} {view.status:15} {view.sponsor_org:20} {view.title}")
    engine.dispose()


@cli.group("cleanup")
def cleanup_group() -> None:
    """Clean-ups of normative documents (行政规范性文件清理, ND-9)."""


@cleanup_group.command("start")
@click.option("--by", "username", required=True,
              help="The organiser: a user of the legality review office (role legality_reviewer); the clean-up "
                   "belongs to that user's organisation.")
@click.option("--title", default=None, help="The procedure's title (default: 行政规范性文件专项清理（date）).")
@database_option
def cleanup_start(username: str, title: str | None, database_url: str | None) -> None:
    """Start a special clean-up (专项清理); the yearly periodic one is started by the worker."""
    engine = _engine(database_url)
    try:
        view = engine.cleanup.start_special(engine.people.actor(username), title)
    except DomainError as error:
        click.echo(error.message(), err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"started procedure {view.id}: {view.title} ({view.sponsor_org}); "
               f"next: {', '.join(i.title for i in view.open_items) or '—'}")


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@database_option
def db_upgrade(database_url: str | None) -> None:
    """Run the Alembic migrations up to the latest."""
    url = Settings.from_env(database_url=database_url).database_url
    schema.upgrade(url)
    click.echo("database is at the latest migration")


CLI_AUDITOR = Actor(user_id=0, username="cli", org="system", roles=frozenset({"auditor"}))
"""Who exports from the command line: an operator with database access, reading as an auditor."""


@cli.command("archive")
@click.argument("procedure_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@database_option
def archive_command(procedure_id: int, out: Path, database_url: str | None) -> None:
    """Export a procedure's sealed decision archive (决策档案) to OUT.zip."""
    with _refusals_exit(database_url) as engine:
        data = engine.archive.export(CLI_AUDITOR, procedure_id)
    out.write_bytes(data)
    click.echo(f"{out}: {len(data)} bytes; verify offline with: python -m engine.archive_verify {out}")


@cli.command("checkpoint")
@database_option
def checkpoint_command(database_url: str | None) -> None:
    """Sign every chain head now as the next checkpoint, written once to DECISIONFLOW_CHECKPOINT_DIR."""
    engine = _engine(database_url)
    try:
        view = engine.checkpoints.make()
    except DomainError as error:
        click.echo(error.message(), err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"checkpoint {view.seq} at {view.at}: {view.size} head(s), root {view.root}, key {view.key_id} "
               f"({engine.settings.checkpoint_dir})")
    if view.timestamped_at:
        click.echo(f"RFC 3161 timestamp from {engine.settings.tsa_url}: {view.timestamped_at}")
    if view.timestamp_error:
        click.echo(f"WARNING: the TSA gave no timestamp ({view.timestamp_error}); the checkpoint was written "
                   "without one and records the failure", err=True)


@cli.group("key")
def key_group() -> None:
    """The server's keys that seal archives and checkpoints: SM2 (suite sm) and Ed25519 (suite intl)
    (DECISIONFLOW_KEY_DIR; DECISIONFLOW_CRYPTO_SUITE chooses which seals new ones)."""


@key_group.command("show")
def key_show() -> None:
    """Print every sealing key of both suites with its algorithm: current and retired (still valid for old
    archives)."""
    ring = KeyRing(Settings.from_env().key_dir)
    keys = ring.listed()  # only read: showing never makes a private key
    if not keys:
        click.echo(f"no sealing key yet in {ring.directory} (the first archive export or `key rotate` makes one)")
        return
    for key in keys:
        state = "current" if key.retired_at is None else f"retired {key.retired_at}"
        click.echo(f"{key.key_id}  {key.algorithm}  {key.public_key}  created {key.created_at}  {state}")


@key_group.command("rotate")
@click.option("--suite", type=click.Choice(["sm", "intl"]), default=None,
              help="Whose key to rotate; default: the configured DECISIONFLOW_CRYPTO_SUITE.")
def key_rotate(suite: str | None) -> None:
    """Make a new current key of one suite; its old ones stay listed for verification, the other suite's
    keys are untouched."""
    settings = Settings.from_env()
    key, _ = KeyRing(settings.key_dir).rotate(SystemClock().now(), suite or settings.crypto_suite)
    click.echo(f"new current key {key.key_id}  {key.algorithm}  {key.public_key}")


@cli.command("worker")
@click.option("--every", "every_seconds", default=5.0, show_default=True, type=float,
              help="Seconds between passes over the due timers.")
@click.option("--until-idle", is_flag=True, help="Fire everything due, then exit (cron, tests).")
@database_option
def worker_command(every_seconds: float, until_idle: bool, database_url: str | None) -> None:
    """Fire due timers (statutory periods), each once, in due order; several may run on PostgreSQL."""
    import logging

    from engine.worker import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = _engine(database_url)
    try:
        run(engine, every_seconds, until_idle)
    finally:
        engine.dispose()


@cli.command("digest")
@click.option("--send", "send_mail", is_flag=True, help="Mail each digest (DECISIONFLOW_SMTP_HOST must be set).")
@database_option
def digest_command(send_mail: bool, database_url: str | None) -> None:
    """Print each user's daily digest (overdue, due soon, reminders), or mail them with --send."""
    from engine import mail

    engine = _engine(database_url)
    try:
        if send_mail:
            try:
                sent = mail.send_digests(engine)
            except mail.MailNotConfigured as error:
                click.echo(f"not sent: {error}", err=True)
                sys.exit(1)
            click.echo(f"mailed {len(sent)} digest(s): {', '.join(sent) or '—'}")
            return
        for digest in engine.supervision.digests():
            click.echo(f"{digest.username:16} {digest.email or '—':30} overdue {len(digest.overdue)}, "
                       f"due soon {len(digest.due_soon)}, reminders {len(digest.reminders)}")
    finally:
        engine.dispose()


@cli.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@database_option
def backup_command(out: Path, database_url: str | None) -> None:
    """Back up the database (documents included) and the sealing keys to OUT (.tar.gz, with a manifest)."""
    from engine import backup, backup_file

    settings = Settings.from_env(database_url=database_url)
    try:
        manifest = backup.create(settings, out, SystemClock().now())
    except backup.BackupError as error:
        click.echo(f"backup failed: {error}", err=True)
        sys.exit(1)
    keys = sum(name.startswith(backup_file.KEYS) for name in manifest.members)
    checkpoints = sum(name.startswith(backup_file.CHECKPOINTS) for name in manifest.members)
    click.echo(f"{out}: {out.stat().st_size} bytes; {manifest.database} at migration {manifest.alembic_revision}, "
               f"{manifest.counts.get('procedures', 0)} procedure(s), {manifest.counts.get('events', 0)} event(s), "
               f"{manifest.counts.get('documents', 0)} document(s), {keys} key file(s), {checkpoints} checkpoint(s)")


@cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data (back it up first).")
@database_option
def restore_command(source: Path, force: bool, database_url: str | None) -> None:
    """Check a backup against its manifest, then restore its database and merge its sealing keys."""
    from engine import backup

    settings = Settings.from_env(database_url=database_url)
    try:
        restored = backup.restore(settings, source, SystemClock().now(), force=force)
    except backup.BackupError as error:
        click.echo(f"restore refused: {error}", err=True)
        sys.exit(1)
    manifest = restored.manifest
    click.echo(f"restored {source} (made {manifest.created_at}): {manifest.counts.get('procedures', 0)} "
               f"procedure(s), {manifest.counts.get('events', 0)} event(s), {manifest.counts.get('documents', 0)} "
               f"document(s); rows match the manifest; keys added: {', '.join(restored.keys_added) or 'none'}; "
               f"checkpoints added: {len(restored.checkpoints_added)}")
    for name in restored.left_as_they_were:
        click.echo(f"table {name} is not in the backup and was left as it was", err=True)
    if restored.migrations_pending:
        click.echo("the backup is at an earlier migration: run `decisionflow db upgrade`", err=True)
    click.echo("now run `decisionflow verify` to recompute every history chain")


from engine import cli_indicators, cli_migrate  # noqa: E402,F401  (register the 法治指数 and migrate commands)
