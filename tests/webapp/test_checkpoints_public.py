"""The signed checkpoints are public (DF-CHECKPOINT): a page and an API anyone reads without logging in."""

from __future__ import annotations

import json

from engine import checkpoint
from engine.signing import KeyRing


def test_df_integrity_checkpoint_page_lists_them_without_login_in_chinese(site, app, clock):
    client = app.test_client()
    empty = client.get("/public/checkpoints")
    assert empty.status_code == 200 and "尚未生成检查点" in empty.get_data(as_text=True)
    made = site.checkpoints.make()
    page = client.get("/public/checkpoints").get_data(as_text=True)
    [key] = KeyRing(site.settings.key_dir).listed()
    assert "记录的签名检查点" in page and made.root in page and key.public_key in page
    assert f"<td>{key.algorithm}</td>" in page and key.algorithm == "SM2-SM3"  # the suite's signature, named
    assert f'href="/api/v1/checkpoints/{made.seq}"' in page
    english = client.get("/public/checkpoints", headers={"Accept-Language": "en"})
    assert english.status_code == 200


def test_df_integrity_checkpoint_api_serves_each_signed_file_without_a_token(site, app, clock):
    first = site.checkpoints.make()
    clock.advance(hours=1)
    second = site.checkpoints.make()
    client = app.test_client()

    listed = client.get("/api/v1/checkpoints")
    assert listed.status_code == 200
    assert [(c["seq"], c["root"], c["key_id"]) for c in listed.get_json()] == [
        (second.seq, second.root, second.key_id), (first.seq, first.root, first.key_id)]
    signed = client.get(f"/api/v1/checkpoints/{first.seq}")
    assert signed.status_code == 200 and signed.mimetype == "application/json"
    assert signed.get_data() == site.checkpoints.document(first.seq)  # byte for byte, to keep
    [key] = KeyRing(site.settings.key_dir).listed()
    assert checkpoint.problems(json.loads(signed.get_data()), {key.key_id: key.public_key}, None) == []
    missing = client.get("/api/v1/checkpoints/99")
    assert missing.status_code == 404 and missing.get_json()["rule"] == "DF-NOT-FOUND"


def test_df_integrity_checkpoint_api_is_documented_as_open(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/checkpoints", "/api/v1/checkpoints/{checkpoint_seq}"):
        assert spec["paths"][path]["get"]["security"] == [], path
