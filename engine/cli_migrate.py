"""`decisionflow migrate` (engine/cli.py's group): plan, check and apply the move of running procedures to a
new version of their definition, as the legality review office proposes and the decision organ approves
(docs/migration.md). The lawfulness of each move is proved by engine/bpmn/migration_law.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from engine.cli import _refusals_exit, cli, database_option


@cli.group("migrate")
def migrate_group() -> None:
    """Migrate running procedures to another definition version, proven lawful (docs/migration.md)."""


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise click.BadParameter(f"{value!r}: expected element=value", param_hint=option)
        out[left.strip()] = right.strip()
    return out


@migrate_group.command("plan")
@click.argument("key")
@click.option("--from", "source_version", type=int, required=True, help="The version the procedures run on.")
@click.option("--to", "target_version", type=int, required=True, help="The version to move them to.")
@click.option("--map", "mapping", multiple=True, help="old_element=new_element, where an id changed (repeatable).")
@click.option("--redo", multiple=True, help="done_step=reason: a step done that must be done again (repeatable).")
@click.option("--timer-rule", "timer_rules", multiple=True,
              help="period=RULE-ID: the rule under which a period whose rule changed keeps its due date.")
@click.option("--procedure", "procedures", type=int, multiple=True, help="Only these procedures (default: all "
              "running on the source version).")
@click.option("--sponsor-org", default=None, help="Only the procedures of this sponsoring unit.")
@click.option("--by", "username", required=True, help="Who plans (legality_reviewer, decision_organ or auditor).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the plan as JSON here (for check and apply).")
@database_option
def migrate_plan(key: str, source_version: int, target_version: int, mapping: tuple[str, ...], redo: tuple[str, ...],
                 timer_rules: tuple[str, ...], procedures: tuple[int, ...], sponsor_org: str | None, username: str,
                 out: Path | None, database_url: str | None) -> None:
    """Write a migration plan after checking that its versions, elements and procedures exist."""
    data = {"key": key, "source_version": source_version, "target_version": target_version,
            "mapping": _pairs(mapping, "--map"), "redo": _pairs(redo, "--redo"),
            "timer_rules": _pairs(timer_rules, "--timer-rule"),
            "procedures": list(procedures) or None, "sponsor_org": sponsor_org}
    with _refusals_exit(database_url) as engine:
        plan, selected = engine.migration.plan(engine.people.actor(username), data)
    text = json.dumps(plan.as_payload(), ensure_ascii=False, indent=2)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)
    click.echo(f"{len(selected)} procedure(s): {', '.join(map(str, selected)) or '—'}", err=out is None)


def _read_plan(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"{path}: not valid JSON: {error}", param_hint="PLAN") from error


@migrate_group.command("check")
@click.argument("plan_file", metavar="PLAN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "username", required=True, help="Who checks (legality_reviewer, decision_organ or auditor).")
@click.option("--lang", type=click.Choice(["zh_CN", "en", "both"]), default="zh_CN", show_default=True)
@database_option
def migrate_check(plan_file: Path, username: str, lang: str, database_url: str | None) -> None:
    """The dry run: a report per procedure; changes nothing; exit 1 if any may not migrate."""
    with _refusals_exit(database_url) as engine:
        reports = engine.migration.check(engine.people.actor(username), _read_plan(plan_file))
    for report in reports:
        for language in (("zh", "en") if lang == "both" else ("en",) if lang == "en" else ("zh",)):
            click.echo(report.text(language))
    refused = [r.procedure_id for r in reports if not r.lawful]
    click.echo(f"{len(reports) - len(refused)} of {len(reports)} may migrate", err=True)
    if refused:
        sys.exit(1)


@migrate_group.command("apply")
@click.argument("plan_file", metavar="[PLAN]", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "username", required=True, help="Who proposes (the legality review office) or decides.")
@click.option("--reason", default=None, help="Why the procedures must move (required to propose).")
@click.option("--approve", "approve_id", type=int, default=None, help="Approve this proposal (someone else's).")
@click.option("--reject", "reject_id", type=int, default=None, help="Reject this proposal.")
@database_option
def migrate_apply(plan_file: Path | None, username: str, reason: str | None, approve_id: int | None,
                  reject_id: int | None, database_url: str | None) -> None:
    """Four eyes: `apply PLAN --reason …` proposes; `apply --approve ID` by another person migrates."""
    if (plan_file is not None) + (approve_id is not None) + (reject_id is not None) != 1:
        raise click.UsageError("give exactly one of PLAN (to propose), --approve ID or --reject ID")
    with _refusals_exit(database_url) as engine:
        actor = engine.people.actor(username)
        if plan_file is not None:
            view = engine.migration.propose(actor, _read_plan(plan_file), reason or "")
            click.echo(f"proposal {view.id} by {view.proposed_by}: waiting for a second person's approval")
            return
        if reject_id is not None:
            view = engine.migration.reject(actor, reject_id)
            click.echo(f"proposal {view.id} rejected by {view.decided_by}")
            return
        assert approve_id is not None
        view = engine.migration.approve(actor, approve_id)
    for outcome in view.results:
        mark = "migrated" if outcome.migrated else f"REFUSED {outcome.rule}"
        click.echo(f"procedure {outcome.procedure_id}: {mark}: {outcome.message_zh} / {outcome.message}")
    if not all(o.migrated for o in view.results):
        sys.exit(1)
