"""Names, not codes (issue 22 item 4): units by name, people by name and unit, in the pages offices read."""

from __future__ import annotations

from engine.demo_procedures import Driver, drive
from tests.webapp.site import login


def test_df_names_the_procedure_page_names_the_unit_and_the_people_not_their_codes(site, app, clock):
    view = site.procedures.start("major_decision", "县城停车收费标准调整", "dev_reform", site.people.actor("sponsor"))
    drive(Driver(site, clock, view.id), "sponsor", "2026-05", "comment")
    page = login(app, "sponsor").get(f"/procedures/{view.id}").get_data(as_text=True)
    assert "承办单位：示范县发展和改革局" in page and "承办单位：dev_reform" not in page
    assert "张伟（示范县发展和改革局）" in page  # who started it and who did the steps
    assert "由 sponsor " not in page and "· sponsor（" not in page

    audit = login(app, "auditor").get(f"/audit/procedures/{view.id}").get_data(as_text=True)
    assert "<td>张伟（示范县发展和改革局）</td>" in audit and "<td>sponsor</td>" not in audit
    search = login(app, "auditor").get("/audit/?title=停车").get_data(as_text=True)
    assert "<td>示范县发展和改革局</td>" in search and "<td>dev_reform</td>" not in search


def test_df_names_an_account_that_no_longer_exists_keeps_its_username(site, app):
    with app.test_request_context():
        from webapp.names import org_name, person

        assert person("nobody-here") == "nobody-here" and person("system") == "系统"
        assert org_name("dev_reform") == "示范县发展和改革局" and org_name("no_such_unit") == "no_such_unit"
        assert person("head", "county_gov") == "孙县长（示范县人民政府）"


def test_md_33a_a_finished_procedure_reads_as_its_stages_and_prints_as_an_approval_form(site, app, clock):
    """Issue 22 item 1: the stage board on the record page, every legally required stage done."""
    view = site.procedures.start("major_decision", "城区生活垃圾分类管理实施办法", "dev_reform",
                                 site.people.actor("sponsor"))
    drive(Driver(site, clock, view.id), "sponsor", "2026-05", "archived")
    page = login(app, "sponsor").get(f"/procedures/{view.id}").get_data(as_text=True)
    assert "程序概览（审批表）" in page and "data-print" in page
    for stage in ("legality_review", "deliberation", "party_report", "archiving"):
        assert f'<tr class="stage-done" data-stage="{stage}">' in page, stage
    assert "stage-pending" not in page and "stage-undecided" not in page  # a finished procedure owes nothing
    assert "MD-25a" in page and "法定必经" in page


def test_df_names_procedures_are_named_by_their_definition_never_by_its_key(site, app):
    page = login(app, "zhifa").get("/procedures/new").get_data(as_text=True)
    assert ">重大执法决定法制审核</option>" in page and ">enforcement_review</option>" not in page
