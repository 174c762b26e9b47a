"""Administrators administer: admin is held alone (DF-ADMIN-SEPARATION), and the auditor and review roles
are granted by two administrators (DF-FOUR-EYES), every step in the administration log."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from engine.domain.errors import (
    AccountForbidden,
    AdministratorBarred,
    AdminRoleSeparation,
    GrantDecided,
    GrantNotFound,
    GrantSelfApproval,
    RecordForbidden,
)
from engine.persistence.tables import Base
from tests.conftest import DRAFT
from tests.helpers import without_setup

ROLES = ("admin", "auditor", "sponsor", "supervisor", "legality_reviewer", "legal_adviser", "public_lawyer")


@pytest.fixture
def admins(engine):
    """Two administrators, an auditor and a sponsor, set up directly (set-up is not an administrative act)."""
    engine.people.ensure_organisation("gov_office", "县人民政府办公室", "gov_office")
    engine.people.ensure_organisation("justice", "县司法局", "review_office")
    for role in ROLES:
        engine.people.ensure_role(role, role, role)
    engine.people.ensure_user("zhou_min", "justice", ["sponsor"], "周敏")
    engine.people.ensure_user("auditor", "gov_office", ["auditor"])
    return (engine.people.ensure_user("admin", "gov_office", ["admin"]),
            engine.people.ensure_user("admin2", "gov_office", ["admin"]))


def accounts_state(engine) -> tuple[object, ...]:
    """Everything an account refusal must leave untouched."""
    with engine.db.connect() as connection:
        return tuple(tuple(tuple(r) for r in connection.execute(text(sql))) for sql in (
            "SELECT username, active FROM users ORDER BY username",
            "SELECT user_id, role FROM user_roles ORDER BY user_id, role",
            "SELECT id, user_id, role, status, decided_by FROM role_grants ORDER BY id",
            "SELECT seq FROM admin_events ORDER BY seq"))


def log(engine, kind: str | None = None):
    """The entries administrators wrote (set-up's, by `setup`, are left out)."""
    return without_setup(engine.adminlog.events(engine.people.actor("auditor"), kind=kind))


def held(engine, username: str) -> frozenset[str]:
    return engine.people.actor(username).roles


def give_directly(engine, username: str, role: str) -> None:
    """What data from before DF-ADMIN-SEPARATION (or an insert behind the services) may hold."""
    with engine.db.begin() as connection:
        connection.execute(text("INSERT INTO user_roles (user_id, role) "
                                "SELECT id, :role FROM users WHERE username = :username"),
                           {"role": role, "username": username})


# --- DF-ADMIN-SEPARATION ----------------------------------------------------------------------------------

@pytest.mark.parametrize("grant", [["admin", "auditor"], ["admin", "sponsor"], ["admin", "supervisor", "sponsor"]])
def test_df_admin_separation_a_new_user_never_holds_admin_beside_another_role(engine, admins, grant):
    admin, _ = admins
    before = accounts_state(engine)
    with pytest.raises(AdminRoleSeparation) as refused:
        engine.accounts.create_user(admin, "wang_li", "王丽", "gov_office", grant, "h")
    assert refused.value.rule == "DF-ADMIN-SEPARATION"
    assert refused.value.field == "roles"
    assert refused.value.context["roles"] == ", ".join(sorted(set(grant) - {"admin"}))
    assert "系统管理员" in refused.value.message()
    assert accounts_state(engine) == before


def test_df_admin_separation_update_refuses_admin_with_a_content_role_either_way(engine, admins):
    admin, _ = admins
    before = accounts_state(engine)
    with pytest.raises(AdminRoleSeparation) as refused:  # the finding of issue 20: admin makes itself an auditor
        engine.accounts.update_user(admin, "admin", grant=["admin", "auditor"])
    assert (refused.value.rule, refused.value.field) == ("DF-ADMIN-SEPARATION", "roles")
    with pytest.raises(AdminRoleSeparation):  # a sponsor made administrator keeps no content role
        engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", "admin"])
    with pytest.raises(AdminRoleSeparation):
        engine.accounts.update_user(admin, "admin2", grant=["admin", "supervisor"])
    assert accounts_state(engine) == before
    assert held(engine, "admin") == {"admin"}


def test_df_admin_separation_seeding_refuses_admin_with_another_role(engine, admins):
    before = accounts_state(engine)
    with pytest.raises(AdminRoleSeparation):
        engine.people.ensure_user("root", "gov_office", ["admin", "auditor"])
    assert accounts_state(engine) == before


def test_df_admin_separation_an_old_account_with_both_acts_as_admin_only(engine, people, review_loop, admins):
    admin, _ = admins
    procedure = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)
    engine.people.ensure_user("auditor2", "gov_office", ["auditor"])
    assert engine.record.procedure(engine.people.actor("auditor2"), procedure.id).procedure.id == procedure.id
    give_directly(engine, "admin2", "auditor")

    mixed = engine.people.actor("admin2")
    assert mixed.roles == {"admin"}  # the database says admin and auditor; the engine acts on admin only
    with pytest.raises(RecordForbidden) as refused:
        engine.record.procedure(mixed, procedure.id)
    assert refused.value.rule == "DF-VIEW"
    with pytest.raises(RecordForbidden):
        engine.record.document(mixed, procedure.id, "0" * 64)
    with pytest.raises(AdministratorBarred):
        engine.tasks.inbox(mixed)
    with pytest.raises(AdministratorBarred):
        engine.procedures.search_visible(mixed)
    assert [u.roles for u in engine.accounts.users_page(admin, "admin2")] == [("admin", "auditor")]

    with pytest.raises(AdminRoleSeparation):  # saving the account as it is would keep both
        engine.accounts.update_user(admin, "admin2", grant=["admin", "auditor"])
    engine.accounts.update_user(admin, "admin2", grant=["admin"])  # removing the content role needs no approval
    [entry] = log(engine, "roles_changed")
    assert entry.payload == {"before": ["admin", "auditor"], "after": ["admin"], "added": [], "removed": ["auditor"]}


# --- DF-FOUR-EYES -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["auditor", "legality_reviewer", "legal_adviser", "public_lawyer"])
def test_df_four_eyes_a_second_administrator_approves_the_grant(engine, admins, role):
    admin, admin2 = admins
    view = engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", role])
    assert (view.roles, view.pending) == (("sponsor",), (role,))
    assert held(engine, "zhou_min") == {"sponsor"}  # asked for, not held
    [grant] = engine.grants.pending(admin2)
    assert (grant.username, grant.role, grant.requested_by) == ("zhou_min", role, "admin")
    assert [u.pending for u in engine.accounts.users_page(admin2, limit=200) if u.username == "zhou_min"] == [(role,)]

    before = accounts_state(engine)
    with pytest.raises(GrantSelfApproval) as refused:
        engine.grants.approve(admin, grant.id)
    assert refused.value.rule == "DF-FOUR-EYES"
    assert accounts_state(engine) == before

    engine.grants.approve(admin2, grant.id)
    assert held(engine, "zhou_min") == {"sponsor", role}
    assert engine.grants.pending(admin) == []
    with pytest.raises(GrantDecided) as twice:
        engine.grants.approve(admin2, grant.id)
    assert twice.value.rule == "DF-FOUR-EYES" and "已批准" in twice.value.message()
    kinds = [(e.kind, e.actor) for e in log(engine)]
    assert kinds == [("grant_requested", "admin"), ("grant_approved", "admin2")]
    requested, approved = log(engine)
    assert requested.payload == {"grant": grant.id, "role": role, "roles": ["sponsor"]}
    assert approved.payload == {"grant": grant.id, "role": role, "requested_by": "admin",
                                "before": ["sponsor"], "after": sorted(["sponsor", role])}
    assert approved.subject == "user:zhou_min"
    assert engine.adminlog.verify().ok


def test_df_four_eyes_a_rejected_grant_gives_nothing_and_is_logged(engine, admins):
    admin, admin2 = admins
    engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", "auditor"])
    [grant] = engine.grants.pending(admin)
    engine.grants.reject(admin2, grant.id)
    assert held(engine, "zhou_min") == {"sponsor"}
    [rejected] = log(engine, "grant_rejected")
    assert (rejected.actor, rejected.payload) == ("admin2", {"grant": grant.id, "role": "auditor",
                                                              "requested_by": "admin", "roles": ["sponsor"]})
    before = accounts_state(engine)
    with pytest.raises(GrantDecided):
        engine.grants.approve(admin2, grant.id)
    with pytest.raises(GrantNotFound):
        engine.grants.approve(admin2, grant.id + 100)
    assert accounts_state(engine) == before


def test_df_four_eyes_the_requester_may_withdraw_but_not_approve(engine, admins):
    admin, _ = admins
    engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", "legal_adviser"])
    [grant] = engine.grants.pending(admin)
    engine.grants.reject(admin, grant.id)
    assert held(engine, "zhou_min") == {"sponsor"} and engine.grants.pending(admin) == []


def test_df_four_eyes_a_new_user_asks_for_the_review_roles_and_holds_the_rest(engine, admins):
    admin, admin2 = admins
    view = engine.accounts.create_user(admin, "wang_li", "王丽", "justice",
                                       ["legality_reviewer", "supervisor", "public_lawyer"], "h")
    assert (view.roles, view.pending) == (("supervisor",), ("legality_reviewer", "public_lawyer"))
    assert held(engine, "wang_li") == {"supervisor"}
    created, *asked = log(engine)
    assert (created.kind, created.payload["roles"]) == ("user_created", ["supervisor"])
    assert [(e.kind, e.payload["role"]) for e in asked] == [("grant_requested", "legality_reviewer"),
                                                             ("grant_requested", "public_lawyer")]
    for grant in engine.grants.pending(admin2):
        engine.grants.approve(admin2, grant.id)
    assert held(engine, "wang_li") == {"supervisor", "legality_reviewer", "public_lawyer"}


def test_df_four_eyes_asking_again_makes_no_second_request(engine, admins):
    admin, _ = admins
    engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", "auditor"])
    view = engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", "auditor"])
    assert view.pending == ("auditor",)
    assert len(engine.grants.pending(admin)) == 1
    assert [e.kind for e in log(engine)] == ["grant_requested"]


def test_df_four_eyes_a_second_pending_grant_is_refused_by_the_database(engine, admins):
    admin, _ = admins
    engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", "auditor"])
    with pytest.raises(IntegrityError), engine.db.begin() as connection:
        connection.execute(text("INSERT INTO role_grants (user_id, role, status, requested_by, requested_at) "
                                "SELECT user_id, role, 'pending', 'admin2', requested_at FROM role_grants"))


def test_df_four_eyes_revocation_takes_effect_at_once(engine, admins):
    admin, _ = admins
    engine.people.ensure_user("zhou_min", "justice", ["sponsor", "auditor"])
    view = engine.accounts.update_user(admin, "zhou_min", grant=["sponsor"])
    assert (view.roles, view.pending) == (("sponsor",), ())
    assert held(engine, "zhou_min") == {"sponsor"}
    assert engine.grants.pending(admin) == []
    [entry] = log(engine)
    assert (entry.kind, entry.payload) == ("roles_changed", {"before": ["auditor", "sponsor"], "after": ["sponsor"],
                                                             "added": [], "removed": ["auditor"]})


def test_df_four_eyes_approval_refused_when_the_user_has_become_an_administrator(engine, admins):
    admin, admin2 = admins
    engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", "auditor"])
    [grant] = engine.grants.pending(admin)
    engine.accounts.update_user(admin, "zhou_min", grant=["admin"])
    before = accounts_state(engine)
    with pytest.raises(AdminRoleSeparation):
        engine.grants.approve(admin2, grant.id)
    assert accounts_state(engine) == before
    engine.grants.reject(admin2, grant.id)


def test_df_four_eyes_only_administrators_see_and_decide_grants(engine, admins):
    admin, _ = admins
    engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", "auditor"])
    [grant] = engine.grants.pending(admin)
    auditor = engine.people.actor("auditor")
    before = accounts_state(engine)
    for call in (lambda: engine.grants.pending(auditor), lambda: engine.grants.approve(auditor, grant.id),
                 lambda: engine.grants.reject(auditor, grant.id)):
        with pytest.raises(AccountForbidden):
            call()
    assert accounts_state(engine) == before


def test_df_four_eyes_the_role_grants_table_is_made_by_migration_0011(engine):
    with engine.db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "role_grants" in str(d)] == []
