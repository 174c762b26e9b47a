"""Bounded lists (issue 21): the inbox, the supervision board and procedure search come a page at a time.

Each list is walked page by page with the cursor the previous page gave; the pages together must be the
whole list, in the list's order, with nothing twice — the proof the unpaginated list gave before. Search
must take at most five statements a page, whatever the page holds (no per-row queries).
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import inspect, update

from engine.domain.errors import CursorInvalid
from engine.persistence import schema
from engine.persistence.tables import WorkItem
from tests.conftest import bundle

TITLES = [f"县城公交线路调整方案第{n}号" for n in range(7)]


@pytest.fixture
def started(engine, people):  # type: ignore[no-untyped-def]
    """Seven procedures of review_loop, each with its draft step open for the sponsor's unit."""
    engine.definitions.deploy(*bundle("review_loop.bpmn"), "test")
    return [engine.procedures.start("review_loop", title, "dev_reform", people.sponsor).id for title in TITLES]


def walk(fetch, size):  # type: ignore[no-untyped-def]
    """Every page of a list, following `next` until there is none."""
    pages, cursor = [], None
    while True:
        page = fetch(cursor, size)
        pages.append([getattr(i, "task_id", None) or i.id for i in page.items])
        cursor = page.next
        if cursor is None:
            return pages
        assert len(pages) < 50, "the cursor does not move on"


def test_df_view_inbox_pages_together_are_the_whole_inbox_in_order(engine, people, started):
    whole = [i.task_id for i in engine.tasks.inbox(people.sponsor, limit=200)]
    assert len(whole) == len(started)
    pages = walk(lambda after, n: engine.tasks.inbox_page(people.sponsor, after, n), 3)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [t for p in pages for t in p] == whole


def test_df_view_inbox_keyset_orders_dated_steps_first_then_undated(engine, people, started, clock):
    items = engine.tasks.inbox(people.sponsor)
    dated = {items[4].task_id: clock.now() + timedelta(days=2), items[1].task_id: clock.now() + timedelta(days=1)}
    with engine.db.begin() as connection:  # the inbox reads due dates from work_items alone
        for task_id, due in dated.items():
            connection.execute(update(WorkItem).where(WorkItem.task_id == task_id).values(due_at=due))
    whole = [i.task_id for i in engine.tasks.inbox(people.sponsor)]
    assert whole[:2] == [items[1].task_id, items[4].task_id]
    pages = walk(lambda after, n: engine.tasks.inbox_page(people.sponsor, after, n), 1)
    assert [t for p in pages for t in p] == whole


def test_df_view_inbox_page_holds_only_the_actors_steps(engine, people, started):
    assert engine.tasks.inbox_page(people.outsider).items == ()
    assert engine.tasks.inbox_page(people.reviewer).items == ()


def test_df_supervision_board_pages_together_are_the_whole_board(engine, people, started, clock):
    duban = engine.people.ensure_user("duban", "gov_office", ["supervisor"], "督办员")
    with engine.db.begin() as connection:  # overdue by one to seven days: the board reads work_items' due dates
        for n, task_id in enumerate(i.task_id for i in engine.tasks.inbox(people.sponsor)):
            connection.execute(update(WorkItem).where(WorkItem.task_id == task_id)
                               .values(due_at=clock.now() - timedelta(days=n + 1)))
    whole = engine.supervision.board(duban, limit=200)
    assert len(whole.items) == len(started) and whole.next is None
    pages = walk(lambda after, n: _flat(engine.supervision.board(duban, after=after, limit=n)), 2)
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    assert sorted(t for p in pages for t in p) == sorted(i.task_id for i in whole.items)
    first = [t for p in pages for t in p]
    due = {i.task_id: i.due_at for i in whole.items}
    assert [due[t] for t in first] == sorted(due.values()), "the most overdue come first"


def _flat(board):  # type: ignore[no-untyped-def]
    """A board page as `walk` reads it: its rows by due date (the page groups them), and its cursor."""
    return SimpleNamespace(items=sorted(board.items, key=lambda i: (i.due_at, i.task_id)), next=board.next)


def test_df_view_search_pages_newest_first_in_at_most_five_statements(engine, people, started):
    total, whole = engine.procedures.search(limit=200)
    assert total == len(started) and [v.id for v in whole] == sorted(started, reverse=True)
    counted = []

    def fetch(after, n):  # type: ignore[no-untyped-def]
        engine.counter.reset()
        total, page = engine.procedures.search_page(limit=n, after=after)
        counted.append(engine.counter.statements)
        assert total == len(started)
        return page

    pages = walk(fetch, 3)
    assert [i for p in pages for i in p] == [v.id for v in whole]
    assert max(counted) <= 5
    first = engine.procedures.search_page(limit=3)[1]
    assert all(v.open_items and v.open_items[0].spec == "draft" for v in first.items)


def test_df_view_search_with_a_title_filter_pages_the_matches_only(engine, people, started):
    total, page = engine.procedures.search_page(title="第3号")
    assert total == 1 and [v.id for v in page.items] == [started[3]] and page.next is None


@pytest.mark.parametrize("cursor", ["not-a-cursor", "WzEsMl0", "WyJ4Il0", "W251bGwsbnVsbCxudWxsXQ"])
def test_df_view_a_cursor_the_list_did_not_give_is_refused_naming_the_field(engine, people, started, cursor):
    for call in (lambda: engine.tasks.inbox_page(people.sponsor, cursor),
                 lambda: engine.procedures.search_page(after=cursor)):
        with pytest.raises(CursorInvalid) as refused:
            call()
        assert refused.value.field == "after" and refused.value.rule == "DF-VIEW"
        assert "after" in refused.value.message("zh_CN")


def test_df_view_the_open_item_indexes_are_made_by_migration_0014a(engine):
    with engine.db.connect() as connection:
        differences = schema.differences(connection)
        names = {i["name"]: i for i in inspect(connection).get_indexes("work_items")}
    assert differences == []
    assert names["ix_work_items_open_inbox"]["column_names"] == ["role", "org", "due_at", "task_id"]
    assert names["ix_work_items_open_due"]["column_names"] == ["due_at", "task_id"]


def test_df_view_open_steps_statistics_by_role_and_lane_are_made_by_migration_0017d(engine):
    """PostgreSQL estimates an inbox branch's rows from status, role and org together (migration 0017d), so
    it reads ix_work_items_open_inbox in order up to the page rather than every open step of the role."""
    if engine.db.dialect.name != "postgresql":
        pytest.skip("extended statistics are PostgreSQL's; SQLite plans the page by the index already")
    with engine.db.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT s.stxkind, array_agg(a.attname::text ORDER BY a.attname) FROM pg_statistic_ext s"
            " JOIN pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = ANY(s.stxkeys)"
            " WHERE s.stxname = 'st_work_items_inbox' AND s.stxrelid = 'work_items'::regclass"
            " GROUP BY s.stxkind").one()
    assert sorted(row[0]) == ["f", "m"]  # functional dependencies and most-common-value lists
    assert row[1] == ["org", "role", "status"]
