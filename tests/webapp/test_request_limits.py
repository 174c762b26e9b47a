"""Request limits at the edge (issue 20): 413 problem+json before the body is read, memory bounded."""

from __future__ import annotations

import io

import pytest

from webapp import body_limit

PROBLEM = "application/problem+json"


class Untouchable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        raise AssertionError("the body of an oversized request was read")


def _raw(app, path: str, length: int | None, stream, token: str = "", **environ):  # type: ignore[no-untyped-def]
    overrides = {"wsgi.input": stream, **environ}
    if length is not None:
        overrides["CONTENT_LENGTH"] = str(length)
    headers = {"Content-Type": "multipart/form-data; boundary=x"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return app.test_client().post(path, environ_overrides=overrides, headers=headers)


def test_df_hardening_the_request_limit_is_set_from_the_document_limit(app, site):
    expected = site.settings.max_document_bytes * body_limit.DOCUMENTS_PER_REQUEST + body_limit.FORM_ALLOWANCE
    assert app.config["MAX_CONTENT_LENGTH"] == expected


@pytest.mark.parametrize("path", ["/api/v1/tasks/1/complete", "/api/v1/procedures/", "/login", "/tasks/1"])
def test_df_hardening_an_oversized_request_is_413_before_its_body_is_read(app, path):
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    response = _raw(app, path, too_big, Untouchable())
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert response.mimetype == PROBLEM and response.json["status"] == 413
    else:
        assert "text/html" in response.content_type


def test_df_hardening_a_chunked_request_without_length_is_cut_off_at_the_limit(app, site):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    token = site.tokens.issue(site.people.actor("sponsor"), "test").secret
    endless = io.BytesIO(b"--x\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n" + b"y" * 100_000)
    response = _raw(app, "/api/v1/tasks/1/complete", None, endless, token, **{"wsgi.input_terminated": True})
    assert response.status_code == 413 and response.mimetype == PROBLEM
    assert endless.tell() <= 4096 + 64 * 1024  # read no further than the limit and one buffer


def test_df_document_one_document_over_the_engines_limit_is_413_naming_the_field(site, app):
    procedure = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                      site.people.actor("sponsor"))
    task = site.procedures.get(procedure.id).task("proposal")
    secret = site.tokens.issue(site.people.actor("sponsor"), "test").secret
    oversized = b"%PDF-1.4 " + b"x" * site.settings.max_document_bytes
    response = app.test_client().post(f"/api/v1/tasks/{task}/complete", headers={"Authorization": f"Bearer {secret}"},
                                      content_type="multipart/form-data",
                                      data={"data": "{}", "study_report": (io.BytesIO(oversized), "report.pdf")})
    assert response.status_code == 413 and response.mimetype == PROBLEM
    assert response.json["rule"] == "DF-DOCUMENT" and response.json["field"] == "study_report"
    assert site.procedures.get(procedure.id).task("proposal") == task  # nothing advanced


def test_df_hardening_the_openapi_document_states_the_size_and_type_limits(app, site):
    info = app.test_client().get("/api/v1/openapi.json").json["info"]
    assert info["x-max-request-bytes"] == app.config["MAX_CONTENT_LENGTH"]
    assert info["x-max-document-bytes"] == site.settings.max_document_bytes
    assert f"each document at most {site.settings.max_document_bytes} bytes" in info["description"]
    assert "PDF, OFD, DOCX" in info["description"]


def test_df_hardening_each_file_input_states_its_types_and_size(site, app):
    from tests.webapp.site import login

    procedure = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                      site.people.actor("sponsor"))
    task = site.procedures.get(procedure.id).task("proposal")
    page = login(app, "sponsor").get(f"/tasks/{task}").get_data(as_text=True)
    assert "可上传 PDF、OFD、DOCX、XLSX、PNG、JPEG 格式，每个文件不超过 1 MB" in page
