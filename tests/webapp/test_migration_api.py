"""/api/v1/migrations: the dry run, the proposal and the second person's approval over the REST API (DF-MIGRATE-*).

The target is an edited copy of processes/major_decision.bpmn (made with lxml in a tmp dir).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree

from engine.services.definitions import read_bundle
from tests.webapp.site import PROCESSES, login
from tests.webapp.test_api import PROBLEM, as_user  # noqa: F401  (the fixture)


def _retitled(tmp_path: Path, element: str, title: str) -> tuple[bytes, dict[str, object]]:
    folder = tmp_path / "v2"
    shutil.copytree(PROCESSES / "forms", folder / "forms")
    tree = etree.parse(str(PROCESSES / "major_decision.bpmn"))
    found = tree.getroot().xpath(f"//*[@id='{element}']")
    assert len(found) == 1
    found[0].set("name", title)
    tree.write(str(folder / "major_decision.bpmn"), xml_declaration=True, encoding="UTF-8")
    return read_bundle(folder / "major_decision.bpmn")


def test_df_migrate_api_check_propose_approve_and_refusals(site, app, as_user, tmp_path):  # noqa: F811
    procedure = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                      site.people.actor("sponsor"))
    item = procedure.open_items[0]
    source = site.definitions.latest("major_decision").version
    target = site.definitions.deploy(*_retitled(tmp_path, item.spec, "提出决策建议（2025年规则）"), "test").version
    plan = {"key": "major_decision", "source_version": source, "target_version": target,
            "procedures": [procedure.id]}
    reviewer, head, sponsor = as_user("reviewer"), as_user("head"), as_user("sponsor")

    response = reviewer("post", "/migrations/check", json={"plan": plan})
    assert response.status_code == 200, response.json
    report, = response.json
    assert report["lawful"] and {"DF-MIGRATE-POSITION", "DF-MIGRATE-FORM"} <= {f["rule"] for f in report["findings"]}

    response = sponsor("post", "/migrations/check", json={"plan": plan})
    assert response.status_code == 403 and response.json["rule"] == "DF-MIGRATE-APPROVAL"
    response = reviewer("post", "/migrations/check", json={"plan": {**plan, "target_version": 99}})
    assert response.status_code == 422 and response.content_type == PROBLEM
    assert response.json["rule"] == "DF-MIGRATE-PLAN" and response.json["field"] == "target_version"

    response = reviewer("post", "/migrations/", json={"plan": plan, "reason": "新规定施行"})
    assert response.status_code == 201, response.json
    proposal = response.json["id"]
    response = reviewer("post", f"/migrations/{proposal}/approve")
    assert response.status_code == 403 and response.json["rule"] == "DF-MIGRATE-APPROVAL"
    assert site.procedures.get(procedure.id).definition_version == source

    response = head("post", f"/migrations/{proposal}/approve")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved" and response.json["results"][0]["migrated"]
    moved = site.procedures.get(procedure.id)
    assert moved.definition_version == target and moved.open_items[0].title == "提出决策建议（2025年规则）"
    assert site.history.verify(procedure.id).ok
    assert [f for f in site.history.findings() if f.procedure_id == procedure.id] == []
    response = head("post", f"/migrations/{proposal}/approve")
    assert response.status_code == 409 and response.json["rule"] == "DF-MIGRATE-APPROVAL"
    assert reviewer("get", "/migrations/").json[0]["id"] == proposal
    page = login(app, "head").get(f"/procedures/{procedure.id}").get_data(as_text=True)
    assert "迁移至新版本流程定义的记录" in page and "新规定施行" in page and f"v{source} → v{target}" in page


def test_df_migrate_review_office_page_dry_run_propose_and_second_person_approves(site, app, tmp_path):
    import json

    procedure = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                      site.people.actor("sponsor"))
    source = site.definitions.latest("major_decision").version
    target = site.definitions.deploy(*_retitled(tmp_path, procedure.open_items[0].spec, "新标题"), "test").version
    plan = json.dumps({"key": "major_decision", "source_version": source, "target_version": target,
                       "procedures": [procedure.id]})
    reviewer = login(app, "reviewer")
    reviewer.get("/migrations/")
    page = reviewer.post("/migrations/check", {"plan": plan}).get_data(as_text=True)
    assert "可以依法迁移" in page and "DF-MIGRATE-POSITION" in page
    response = reviewer.post("/migrations/check", {"plan": "{not json"})
    assert response.status_code == 422 and "DF-MIGRATE-PLAN" in response.get_data(as_text=True)
    assert reviewer.post("/migrations/propose", {"plan": plan, "reason": "新规定施行"}).status_code == 302
    proposal = site.migration.proposals(site.people.actor("reviewer")).items[0].id
    response = reviewer.post(f"/migrations/{proposal}/approve", {})
    assert response.status_code == 403 and "DF-MIGRATE-APPROVAL" in response.get_data(as_text=True)
    head = login(app, "head")
    head.get("/migrations/")
    assert head.post(f"/migrations/{proposal}/approve", {}).status_code == 302
    assert site.procedures.get(procedure.id).definition_version == target
    assert "已迁移" in head.get("/migrations/").get_data(as_text=True)
