"""`decisionflow verify` says what and where, in English and Chinese, and exits 1 (DF-INTEGRITY)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import text

from engine.cli import cli
from tests.conftest import DRAFT


def _finished(engine, people, review_loop) -> int:  # type: ignore[no-untyped-def]
    view = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    step = engine.tasks.complete(view.task("draft"), people.sponsor, DRAFT)
    step = engine.tasks.complete(step.task("review"), people.reviewer, {"outcome": "lawful"})
    engine.tasks.complete(step.task("deliberation"), people.secretary, {"decision": "adopt"})
    return view.id


def test_df_integrity_verify_names_procedure_table_row_column_and_seq_in_both_languages(engine, db_url, people,
                                                                                        review_loop):
    pid = _finished(engine, people, review_loop)
    runner = CliRunner()
    assert runner.invoke(cli, ["verify", "--full", "--database", db_url]).exit_code == 0
    with engine.db.begin() as connection:
        task = connection.execute(text("SELECT task_id FROM work_items WHERE procedure_id = :p AND spec = 'review'"),
                                  {"p": pid}).scalar_one()
        connection.execute(text("UPDATE work_items SET completed_by = 'zhou_min' WHERE task_id = :t"), {"t": task})
    result = runner.invoke(cli, ["verify", "--full", "--lang", "both", "--database", db_url])
    assert result.exit_code == 1
    assert f"procedure {pid} · work_items[{task}].completed_by · seq 3" in result.output
    assert "the history says 'liu_yang'" in result.output
    assert "历史记录为 'liu_yang'" in result.output


def test_df_integrity_default_checks_only_procedures_whose_head_moved_since_the_checkpoint(engine, db_url, people,
                                                                                         review_loop, tmp_path):
    pid = _finished(engine, people, review_loop)
    with engine.db.begin() as connection:
        connection.execute(text("UPDATE procedures SET title = 'x' WHERE id = :p"), {"p": pid})
    heads = tmp_path / "heads.json"
    heads.write_text(json.dumps({str(pid): 4}))
    runner = CliRunner()
    unchanged = runner.invoke(cli, ["verify", "--heads", str(heads), "--database", db_url])
    assert unchanged.exit_code == 0 and "verified 0 procedure(s)" in unchanged.output, unchanged.output
    heads.write_text(json.dumps({str(pid): 3}))  # the head moved since: this procedure is checked
    moved = runner.invoke(cli, ["verify", "--heads", str(heads), "--database", db_url])
    assert moved.exit_code == 1 and f"procedures[{pid}].title" in moved.output, moved.output
    full = runner.invoke(cli, ["verify", "--full", "--heads", str(heads), "--database", db_url])
    assert full.exit_code == 1 and f"procedures[{pid}].title" in full.output
