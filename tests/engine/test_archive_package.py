"""The decision archive as an archives bureau takes it in (issue 23 items 3–5): DA/T 46 metadata valid
against its XSD, the record as OFD read back by an independent reader (ofdkit), the four-checks report
in Chinese, and the seal's RFC 3161 token from a real TSA (`openssl ts`), verified offline."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import ofdkit
import pytest
from lxml import etree

from engine import archive_metadata, archive_verify
from engine.core import build_engine
from engine.demo_procedures import Driver, drive
from tests.tsa import local_tsa
from tests.webapp.site import prepare

TITLE = "城区生活垃圾分类管理实施办法"
NS = {"m": archive_metadata.NAMESPACE}


@pytest.fixture
def decided(engine, clock):  # type: ignore[no-untyped-def]
    """A procedure from proposal to archiving (the archiving step records 档号 and 归档日期)."""
    prepare(engine)
    view = engine.procedures.start("major_decision", TITLE, "dev_reform", engine.people.actor("sponsor"))
    drive(Driver(engine, clock, view.id), "sponsor", "2026-05", "archived")
    return view.id


@pytest.fixture
def exported(engine, decided, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "archive.zip"
    path.write_bytes(engine.archive.export(engine.people.actor("auditor"), decided))
    return path


@pytest.fixture(scope="session")
def authority(tmp_path_factory):  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("tsa")


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(path: Path, out: Path, changes: dict[str, bytes | None], mode: int = 0o644) -> Path:
    entries = {**_entries(path), **changes}
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            if data is not None:
                info = zipfile.ZipInfo(name)
                info.external_attr = mode << 16 if name in changes else 0o644 << 16
                archive.writestr(info, data)
    return out


def _report(path: Path, *args: str, capsys) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    status = archive_verify.main([str(path), *args])
    return status, capsys.readouterr().out


def _metadata(path: Path) -> etree._Element:
    return etree.fromstring(_entries(path)["metadata.xml"])


def test_sc4_archive_metadata_is_valid_against_its_xsd_and_describes_the_decision(engine, decided, exported):
    entries = _entries(exported)
    shipped = etree.XMLSchema(etree.fromstring(entries["metadata.xsd"]))
    root = etree.fromstring(entries["metadata.xml"])
    shipped.assertValid(root)
    archive_metadata.schema().assertValid(root)

    def value(name: str) -> str:
        return root.findtext(f"m:{name}", namespaces=NS)

    archiving = [s for s in engine.history.events(decided) if (s.payload.get("data") or {}).get("archive_number")]
    recorded = archiving[-1].payload["data"]
    with ofdkit.open(entries["record.ofd"]) as ofd:
        pages = len(ofd.pages)
    assert (value("题名"), value("件号"), value("保管期限"), value("载体"), value("全宗号")) == (
        TITLE, str(decided), "永久", "电子", engine.settings.fonds)
    assert value("责任者") == "示范县发展和改革局"
    assert (value("档号"), value("归档日期")) == (recorded["archive_number"], recorded["archived_on"])
    assert value("页数") == str(pages) and value("密级") in ("公开", "内部")
    listed = {f.findtext("m:名称", namespaces=NS) for f in root.iterfind("m:组件/m:文件", namespaces=NS)}
    assert listed == set(entries) - {"manifest.json", "seal.json", "metadata.xml"}
    manifest = json.loads(entries["manifest.json"])
    assert {"metadata.xml", "metadata.xsd", "record.ofd"} <= set(manifest["files"])  # sealed with the rest


def test_sc4_metadata_missing_a_required_element_is_refused_by_the_xsd(exported):
    root = _metadata(exported)
    root.remove(root.find("m:题名", namespaces=NS))
    with pytest.raises(etree.DocumentInvalid):
        archive_metadata.schema().assertValid(root)


def test_sc4_the_ofd_record_reads_back_with_an_independent_reader(engine, decided, exported):
    data = _entries(exported)["record.ofd"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {"OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml", "Doc_0/Pages/Page_0/Content.xml"} <= set(
            package.namelist())
        assert "宋体" in package.read("Doc_0/PublicRes.xml").decode("utf-8")
    with ofdkit.open(data) as ofd:
        info, text = ofd.info, ofd.text()
        assert ofd.warnings == []
    assert (info.title, info.author) == (TITLE, "示范县发展和改革局")
    events = engine.history.events(decided)
    for expected in ("重大行政决策档案", TITLE, "一、程序概况", "二、各环节办理情况", "三、历史记录", "四、文件清单",
                     "决策承办单位：示范县发展和改革局", "状态：已办结", events[-1].hash, events[0].hash):
        assert expected in text, expected
    steps = [s.title for s in engine.record.procedure(engine.people.actor("auditor"), decided).steps]
    assert steps and all(title in text for title in steps)


def test_md33a_the_verifier_prints_the_four_checks_in_chinese_and_passes_an_intact_archive(exported, capsys):
    status, out = _report(exported, capsys=capsys)
    assert status == 0 and out.startswith("OK:")
    assert "档案四性检测报告" in out
    for aspect in ("真实性：通过", "完整性：通过", "可用性：通过", "安全性：通过"):
        assert aspect in out
    assert "不通过" not in out and "OFD 版式文件可读" in out and "[提示] 可信时间戳（未加盖可信时间戳）" in out
    english = archive_verify.render(archive_verify.four_checks(str(exported)), "en")
    assert "authenticity: passed" in english and "security: passed" in english


def test_md33b_an_executable_slipped_into_the_package_fails_integrity_and_security(exported, tmp_path, capsys):
    forged = _rewrite(exported, tmp_path / "forged.zip", {"run.sh": b"#!/bin/sh\nrm -rf /\n"}, mode=0o755)
    status, out = _report(forged, capsys=capsys)
    assert status == 1 and out.startswith("FAILED:")
    assert "完整性：不通过" in out and "安全性：不通过" in out and "真实性：通过" in out
    assert "run.sh" in out


def test_md33b_a_script_in_the_record_and_a_missing_ofd_are_named_by_aspect(exported, tmp_path, capsys):
    entries = _entries(exported)
    scripted = entries["record.html"].replace(b"</body>", b"<script>alert(1)</script></body>")
    forged = _rewrite(exported, tmp_path / "forged.zip", {"record.html": scripted, "record.ofd": None})
    status, out = _report(forged, capsys=capsys)
    checks = archive_verify.four_checks(str(forged))
    failed = {(c.aspect, c.item[1]) for c in checks if c.ok is False}
    assert status == 1
    assert ("安全性", "no executable content") in failed and ("可用性", "the OFD record is readable") in failed
    assert ("完整性", "listed files present and unaltered, none extra") in failed
    assert "<script" in out and "record.ofd is missing" in out


def test_md33a_the_seal_carries_an_rfc3161_token_that_openssl_verifies_offline(engine, clock, decided, authority,
                                                                                tmp_path, capsys):
    with local_tsa(authority) as tsa:
        stamping = build_engine(replace(engine.settings, tsa_url=tsa.url, tsa_ca_file=tsa.ca_file), clock)
        try:
            path = tmp_path / "stamped.zip"
            path.write_bytes(stamping.archive.export(engine.people.actor("auditor"), decided))
        finally:
            stamping.dispose()
    seal = json.loads(_entries(path)["seal.json"])
    assert seal["timestamp"]["token"] and seal["timestamp"]["tsa"] == tsa.url
    status, out = _report(path, "--tsa-ca", tsa.ca_file, capsys=capsys)
    assert status == 0 and "[通过] 可信时间戳" in out and "证书链验证通过" in out  # the standard library alone
    status, out = _report(path, capsys=capsys)
    assert status == 0 and "消息摘要相符，签名未验（未给出时间戳机构根证书）" in out

    other = dict(seal, timestamp=seal["timestamp"], signature=seal["signature"][:-2] + "00")
    forged = _rewrite(path, tmp_path / "forged.zip", {"seal.json": json.dumps(other).encode()})
    status, out = _report(forged, "--tsa-ca", tsa.ca_file, capsys=capsys)
    assert status == 1 and "真实性：不通过" in out and "imprint mismatch" in out


def test_md33a_an_archive_is_sealed_without_a_token_when_the_tsa_fails(engine, clock, decided, authority, tmp_path,
                                                                       capsys, caplog):
    with local_tsa(authority, broken=True) as down:
        failing = build_engine(replace(engine.settings, tsa_url=down.url), clock)
        try:
            path = tmp_path / "unstamped.zip"
            path.write_bytes(failing.archive.export(engine.people.actor("auditor"), decided))
        finally:
            failing.dispose()
    seal = json.loads(_entries(path)["seal.json"])
    assert "token" not in seal["timestamp"] and "500" in seal["timestamp"]["error"]
    assert any("no RFC 3161 timestamp" in r.getMessage() for r in caplog.records)
    status, out = _report(path, capsys=capsys)
    assert status == 0 and "[提示] 可信时间戳（时间戳服务未能盖戳，已如实记录" in out
