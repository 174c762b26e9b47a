"""Keyset pages of the registry, checkpoints, opinions and administration log at the services (issue 21):
the indexes their order needs are the migration's, and a cursor the list did not give is refused naming
the argument that carried it (DF-VIEW), before any row is read."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from engine.domain.errors import CursorInvalid
from engine.persistence import schema

NOT_CURSORS = ("nonsense", "WyJ4Il0", "W10", "WzEsMiwzLDRd")  # junk, ["x"], [], [1,2,3,4]


def test_df_view_the_opinion_and_admin_log_page_indexes_are_made_by_migration_0017a(engine):
    with engine.db.connect() as connection:
        differences = schema.differences(connection)
        opinions = {i["name"]: i["column_names"] for i in inspect(connection).get_indexes("opinions")}
        admin = {i["name"]: i["column_names"] for i in inspect(connection).get_indexes("admin_events")}
    assert differences == []
    assert opinions["ix_opinions_consultation_id_id"] == ["consultation_id", "id"]
    assert admin["ix_admin_events_kind_seq"] == ["kind", "seq"]
    assert "ix_opinions_consultation_id" not in opinions and "ix_admin_events_kind" not in admin


@pytest.fixture
def auditor(engine):  # type: ignore[no-untyped-def]
    engine.people.ensure_organisation("audit_office", "县审计局", "auditor")
    engine.people.ensure_role("auditor", "auditor", "auditor")
    return engine.people.ensure_user("auditor", "audit_office", ["auditor"])


@pytest.mark.parametrize("cursor", NOT_CURSORS)
def test_df_view_the_new_pages_refuse_a_cursor_they_did_not_give_naming_the_field(engine, auditor, cursor):
    calls = {"after": [lambda: engine.registry.entries_page(cursor), lambda: engine.registry.cleanups_page(cursor),
                       lambda: engine.checkpoints.listing_page(cursor),
                       lambda: engine.adminlog.events_page(auditor, after=cursor),
                       lambda: engine.opinions.opinions_page(auditor, 1, cursor)],
             "cleanups_after": [lambda: engine.registry.cleanups_page(cursor, field="cleanups_after")]}
    for field, made in calls.items():
        for call in made:
            with pytest.raises(CursorInvalid) as refused:
                call()
            assert refused.value.field == field and refused.value.rule == "DF-VIEW"


def test_df_view_a_page_of_an_empty_list_is_empty_and_last(engine):
    for page in (engine.registry.entries_page(limit=1), engine.registry.cleanups_page(limit=1),
                 engine.checkpoints.listing_page(limit=1)):
        assert (page.items, page.next) == ((), None)
