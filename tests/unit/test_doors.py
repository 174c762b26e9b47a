"""Services are the doors and nothing else (DESIGN "The doors"; issue 17 item 3).

Each name a service module exports is bound by `engine.core.Engine` and called with a fresh unit of
work, so each must be a use case that opens its unit of work (`with uow`, `uow.read()`), hands it
to another door, or reads no database at all (named `_uow`, or using only its settings and clock: the
checkpoint files live outside the database). A helper that needs a unit of work
already open (a guard's lookup inside a completion) is not exported: called through the engine it
would run outside any transaction.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from engine import core

BOUND = re.findall(r"_Bound\(self, (\w+)\)", inspect.getsource(core.Engine.__init__))
OPENS_UOW = re.compile(r"\bwith uow\b|\buow\.read\(\)")


def _doors() -> dict[str, set[str]]:
    return {name: set(importlib.import_module(f"engine.services.{name}").__all__) for name in BOUND}


def _door_calls(source: str, module: str, doors: dict[str, set[str]]) -> bool:
    for other, names in doors.items():
        for door in names:
            prefix = "" if other == module else rf"\b{other}\."
            if re.search(rf"{prefix}\b{door}\(uow\b", source):
                return True
    return False


@pytest.mark.parametrize("module", BOUND)
def test_df_doors_every_exported_service_opens_its_unit_of_work(module):
    doors = _doors()
    mod = importlib.import_module(f"engine.services.{module}")
    for name in mod.__all__:
        function = getattr(mod, name)
        if next(iter(inspect.signature(function).parameters)) == "_uow":
            continue  # a door that reads no database (a definition's static check) says so by its `_uow`
        source = inspect.getsource(function)
        body = source.split(":", 1)[1]  # past the signature's first colon: the door's own name is no call
        reads_database = "uow.session" in body or "uow.execute" in body
        assert OPENS_UOW.search(body) or _door_calls(body, module, doors) or not reads_database, (
            f"engine.services.{module}.{name} reads the database but neither opens a unit of work nor calls a door")


def test_df_doors_the_check_would_catch_a_helper_exported_as_a_door():
    helper = "def status(uow, year):\n    return uow.session.scalar(q)\n"
    assert not OPENS_UOW.search(helper.split(":", 1)[1])
    assert not _door_calls(helper.split(":", 1)[1], "catalogue", {"catalogue": {"items"}})
    assert _door_calls("x = record.procedure(uow, actor, 1)", "archive", {"record": {"procedure"}})


def doors_table() -> str:
    """The doors as docs/engine.md lists them: bound name, module, exported names, the module's first sentence."""
    rows = ["| service | doors | what it is for |", "|---|---|---|"]
    for attr, module in re.findall(r"(\w+) = _Bound\(self, (\w+)\)", inspect.getsource(core.Engine.__init__)):
        mod = importlib.import_module(f"engine.services.{module}")
        purpose = (mod.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ").split(". ")[0].rstrip(".")
        names = ", ".join(f"`{n}`" for n in sorted(mod.__all__))
        rows.append(f"| `{attr}` ([{module}.py](../engine/services/{module}.py)) | {names} | {purpose} |")
    return "\n".join(rows) + "\n"


def test_df_doors_docs_list_the_doors_as_they_are():
    text = (Path(__file__).resolve().parents[2] / "docs" / "engine.md").read_text(encoding="utf-8")
    assert doors_table() in text, "docs/engine.md is out of date: run python -m tests.unit.test_doors"


if __name__ == "__main__":  # `python -m tests.unit.test_doors` rewrites the table after a door is added
    path = Path(__file__).resolve().parents[2] / "docs" / "engine.md"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("| service | doors | what it is for |"), text.index("\nThere is no skip, reset")
    path.write_text(text[:start] + doors_table() + text[end:], encoding="utf-8")
