"""Definitions: check a BPMN file, deploy it as a new version (idempotent by content)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, literal, select, tuple_

from engine import chain
from engine.bpmn.definition import Analysis, CompiledDefinition, analyse
from engine.bpmn.model import NS, parse_xml
from engine.domain.actors import Actor
from engine.domain.errors import DefinitionInvalid, DefinitionNotFound, DeployForbidden
from engine.persistence.tables import Definition
from engine.persistence.uow import UnitOfWork
from engine.services import adminlog, paging
from engine.services.paging import Page
from engine.services.views import DefinitionView

__all__ = ["check", "check_as", "deploy", "deploy_as", "get", "latest", "list_all", "list_page", "source"]


def check(_uow: UnitOfWork | None, bpmn: bytes, forms: Mapping[str, Any]) -> Analysis:
    """The static report of a definition; changes nothing."""
    return analyse(bpmn, forms)


def deploy(uow: UnitOfWork, bpmn: bytes, forms: Mapping[str, Any], deployed_by: str) -> DefinitionView:
    """Deploy a definition: the same content again returns the existing version; a changed
    file becomes version n+1, recorded in the administration log (DF-AUDIT); running
    procedures stay on the version they started on."""
    analysis = analyse(bpmn, forms)
    if not analysis.ok or analysis.compiled is None:
        raise DefinitionInvalid(count=len(analysis.problems), first=str(analysis.problems[0]),
                                problems=[str(p) for p in analysis.problems])
    used = {form_id: forms[form_id] for form_id in sorted(analysis.compiled.forms)}
    bundle = hashlib.sha256(chain.canonical({"bpmn": bpmn.decode("utf-8"), "forms": used})).hexdigest()
    key = analysis.compiled.key
    with uow:
        existing = uow.session.scalars(select(Definition).where(Definition.bundle_sha256 == bundle)).one_or_none()
        if existing is not None:
            return _view(existing, created=False)
        version = (uow.session.scalar(select(func.max(Definition.version)).where(Definition.key == key)) or 0) + 1
        row = Definition(key=key, version=version, name=analysis.compiled.name,
                         sha256=hashlib.sha256(bpmn).hexdigest(), bundle_sha256=bundle,
                         bpmn=bpmn.decode("utf-8"), forms=used, compliance=analysis.compliance,
                         deployed_by=deployed_by, deployed_at=uow.clock.now())
        uow.session.add(row)
        uow.session.flush()
        view = _view(row, created=True)
        adminlog.append(uow, deployed_by, "definition_deployed", f"definition:{key}",
                        {"key": key, "version": version, "name": row.name, "sha256": row.sha256,
                         "bundle_sha256": bundle}, row.deployed_at)
        uow.commit()
        return view


def check_as(_uow: UnitOfWork, actor: Actor, bpmn: bytes, forms: Mapping[str, Any]) -> Analysis:
    """`check` for a user: deploying is the administrators', and so is checking for deployment."""
    if not actor.holds("admin"):
        raise DeployForbidden(username=actor.username)
    return analyse(bpmn, forms)


def deploy_as(uow: UnitOfWork, actor: Actor, bpmn: bytes, forms: Mapping[str, Any]) -> DefinitionView:
    """`deploy` for a user: administrators deploy definitions, nobody else."""
    if not actor.holds("admin"):
        raise DeployForbidden(username=actor.username)
    return deploy(uow, bpmn, forms, actor.username)


def source(uow: UnitOfWork, key: str, version: int | None = None) -> tuple[DefinitionView, str, dict[str, Any]]:
    """A version (the latest by default) with its BPMN and forms, as deployed."""
    with uow.read():
        if version is None:
            row = _latest(uow, key)
        else:
            row = uow.session.scalars(select(Definition).where(Definition.key == key,
                                                               Definition.version == version)).one_or_none()
            if row is None:
                raise DefinitionNotFound(key=f"{key} v{version}")
        return _view(row), row.bpmn, dict(row.forms)


def latest(uow: UnitOfWork, key: str) -> DefinitionView:
    with uow.read():
        row = _latest(uow, key)
        return _view(row)


def get(uow: UnitOfWork, definition_id: int) -> DefinitionView:
    with uow.read():
        row = uow.session.get(Definition, definition_id)
        if row is None:
            raise DefinitionNotFound(key=str(definition_id))
        return _view(row)


def list_all(uow: UnitOfWork) -> list[DefinitionView]:
    """Every deployed version, for the code that needs them all (the names of the keys, which can be started);
    a list shown to a person or another system is `list_page`'s."""
    with uow.read():
        rows = uow.session.scalars(select(Definition).order_by(Definition.key, Definition.version))
        return [_view(r) for r in rows]


def list_page(uow: UnitOfWork, after: str | None = None, limit: int | None = None) -> Page[DefinitionView]:
    """Deployed versions by key and version, one page of `limit` (paging.PAGE_SIZE) at a time, continued
    after the cursor `after` (the last row's (key, version)): the unique (key, version) index serves the
    order and the seek, so a page costs its own rows however many versions were deployed (issue 21)."""
    n = paging.size(limit)
    key = paging.decode(after, (str, int))
    seek = [tuple_(Definition.key, Definition.version) > tuple_(literal(key[0]), literal(key[1]))] if key else []
    with uow.read():
        rows = list(uow.session.scalars(select(Definition).where(*seek)
                                        .order_by(Definition.key, Definition.version).limit(n + 1)))
        more, rows = len(rows) > n, rows[:n]
        return Page(tuple(_view(r) for r in rows), paging.encode(rows[-1].key, rows[-1].version) if more else None)


def _latest(uow: UnitOfWork, key: str) -> Definition:
    row = uow.session.scalars(select(Definition).where(Definition.key == key)
                              .order_by(Definition.version.desc()).limit(1)).one_or_none()
    if row is None:
        raise DefinitionNotFound(key=key)
    return row


def _view(row: Definition, created: bool = False) -> DefinitionView:
    return DefinitionView(row.id, row.key, row.version, row.name, row.sha256, row.deployed_by,
                          row.deployed_at, created)


def load_compiled(uow: UnitOfWork, definition_id: int) -> CompiledDefinition:
    """The compiled definition of a version, from the cache or the database."""
    def load(def_id: int) -> tuple[bytes, dict[str, Any]]:
        row = uow.session.get(Definition, def_id)
        if row is None:
            raise DefinitionNotFound(key=str(def_id))
        return row.bpmn.encode("utf-8"), row.forms

    return uow.engine.definition_cache.get(definition_id, load)


def read_bundle(path: Path) -> tuple[bytes, dict[str, Any]]:
    """A BPMN file and the forms it names, from `forms/` beside it (the `processes/` layout)."""
    bpmn = path.read_bytes()
    forms: dict[str, Any] = {}
    root = parse_xml(bpmn)
    if not hasattr(root, "xpath"):  # malformed XML: `check` reports it with its line
        return bpmn, forms
    names = set(root.xpath(".//spiffworkflow:property[@name='form']/@value", namespaces=NS))
    for name in sorted(names):
        form_path = path.parent / "forms" / f"{name}.json"
        if form_path.is_file():
            try:
                forms[name] = json.loads(form_path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as error:
                problem = f"[form] {form_path}: not valid JSON: {error}"
                raise DefinitionInvalid(count=1, first=problem, problems=[problem]) from error
    return bpmn, forms
