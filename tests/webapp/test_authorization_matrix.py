"""Who may call what: every route of the app and every API operation, for every role, anonymous users and
administrators, against one declared table (issue 20: administrators administer).

The routes are read from the app's url_map and the operations from its own OpenAPI document, so a
new endpoint without a line in ACCESS fails `test_df_hardening_every_endpoint_has_a_declared_access`
by name. Each principal holds exactly one role (in the organisation the demo county gives that role);
`admin_old` holds admin and every other role at once, written straight into the database as data from
before DF-ADMIN-SEPARATION would be, and must fare exactly like a plain administrator. A cell is
`allowed` (any answer but a refusal: 200, a redirect elsewhere, 404 for a made-up id, 409, 422 for the
empty form the probe sends), `403`, `login` (a redirect to the login page) or `401` (the API without a
token). Probes send empty forms and bodies, so an allowed POST is refused by validation and changes
nothing the next principal depends on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import text

from engine.core import Engine
from engine.demo import USERS
from engine.demo_procedures import Driver, drive
from engine.domain.roles import ROLES
from engine.services.tasks import Upload
from tests.webapp.site import Browser, login, make_app, password_hash

ANONYMOUS = "anonymous"
ADMIN_OLD = "admin_old"
"""Admin plus every content role, as old data might hold: acts as admin only (DF-ADMIN-SEPARATION)."""
PRINCIPALS = (*ROLES, ADMIN_OLD, ANONYMOUS)
ORG_OF = {role: org for _user, org, _name, roles in reversed(USERS) for role in roles}
"""Each role's principal sits where the demo county first puts that role (the sponsor in dev_reform, which
sponsors the sample procedures); a role the demo gives nobody sits in the government office."""

EVERYONE = frozenset(PRINCIPALS)
USERS_ONLY = EVERYONE - {ANONYMOUS}
STEP = frozenset(ROLES) - {"auditor", "admin", "public", "supervisor"}
REVIEW = frozenset({"legality_reviewer", "legal_adviser", "public_lawyer"})
SPONSOR_UNIT = frozenset({"sponsor"})
INDICATORS = frozenset({"auditor", "legality_reviewer", "head", "decision_organ"})
"""The 法治指数 report (DF-INDICATOR): auditors, the legality review office, the head and the decision organ."""
RECORD = frozenset({"sponsor", "decision_organ", "auditor", "supervisor", "gov_office"})
"""DF-VIEW for the sample procedure (sponsored by dev_reform, at its public comment period): its unit, the
oversight roles, and the government office, whose role did its disclosure step."""


@dataclass(frozen=True)
class Access:
    who: frozenset[str]
    """The principals allowed; every other logged-in principal gets 403."""
    anonymous: str = "login"
    """What an anonymous caller gets when not in `who`: the login page, or 401 from the API."""


def pages(*who: str | frozenset[str]) -> Access:
    return Access(frozenset().union(*[{w} if isinstance(w, str) else w for w in who]))


def api(*who: str | frozenset[str]) -> Access:
    return Access(pages(*who).who, anonymous="401")


PUBLIC = Access(EVERYONE)

ACCESS: dict[tuple[str, str], Access] = {
    # --- open to all --------------------------------------------------------------------------------------
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,  # loopback here; a bearer token when METRICS_TOKEN is set
    ("GET", "/static/<path:filename>"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/language"): PUBLIC,
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/docs"): PUBLIC,
    ("GET", "/public/"): PUBLIC,
    ("GET", "/public/consultations/<id:procedure_id>"): PUBLIC,
    ("POST", "/public/consultations/<id:procedure_id>"): PUBLIC,
    ("GET", "/public/consultations/<id:procedure_id>/documents/<sha256>"): PUBLIC,
    ("GET", "/public/normative-documents"): PUBLIC,
    ("GET", "/public/receipts"): PUBLIC,
    ("GET", "/public/normative-documents/<id:procedure_id>/<sha256>"): PUBLIC,
    ("GET", "/public/checkpoints"): PUBLIC,
    ("GET", "/api/v1/checkpoints"): PUBLIC,
    ("GET", "/api/v1/checkpoints/{checkpoint_seq}"): PUBLIC,
    # --- every logged-in user: their own things -----------------------------------------------------------
    ("GET", "/"): pages(USERS_ONLY),
    ("POST", "/logout"): pages(USERS_ONLY),
    ("GET", "/account/tokens"): pages(USERS_ONLY),
    ("POST", "/account/tokens"): pages(USERS_ONLY),
    ("POST", "/account/tokens/<id:token_id>/revoke"): pages(USERS_ONLY),
    ("GET", "/digest"): pages(USERS_ONLY),
    ("POST", "/digest/email"): pages(USERS_ONLY),
    # --- steps and procedures: never an administrator -----------------------------------------------------
    ("GET", "/tasks"): pages(STEP),
    ("GET", "/tasks/<task_id>"): pages("decision_organ"),
    ("POST", "/tasks/<task_id>"): pages("decision_organ"),
    ("POST", "/tasks/<task_id>/claim"): pages("decision_organ"),
    ("POST", "/tasks/<task_id>/documents/<kind>.<fmt>"): pages("decision_organ"),
    ("GET", "/reviews"): pages(REVIEW),
    ("GET", "/procedures/mine"): pages(SPONSOR_UNIT),
    ("GET", "/procedures/new"): pages(SPONSOR_UNIT),
    ("POST", "/procedures/new"): pages(SPONSOR_UNIT),
    ("POST", "/procedures/cleanup"): pages("legality_reviewer"),
    ("GET", "/procedures/<id:procedure_id>"): pages(RECORD),
    ("GET", "/procedures/<id:procedure_id>/documents/<sha256>"): pages(RECORD),
    ("POST", "/procedures/<id:procedure_id>/withdraw"): pages("decision_organ"),
    ("GET", "/procedures/<id:procedure_id>/opinions/"): pages(SPONSOR_UNIT),
    ("GET", "/procedures/<id:procedure_id>/opinions/statement.html"): pages(SPONSOR_UNIT),
    ("POST", "/procedures/<id:procedure_id>/opinions/publish"): pages(SPONSOR_UNIT),
    ("POST", "/procedures/<id:procedure_id>/opinions/<receipt>/mark"): pages(SPONSOR_UNIT),
    ("POST", "/procedures/<id:procedure_id>/opinions/<receipt>/hide"): pages(SPONSOR_UNIT),
    # --- oversight ----------------------------------------------------------------------------------------
    ("GET", "/audit/"): pages("auditor"),
    ("GET", "/audit/procedures/<id:procedure_id>"): pages("auditor"),
    ("GET", "/audit/procedures/<id:procedure_id>/archive.zip"): pages("auditor"),
    ("GET", "/audit/procedures/<id:procedure_id>/replay"): pages("auditor"),
    ("GET", "/audit/admin-log"): pages("auditor"),
    ("GET", "/supervision"): pages("auditor", "supervisor"),
    ("GET", "/indicators"): pages(INDICATORS),
    ("GET", "/indicators/procedures"): pages(INDICATORS),
    ("GET", "/indicators/annex.<any(pdf, docx):kind>"): pages(INDICATORS),
    ("GET", "/indicators/bulletin.<any(pdf, docx):kind>"): pages(INDICATORS),
    ("POST", "/supervision/remind/<task_id>"): pages("supervisor"),
    # --- administration: administrators only --------------------------------------------------------------
    ("GET", "/admin/users"): pages("admin", ADMIN_OLD),
    ("POST", "/admin/users"): pages("admin", ADMIN_OLD),
    ("POST", "/admin/users/<username>"): pages("admin", ADMIN_OLD),
    ("POST", "/admin/organisations"): pages("admin", ADMIN_OLD),
    ("POST", "/admin/grants/<id:grant_id>/approve"): pages("admin", ADMIN_OLD),
    ("POST", "/admin/grants/<id:grant_id>/reject"): pages("admin", ADMIN_OLD),
    ("GET", "/admin/definitions"): pages("admin", ADMIN_OLD),
    ("GET", "/migrations/"): pages("legality_reviewer", "decision_organ", "auditor"),
    ("POST", "/migrations/check"): pages("legality_reviewer", "decision_organ", "auditor"),
    ("POST", "/migrations/propose"): pages("legality_reviewer"),
    ("POST", "/migrations/<id:proposal_id>/approve"): pages("legality_reviewer", "decision_organ"),
    ("POST", "/migrations/<id:proposal_id>/reject"): pages("legality_reviewer", "decision_organ"),
    # --- the API (bearer tokens) --------------------------------------------------------------------------
    ("GET", "/api/v1/definitions/"): api(USERS_ONLY),
    ("GET", "/api/v1/definitions/{key}"): api(USERS_ONLY),
    ("POST", "/api/v1/definitions/"): api("admin", ADMIN_OLD),
    ("POST", "/api/v1/definitions/check"): api("admin", ADMIN_OLD),
    ("GET", "/api/v1/catalogue/{year}"): api(USERS_ONLY),
    ("GET", "/api/v1/registry"): api(USERS_ONLY),
    ("GET", "/api/v1/registry/cleanups"): api(USERS_ONLY),
    ("GET", "/api/v1/indicators"): api(INDICATORS),
    ("GET", "/api/v1/tokens"): api(USERS_ONLY),
    ("DELETE", "/api/v1/tokens/{token_id}"): api(USERS_ONLY),
    ("GET", "/api/v1/procedures/"): api(USERS_ONLY - {"admin", ADMIN_OLD}),
    ("POST", "/api/v1/procedures/"): api(SPONSOR_UNIT),
    ("GET", "/api/v1/procedures/{procedure_id}"): api(RECORD),
    ("GET", "/api/v1/procedures/{procedure_id}/events"): api(RECORD),
    ("GET", "/api/v1/procedures/{procedure_id}/verify"): api(RECORD),
    ("GET", "/api/v1/procedures/{procedure_id}/documents/{sha256}"): api(RECORD),
    ("POST", "/api/v1/procedures/{procedure_id}/withdraw"): api("decision_organ"),
    ("GET", "/api/v1/tasks/"): api(USERS_ONLY - {"admin", ADMIN_OLD}),
    ("POST", "/api/v1/tasks/{task_id}/claim"): api("decision_organ"),
    ("POST", "/api/v1/tasks/{task_id}/complete"): api("decision_organ"),
    ("POST", "/api/v1/tasks/{task_id}/documents/{kind}.{fmt}"): api("decision_organ"),
    ("GET", "/api/v1/migrations/"): api("legality_reviewer", "decision_organ", "auditor"),
    ("POST", "/api/v1/migrations/check"): api("legality_reviewer", "decision_organ", "auditor"),
    ("POST", "/api/v1/migrations/"): api("legality_reviewer"),
    ("POST", "/api/v1/migrations/{proposal_id}/approve"): api("legality_reviewer", "decision_organ"),
    ("POST", "/api/v1/migrations/{proposal_id}/reject"): api("legality_reviewer", "decision_organ"),
}
"""(method, route) → who may. Pages use the url_map's rule; API operations their OpenAPI path."""

CONTENT = [key for key, access in ACCESS.items()
           if key[1].startswith(("/procedures", "/tasks", "/audit", "/supervision", "/reviews",
                                 "/api/v1/procedures", "/api/v1/tasks", "/api/v1/migrations", "/migrations"))]
"""Every procedure, step, audit and oversight page and API operation: what administrators never see."""

API_PREFIX = "/api/v1/"
NOT_OPERATIONS = {"/api/v1/openapi.json", "/api/v1/docs"}
"""Routes under the API prefix that serve the API's description, not an operation of it."""
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
API_BODIES = {
    ("POST", "/api/v1/definitions/"): {"bpmn": "<not-bpmn/>"},
    ("POST", "/api/v1/definitions/check"): {"bpmn": "<not-bpmn/>"},
    ("POST", "/api/v1/procedures/"): {"definition": "major_decision", "title": "探针", "sponsor_org": "nowhere"},
    ("POST", "/api/v1/procedures/{procedure_id}/withdraw"): {"reason": "探针"},
    ("POST", "/api/v1/tasks/{task_id}/complete"): {"data": {}},
    ("POST", "/api/v1/migrations/check"): {"plan": {"key": "nowhere"}},
    ("POST", "/api/v1/migrations/"): {"plan": {"key": "nowhere"}, "reason": "探针"},
}
"""Bodies that pass the request schema, so the probe reaches the authorization check behind it, and that
the allowed principal's call still refuses (bad BPMN, an unknown unit, an empty form; a withdrawal is
probed on a procedure that was withdrawn already, so the decision organ's call ends in ProcedureEnded)."""
PDF = Upload("研究论证报告.pdf", "application/pdf", b"%PDF-1.4 study report")


def openapi_path(rule: str) -> str:
    """`/api/v1/procedures/<id:procedure_id>` → `/api/v1/procedures/{procedure_id}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def endpoints(app: Flask) -> set[tuple[str, str]]:
    """Every (method, route) of the app: url_map rules, API rules named by their OpenAPI path."""
    found = set()
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & set(METHODS)):
            api_operation = rule.rule.startswith(API_PREFIX) and rule.rule not in NOT_OPERATIONS
            found.add((method, openapi_path(rule.rule) if api_operation else rule.rule))
    return found


def operations(app: Flask) -> set[tuple[str, str]]:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return {(method.upper(), path) for path, item in spec["paths"].items() for method in item
            if method.upper() in METHODS}


def expected(key: tuple[str, str], who: str) -> str:
    access = ACCESS[key]
    if who in access.who:
        return "allowed"
    return access.anonymous if who == ANONYMOUS else "403"


def outcome(response) -> str:  # type: ignore[no-untyped-def]
    """The cell's answer. `login` is the login_required redirect, which names the page to come back to;
    logging out also lands on the login page, without one."""
    status = response.status_code
    if status >= 500 and status != 503:  # 503: /readyz saying no worker runs, on purpose
        return f"{status} (a server error)"
    if status in (401, 403):
        return str(status)
    location = urlsplit(response.headers.get("Location", ""))
    if 300 <= status < 400 and location.path == "/login" and "next=" in location.query:
        return "login"
    return "allowed"


# --- the site the probes run against -----------------------------------------------------------------------

@dataclass(frozen=True)
class Sample:
    """The values that fill the routes' variables: real where authorization depends on the object."""

    values: dict[str, str]


def principal(site: Engine, who: str) -> None:
    """One user per role, holding that role only; `admin_old` holds them all, admin written directly."""
    if who == ADMIN_OLD:
        site.people.ensure_user(ADMIN_OLD, "dev_reform", set(ROLES) - {"admin"}, "旧数据管理员")
        with site.db.begin() as connection:
            connection.execute(text("INSERT INTO user_roles (user_id, role) "
                                    "SELECT id, 'admin' FROM users WHERE username = :u"), {"u": ADMIN_OLD})
    else:
        site.people.ensure_user(f"as_{who}", ORG_OF.get(who, "gov_office"), [who], ROLES[who][0])
    site.people.set_password_hash(username(who), password_hash())


def username(who: str) -> str:
    return who if who == ADMIN_OLD else f"as_{who}"


def sample(site: Engine, clock) -> Sample:  # type: ignore[no-untyped-def]
    """A procedure of dev_reform in its public comment period, with documents and an opinion, and a
    second one whose proposal is done, so its initiation waits for the head of government."""
    sponsor = site.people.actor("sponsor")
    commented = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", sponsor)
    drive(Driver(site, clock, commented.id), "sponsor", "2026-05", "comment")
    receipt = site.consultation.submit(commented.id, "建议增加夜间线路。", None, None, None, "10.0.0.9")
    record = site.record.procedure(site.people.actor("auditor"), commented.id)
    started = site.procedures.start("major_decision", "城区停车收费标准调整", "dev_reform", sponsor)
    site.tasks.complete(started.task("proposal"), sponsor, {"proposal_source": "leadership", "summary": "调整"},
                        {"study_report": PDF})
    task = site.procedures.get(started.id).task("initiation")
    site.people.ensure_user("target", "housing", ["sponsor"], "被管理的用户")
    token = site.tokens.issue(sponsor, "matrix").token.id
    withdrawn = site.procedures.start("major_decision", "已撤回的事项", "dev_reform", sponsor)
    site.procedures.withdraw(withdrawn.id, site.people.actor("head"), "矩阵测试：已撤回")
    return Sample({"procedure_id": str(commented.id), "withdrawn_id": str(withdrawn.id),
                   "sha256": record.documents[0].sha256, "receipt": receipt,
                   "task_id": task, "username": "target", "token_id": str(token), "grant_id": "999999",
                   "key": "major_decision", "year": "2026", "filename": "css/app.css",
                   "checkpoint_seq": "1", "kind": "pdf", "fmt": "docx", "proposal_id": "999999"})


def url(route: str, values: dict[str, str]) -> str:
    return re.sub(r"[<{](?:[^:<>{}]+:)?([^<>{}]+)[>}]", lambda m: values[m.group(1)], route)


def probe(app: Flask, browser: Browser | None, token: str | None, key: tuple[str, str], values: dict[str, str]):
    method, route = key
    if route.endswith("/withdraw"):
        values = {**values, "procedure_id": values["withdrawn_id"]}
    path = url(route, values)
    if route.startswith(API_PREFIX) and route not in NOT_OPERATIONS:
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = API_BODIES.get(key, {}) if method in ("POST", "PUT", "PATCH") else None
        return client.open(path, method=method, headers=headers, json=body)
    assert browser is not None
    if method == "GET":
        return browser.get(path)
    return browser.client.open(path, method=method, data={"csrf_token": browser.token})


def order(key: tuple[str, str]) -> tuple[int, str, str]:
    """Reads first, then writes; logging in and out last, as they change the session itself."""
    method, route = key
    return ({"/login": 2, "/logout": 3}.get(route, 0 if method == "GET" else 1), route, method)


def observe(site: Engine, app: Flask, who: str, values: dict[str, str]) -> dict[tuple[str, str], str]:
    if who == ANONYMOUS:
        browser, token = Browser(app.test_client()), None
        browser.get("/login")
    else:
        browser = login(app, username(who))
        token = site.tokens.issue(site.people.actor(username(who)), "probe").secret
    return {key: outcome(probe(app, browser, token, key, values)) for key in sorted(ACCESS, key=order)}


@pytest.fixture
def matrix_app(site: Engine, clock) -> tuple[Flask, Sample]:  # type: ignore[no-untyped-def]
    for who in PRINCIPALS:
        if who != ANONYMOUS:
            principal(site, who)
    return make_app(site, LOGIN_RATE_LIMIT="1000 per minute"), sample(site, clock)


def undeclared(app: Flask) -> list[str]:
    """What the table misses or no longer matches: routes, API operations, and API routes without an operation."""
    routes = endpoints(app)
    api_rules = {key for key in routes if key[1].startswith(API_PREFIX) and key[1] not in NOT_OPERATIONS}
    return ([f"no access declared for {m} {r}" for m, r in sorted(routes - set(ACCESS))]
            + [f"declared but gone: {m} {r}" for m, r in sorted(set(ACCESS) - routes)]
            + [f"API route without an OpenAPI operation: {m} {r}" for m, r in sorted(api_rules - operations(app))])


def test_df_hardening_every_endpoint_has_a_declared_access(app):
    """A route or an API operation added without a line in ACCESS fails here, by name."""
    assert undeclared(app) == []
    assert len(ACCESS) > 70


def test_df_hardening_a_new_route_without_an_access_line_is_named(site):
    app = make_app(site)
    app.add_url_rule("/admin/export", "export_everything", lambda: "", methods=["GET", "POST"])
    assert undeclared(app) == ["no access declared for GET /admin/export", "no access declared for POST /admin/export"]


def test_df_admin_separation_administrators_are_refused_every_content_endpoint():
    """The table itself says it: no procedure, step, audit or oversight endpoint admits an administrator."""
    assert len(CONTENT) > 30
    assert [key for key in CONTENT if {"admin", ADMIN_OLD} & ACCESS[key].who] == []


def test_df_hardening_every_principal_gets_what_the_table_declares(site, matrix_app):
    app, sample_values = matrix_app
    wrong: dict[str, dict[str, tuple[str, str]]] = {}
    for who in PRINCIPALS:
        seen = observe(site, app, who, sample_values.values)
        cells = {f"{method} {route}": (got, expected((method, route), who)) for (method, route), got in seen.items()
                 if got != expected((method, route), who)}
        if cells:
            wrong[who] = cells
    assert wrong == {}, "(got, expected) per principal and endpoint"
