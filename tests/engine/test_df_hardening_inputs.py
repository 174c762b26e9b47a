"""Input the engine does not store or cannot count is refused at every door, naming the field, and
changes nothing: control characters and lone surrogates in text (PostgreSQL cannot hold NUL), and
dates outside the years the working-day calendar counts (engine.domain.inputs)."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from engine import workdays
from engine.domain.errors import BeyondCalendar, FormInvalid
from engine.domain.inputs import FIRST_DAY, LAST_DAY, date_problem, text_problem
from engine.forms import Form
from tests.conftest import DRAFT, ROOT
from tests.helpers import fingerprint

UNFIT = ["\x00", "a\x00b", "\x1b[31m", "\x7f", "\x0b", "\ud800"]


@pytest.fixture
def draft_step(engine, people, review_loop):
    return engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor).task("draft")


@pytest.mark.parametrize("value", UNFIT)
def test_df_form_step_data_with_unfit_text_is_refused_naming_the_field(engine, people, draft_step, value):
    before = fingerprint(engine)
    with pytest.raises(FormInvalid) as refused:
        engine.tasks.complete(draft_step, people.sponsor, {**DRAFT, "summary": f"草案{value}"})
    assert refused.value.rule == "DF-FORM" and refused.value.field == "summary"
    assert "U+" in refused.value.message("en") and "U+" in refused.value.message("zh_CN")
    assert fingerprint(engine) == before


def test_df_form_multi_line_text_with_tabs_is_accepted(engine, people, draft_step):
    engine.tasks.complete(draft_step, people.sponsor, {**DRAFT, "summary": "第一条\r\n\t第二条\n"})


def test_df_form_unfit_text_in_facts_is_refused_by_path(engine, people, review_loop):
    before = fingerprint(engine)
    with pytest.raises(FormInvalid) as refused:
        engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor,
                                {"affected_units": [{"name": "交通\x00局"}]})
    assert refused.value.field == "affected_units.0.name"
    assert fingerprint(engine) == before


@pytest.mark.parametrize("title", ["县城\x00公交", "县城公交\x08"])
def test_df_form_a_title_with_a_control_character_is_refused_on_every_database(engine, people, review_loop,
                                                                                title):
    """The service has no check of its own for it: the before-flush net refuses it, on SQLite as on PostgreSQL."""
    before = fingerprint(engine)
    with pytest.raises(FormInvalid) as refused:
        engine.procedures.start(review_loop, title, "dev_reform", people.sponsor)
    assert refused.value.rule == "DF-FORM" and refused.value.field == "title"
    assert fingerprint(engine) == before


def test_df_form_a_catalogue_file_with_a_nul_is_refused_and_nothing_loaded(engine):
    """The CLI's door (`decisionflow catalogue load`) reaches the same net."""
    data = json.loads((ROOT / "processes" / "catalogue" / "2026.json").read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["items"][0]["title"] += "\x00"
    with pytest.raises(FormInvalid) as refused:
        engine.catalogue.load(broken, "cli")
    assert refused.value.field == "title"
    assert engine.catalogue.items(2026) == []
    assert len(engine.catalogue.load(data, "cli")) == len(data["items"])


DATED = {"type": "object", "properties": {"on": {"type": "string", "format": "date"}}, "additionalProperties": False}


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2100-01-01", "9999-12-31", "2026-02-30", "20260101"])
def test_df_form_a_date_outside_the_calendar_or_malformed_is_refused_naming_the_field(value):
    with pytest.raises(FormInvalid) as refused:
        Form.compile("dated", DATED).validate({"on": value}, frozenset())
    assert refused.value.field == "on"
    assert "1900-01-01" in refused.value.message("en") or "YYYY-MM-DD" in refused.value.message("en")


@pytest.mark.parametrize("value", [FIRST_DAY.isoformat(), "2026-11-02", LAST_DAY.isoformat()])
def test_df_form_dates_within_the_calendar_are_accepted(value):
    Form.compile("dated", DATED).validate({"on": value}, frozenset())


def test_df_form_a_period_running_past_the_calendar_is_a_refusal_not_a_crash():
    with pytest.raises(BeyondCalendar) as refused:
        workdays.add_working_days(date(2099, 12, 20), 30)
    assert refused.value.rule == "DF-FORM" and "2100-01-01" in refused.value.message("en")
    assert workdays.add_days(date(2099, 12, 1), 30).last_day == date(2099, 12, 31)


def test_df_form_the_text_and_date_rules_name_what_is_wrong():
    assert text_problem("公交\t线网\r\n") is None
    assert text_problem("a\x00")[0] == "contains the control character U+0000 at character 2"
    assert "surrogate" in text_problem("\udc00")[0]
    assert date_problem(date(1, 1, 1)) and date_problem("9999-12-31") and date_problem("x")
    assert date_problem(date(2026, 11, 2)) is None
