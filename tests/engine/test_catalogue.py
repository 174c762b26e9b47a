"""The decision catalogue (MD-3c, SC-3): only published, party-approved items are chosen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import cli
from engine.domain import errors
from tests.helpers import refused
from tests.processes.md_scenario import CATALOGUE, MajorDecision

DATA = json.loads(CATALOGUE.read_text(encoding="utf-8"))


def test_md3c_items_are_published_only_with_party_approval(engine):
    views = {v.code: v.status for v in engine.catalogue.load(DATA, "test")}
    assert views["2026-05"] == "published"
    assert views["2026-06"] == "draft"  # added in the year without the party committee's approval (SC-3)
    unpublished = {**DATA, "published_on": None}
    assert {v.status for v in engine.catalogue.load(unpublished, "test")} == {"party_approved", "draft"}


def test_reloading_updates_items_in_place(engine):
    engine.catalogue.load(DATA, "test")
    renamed = {**DATA, "items": [{**DATA["items"][0], "title": "改名后的事项"}, *DATA["items"][1:]]}
    views = engine.catalogue.load(renamed, "test")
    assert len(views) == len(DATA["items"])
    assert views[0].title == "改名后的事项"


@pytest.mark.parametrize(("change", "field"), [
    ({"year": "2026"}, "year"),
    ({"items": [{"code": "x", "title": "t", "category": "fiscal_policy", "sponsor_org": "o"}]}, "items.0.category"),
    ({"items": [DATA["items"][0], DATA["items"][0]]}, "items"),
])
def test_malformed_catalogue_is_refused_by_field_and_nothing_loaded(engine, change, field):
    with pytest.raises(errors.FormInvalid) as caught:
        engine.catalogue.load({**DATA, **change}, "test")
    assert caught.value.field == field
    assert engine.catalogue.items(2026) == []


def test_md3c_draft_catalogue_item_cannot_be_chosen_at_initiation(engine, clock):
    md = MajorDecision.start(engine, clock)
    md.propose()
    error = refused(engine, errors.CatalogueItemNotSelectable, "MD-3c", md.initiate, catalogue_item="2026-06")
    assert error.context["status"] == "draft"
    refused(engine, errors.CatalogueItemNotSelectable, "MD-3c", md.initiate, catalogue_item="2026-99")
    md.initiate(catalogue_item=None, outside_catalogue_determination="县政府常务会议认定为重大行政决策事项")
    assert md.open() == {"drafting"}


def test_catalogue_commands_load_and_list(db_url, tmp_path: Path):
    runner = CliRunner()
    loaded = runner.invoke(cli, ["catalogue", "load", str(CATALOGUE), "--database", db_url])
    assert loaded.exit_code == 0, loaded.output
    assert "6 item(s), 5 published" in loaded.output
    listed = runner.invoke(cli, ["catalogue", "list", "--year", "2026", "--database", db_url])
    assert "2026-05" in listed.output and "published" in listed.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**DATA, "year": "x"}), encoding="utf-8")
    assert runner.invoke(cli, ["catalogue", "load", str(bad), "--database", db_url]).exit_code == 1
