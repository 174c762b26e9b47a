"""DF-DATE as pure functions: every form date declares its kind, and each kind has its bounds."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from engine.clock import CST
from engine.domain import errors
from engine.form_dates import KEYWORD, KINDS, Moments, check, date_fields, date_problem
from engine.statutes import guards

FORMS = Path(__file__).resolve().parents[2] / "processes" / "forms"
TODAY, OPENED, STARTED = date(2026, 11, 10), date(2026, 11, 5), date(2026, 11, 1)
MOMENTS = Moments(TODAY, OPENED, STARTED)


def form(kind: str | None, fmt: str = "date") -> dict:
    field = {"type": "string", "format": fmt, **({KEYWORD: kind} if kind else {})}
    return {"type": "object", "additionalProperties": False, "properties": {
        "on": field, "rows": {"type": "array", "items": {"type": "object", "properties": {"on": field}}}}}


def test_df_dates_every_date_field_of_every_form_declares_a_known_kind():
    found = 0
    for path in sorted(FORMS.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        fields = date_fields(json.loads(text))
        assert len(fields) == len(re.findall(r'"format": "date(-time)?"', text)), path.name  # none out of reach
        assert date_problem(json.loads(text)) is None, path.name
        assert all(f.kind in KINDS for f in fields), path.name
        found += len(fields)
    assert found >= 49


@pytest.mark.parametrize(("schema", "says"), [
    (form(None), 'date field on declares no "x-df-date": add "x-df-date": one of done, during, past'),
    (form("someday"), "'someday' is not one of done, during, past, planned, effective"),
    ({"type": "object", "properties": {"n": {"type": "integer", KEYWORD: "done"}}}, "n has \"x-df-date\" but is not"),
    ({"type": "object", "$defs": {"d": {"type": "string", "format": "date", KEYWORD: "done"}}},
     'outside "properties"/"items" cannot be checked'),
    ({"type": "object", "additionalProperties": {"type": "string", "format": "date-time"}}, "cannot be checked"),
])
def test_df_dates_a_date_field_without_a_usable_kind_is_a_problem(schema, says):
    assert says in (date_problem(schema) or "")


def test_df_dates_rows_of_arrays_are_found_by_their_posted_names():
    fields = date_fields(form("done"))
    assert [f.name for f in fields] == ["on", "rows.*.on"]
    with pytest.raises(errors.DateTooLate) as refused:
        check(fields, {"on": "2026-11-06", "rows": [{"on": "2026-11-06"}, {"on": "2026-11-11"}]}, MOMENTS)
    assert (refused.value.field, refused.value.context["latest"]) == ("rows.1.on", "2026-11-10")


@pytest.mark.parametrize(("kind", "earliest", "latest"), [
    ("done", OPENED, TODAY), ("during", STARTED, TODAY), ("past", None, TODAY), ("planned", TODAY, None),
    ("effective", OPENED, None),
])
def test_df_dates_each_kind_keeps_its_bounds(kind, earliest, latest):
    fields = date_fields(form(kind))
    for day in (earliest, latest, date(2000, 1, 1) if earliest is None else None,
                date(2099, 1, 1) if latest is None else None):
        if day is not None:
            check(fields, {"on": day.isoformat()}, MOMENTS)  # on a bound, or far on the open side: lawful
    if earliest is not None:
        with pytest.raises(errors.DateTooEarly) as early:
            check(fields, {"on": date.fromordinal(earliest.toordinal() - 1).isoformat()}, MOMENTS)
        assert (early.value.rule, early.value.context["earliest"]) == ("DF-DATE", earliest.isoformat())
    if latest is not None:
        with pytest.raises(errors.DateTooLate) as late:
            check(fields, {"on": date.fromordinal(latest.toordinal() + 1).isoformat()}, MOMENTS)
        assert (late.value.rule, late.value.context["latest"]) == ("DF-DATE", latest.isoformat())


def test_df_dates_a_date_time_counts_by_its_asia_shanghai_date():
    fields = date_fields(form("done", "date-time"))
    check(fields, {"on": "2026-11-10T15:59:59Z"}, MOMENTS)  # 23:59:59 in Shanghai, still today
    with pytest.raises(errors.DateTooLate):
        check(fields, {"on": "2026-11-10T16:00:00Z"}, MOMENTS)  # already 11-11 in Shanghai


def test_df_dates_the_refusal_names_field_date_and_bound_in_chinese_and_english():
    with pytest.raises(errors.DateTooEarly) as refused:
        check(date_fields(form("done")), {"on": "2026-11-04"}, MOMENTS)
    zh, en = refused.value.message("zh_CN"), refused.value.message("en")
    for text in (zh, en):
        assert "on" in text and "2026-11-04" in text and "2026-11-05" in text
    assert "最早的合法日期" in zh and "本步骤于该日开始办理" in zh
    assert "earliest lawful date" in en


def test_df_dates_a_field_of_a_version_deployed_before_kinds_is_left_to_its_guard():
    check(date_fields(form(None)), {"on": "2099-01-01"}, MOMENTS)


# --- MD-26b beside its guard: the dates compared are the engine's (work items), never typed -------------------

MEETING = {"meeting_type": "standing", "members_total": 3, "members_present": 3, "decision_outcome": "adopt",
           "views": [{"member": "甲", "is_head": False, "position": "support"},
                     {"member": "县长", "is_head": True, "position": "support"}]}
REVIEWED = {"review_outcome": "lawful", "current_draft_sha256": "a" * 64, "reviewed_draft_sha256": "a" * 64}


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=CST).astimezone(UTC)


def deliberate(meeting_date: str, completed: dict) -> dict:
    return guards.run("major_decision", "deliberation", guards.Context(
        {**MEETING, "meeting_date": meeting_date}, REVIEWED, at("2026-10-20"), completed=completed))


def test_md26b_a_meeting_is_not_before_the_opinion_once_it_is_issued():
    completed = {"review_submission": (at("2026-09-23"),), "legality_review": (at("2026-09-29"),)}
    assert deliberate("2026-09-29", completed) == {}  # before the due day 10-10, but the opinion is out
    with pytest.raises(errors.MeetingBeforeReviewDue) as refused:
        deliberate("2026-09-28", completed)
    assert (refused.value.rule, refused.value.context["earliest"]) == ("MD-26b", "2026-09-29")


def test_md26b_without_an_opinion_on_the_latest_materials_the_meeting_waits_for_the_due_day():
    # materials complete Wednesday 2026-09-23; a supplement on Monday 10-12 restarts the count (regulation.md §8)
    completed = {"review_submission": (at("2026-09-23"),), "legality_review": (at("2026-09-29"),),
                 "supplement": (at("2026-10-12"),)}
    with pytest.raises(errors.MeetingBeforeReviewDue) as refused:
        deliberate("2026-10-20", completed)
    assert refused.value.context["earliest"] == "2026-10-21"
    assert "2026-10-21" in refused.value.message("zh_CN") and "2026-10-12" in refused.value.message("zh_CN")
    assert deliberate("2026-10-21", completed) == {}
    assert deliberate("2026-10-20", {"review_submission": (at("2026-09-23"),)}) == {}  # due 10-10
    with pytest.raises(errors.MeetingBeforeReviewDue) as refused:
        deliberate("2026-10-09", {"review_submission": (at("2026-09-23"),)})
    assert refused.value.context["earliest"] == "2026-10-10"


def test_md26b_the_deliberation_guard_names_the_review_steps_whose_work_items_it_reads():
    assert set(guards.reads("major_decision", "deliberation").completed) == {
        "review_submission", "supplement", "legality_review"}
