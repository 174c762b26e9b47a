"""Every list and API collection is keyset-paginated (issue 21 item 2), and a new one cannot slip in unpaged.

Every GET route of the app is declared here: a collection (PAGED, with the user who may read it), or not a
collection, with what it is. A route in neither fails `test_df_view_every_route_is_declared_paged_or_not_a_list`
by name. Each PAGED route is then asked for a page after a cursor it never gave: it must refuse it naming
the field (422, DF-VIEW), which only a route that reads and checks a cursor does. The walks that prove each
list visits every row once are beside each list (test_keyset_pages, test_keyset_walk_a, test_keyset_walk_b,
test_admin_users_page, test_public_portal_pages).
"""

from __future__ import annotations

from tests.webapp import test_admin_roles
from tests.webapp.site import Browser, login
from tests.webapp.test_authorization_matrix import endpoints

ANONYMOUS = None
PAGED: dict[str, str | None] = {
    # pages: route -> who reads it (None: no login)
    "/public/": ANONYMOUS,
    "/public/normative-documents": ANONYMOUS,
    "/public/checkpoints": ANONYMOUS,
    "/tasks": "sponsor",
    "/reviews": "reviewer",
    "/procedures/mine": "sponsor",
    "/procedures/<id:procedure_id>/opinions/": "sponsor",
    "/audit/": "auditor",
    "/audit/admin-log": "auditor",
    "/supervision": "duban",
    "/indicators/procedures": "auditor",
    "/migrations/": "auditor",
    "/account/tokens": "sponsor",
    "/admin/users": "admin",
    "/admin/definitions": "admin",
    # the API: operation path -> whose token
    "/api/v1/tasks/": "sponsor",
    "/api/v1/procedures/": "auditor",
    "/api/v1/procedures/{procedure_id}/events": "auditor",
    "/api/v1/definitions/": "auditor",
    "/api/v1/catalogue/{year}": "sponsor",
    "/api/v1/registry": "auditor",
    "/api/v1/registry/cleanups": "auditor",
    "/api/v1/tokens": "sponsor",
    "/api/v1/migrations/": "auditor",
    "/api/v1/checkpoints": "auditor",
}
QUERY = {"/indicators/procedures": "indicator=md_taken&from=2026-01-01&to=2026-12-31&"}
"""What a paged route needs besides the cursor: the figure whose procedures it lists."""
NOT_A_LIST: dict[str, str] = {
    "/healthz": "a status", "/readyz": "a status", "/metrics": "the process's counters",
    "/static/<path:filename>": "a file", "/login": "a form", "/api/v1/openapi.json": "the API's description",
    "/api/v1/docs": "the API's description", "/": "the first page of my steps and of the board, linking on",
    "/digest": "at most DIGEST_ROWS steps and reminders, linking to my steps",
    "/procedures/new": "a form; the options are the unit's own published catalogue items of the year",
    "/public/consultations/<id:procedure_id>": "one call",
    "/public/consultations/<id:procedure_id>/documents/<sha256>": "one document",
    "/public/receipts": "one receipt, looked up by its number",
    "/public/normative-documents/<id:procedure_id>/<sha256>": "one document",
    "/api/v1/checkpoints/{checkpoint_seq}": "one checkpoint",
    "/tasks/<task_id>": "one step", "/procedures/<id:procedure_id>": "one procedure's record",
    "/procedures/<id:procedure_id>/documents/<sha256>": "one document",
    "/procedures/<id:procedure_id>/opinions/statement.html": "one document, the adoption statement",
    "/audit/procedures/<id:procedure_id>": "one procedure's record",
    "/audit/procedures/<id:procedure_id>/archive.zip": "one archive package",
    "/audit/procedures/<id:procedure_id>/replay": "one procedure at one event",
    "/indicators": "one report of figures", "/indicators/annex.<any(pdf, docx):kind>": "one document",
    "/indicators/bulletin.<any(pdf, docx):kind>": "one document",
    "/api/v1/definitions/{key}": "one definition", "/api/v1/indicators": "one report of figures",
    "/api/v1/procedures/{procedure_id}": "one procedure",
    "/api/v1/procedures/{procedure_id}/verify": "one chain's check",
    "/api/v1/procedures/{procedure_id}/documents/{sha256}": "one document",
}

procedure_id = test_admin_roles.procedure_id
"""The fixture: a major decision at its public comment period, sponsored by the sponsor's unit."""


def test_df_view_every_route_is_declared_paged_or_not_a_list(app):
    gets = {route for method, route in endpoints(app) if method == "GET"}
    assert sorted(gets - PAGED.keys() - NOT_A_LIST.keys()) == [], "a GET route is neither paged nor declared"
    assert sorted((PAGED.keys() | NOT_A_LIST.keys()) - gets) == [], "a declared route no longer exists"
    assert not PAGED.keys() & NOT_A_LIST.keys()


def test_df_view_every_paged_route_reads_its_cursor_and_refuses_one_it_did_not_give(site, app, procedure_id):
    refused, clients = {}, {}
    for route, who in PAGED.items():
        path = (route.replace("<id:procedure_id>", str(procedure_id)).replace("{procedure_id}", str(procedure_id))
                .replace("{year}", "2026"))
        if route.startswith("/api/"):
            secret = site.tokens.issue(site.people.actor(who), "probe").secret
            response = app.test_client().get(f"{path}?after=nonsense", headers={"Authorization": f"Bearer {secret}"})
            body = response.get_json() or {}
            refused[route] = (response.status_code, body.get("rule"), body.get("field"))
        else:
            if who not in clients:
                clients[who] = Browser(app.test_client()) if who is None else login(app, who)
            response = clients[who].get(f"{path}?{QUERY.get(route, '')}after=nonsense")
            html = response.get_data(as_text=True)
            refused[route] = (response.status_code, "DF-VIEW" if "DF-VIEW" in html else None, "after")
    wrong = {route: got for route, got in refused.items() if got != (422, "DF-VIEW", "after")}
    assert wrong == {}, "these lists ignore or mishandle a cursor they never gave"
