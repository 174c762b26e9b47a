"""One home per statute (issue 17): a rule, a refusal and a guard are declared once, in their statute's home.

Adding a rule touches its home (`engine/statutes/<statute>/`), its BPMN or form when it needs a step or
field, its test and the regenerated docs/rules.md (docs/adding-a-rule.md); these tests fail when a rule,
a refusal or a guard is declared a second time or outside its home, or a refusal types a configured
number into its text.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from engine.domain import errors
from engine.domain.rulebook import RULES
from engine.statutes import HOMES, STATUTES, guards, modules
from engine.statutes.limits import Limits

ROOT = Path(__file__).resolve().parents[2]
HOME_OF_PREFIX = {"SC": "major_decision", "ER": "enforcement_review", "RC": "reconsideration", "DF": "decisionflow"}
ENGINE_WIDE = {"MD-33b", "MD-39"}
"""Rules of the law the engine itself keeps for every statute (no step twice, steps in order)."""


def _home_of(rule_id: str) -> str:
    entry = RULES[rule_id]
    if entry.prefix == "MD":
        return "decision_execution" if entry.phase == "execution" else "major_decision"
    if entry.prefix == "ND":
        return "nd_cleanup" if rule_id == "ND-9" else "normative_document"
    return HOME_OF_PREFIX[entry.prefix]


def test_df_statutes_every_rule_is_declared_once_in_its_statute_s_home():
    declared = [(module.__name__.split(".")[2], entry.id) for module in modules("rules") for entry in module.RULES]
    ids = [rule_id for _, rule_id in declared]
    assert sorted(ids) == sorted(RULES) and len(ids) == len(set(ids))
    assert [(home, rule_id) for home, rule_id in declared if home != _home_of(rule_id)] == []


def test_df_statutes_no_rule_and_no_refusal_is_declared_outside_a_home():
    """`Rule(…)` entries live only in `<home>/rules.py`; refusal classes only in `<home>/errors.py`."""
    families = {"DomainError", "NotFound", "Forbidden", "Refused", "Conflict"} | {r.__name__ for r in errors.refusals()}
    outside = []
    for folder in ("engine", "webapp"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            home_file = re.fullmatch(r"engine/statutes/\w+/(rules|errors)\.py", relative)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and relative != "engine/domain/errors.py" and not home_file:
                    bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                    if bases & families:
                        outside.append(f"{relative}: class {node.name}")
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Rule"
                        and not (home_file and relative.endswith("rules.py"))):
                    outside.append(f"{relative}:{node.lineno}: Rule(…)")
    assert outside == []


def test_df_statutes_the_check_would_catch_a_second_declaration():
    from engine.domain.rulebook import _index
    first = next(iter(RULES.values()))
    with pytest.raises(ValueError, match=f"{first.id} is declared twice"):
        _index([first, first])
    assert ("major_decision", "deliberation") in guards.guarded()  # the homes are loaded first
    register = guards.for_statute("major_decision")
    with pytest.raises(ValueError, match="two guards for step kind deliberation"):
        register("deliberation")(lambda c: {})


def test_df_statutes_each_refusal_cites_a_rule_of_its_own_home():
    wrong = []
    for refusal in errors.refusals():
        home = refusal.__module__.split(".")[2]
        cited = _home_of(refusal.rule)
        if cited != home and cited != "decisionflow" and refusal.rule not in ENGINE_WIDE:
            wrong.append(f"{refusal.__name__} ({home}) cites {refusal.rule} of {cited}")
    assert wrong == []


def test_df_statutes_each_refusal_speaks_chinese_and_english():
    assert [r.__name__ for r in errors.refusals() if not r.__dict__.get("en") and not getattr(r, "en", "")] == []
    assert [r.__name__ for r in errors.refusals() if not getattr(r, "zh", "")] == []
    assert errors.RoleRequired is errors.refusals()[[r.__name__ for r in errors.refusals()].index("RoleRequired")]


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Limits)])
def test_df_statutes_a_configured_number_is_never_typed_into_a_refusal(field: str):
    """A refusal that states a limit formats it from the value the guard passes, so a county that
    configures another number sees its own (issue 17: RC-2's "60 days" was typed into the text)."""
    number = str(getattr(Limits(), field))
    typed = [f"{r.__name__}.{lang}" for r in errors.refusals() for lang in ("en", "zh")
             if re.search(rf"(?<![\d.]){re.escape(number)} ?(days|working days|日|个工作日|人|officers)",
                          re.sub(r"\{[^}]*\}", "", getattr(r, lang, "")))]
    assert typed == []


def test_df_statutes_every_statute_has_a_home_with_its_guards():
    guarded = {statute for statute, _ in guards.guarded()}
    assert guarded <= set(STATUTES)
    assert set(STATUTES) - guarded == set()
    assert HOMES[-1] == "decisionflow"


def test_df_statutes_every_date_a_bpmn_may_name_is_one_its_statute_s_guards_write():
    """`TIMER_DATES` and `DUE_DATES` are the names a statute shares with its BPMN: each must be a key its
    own guards write into the derived values, or deploy would accept a timer or due date nothing fills."""
    from engine.bpmn import profiles
    unwritten = []
    for statute in STATUTES:
        guards_py = ROOT / "engine" / "statutes" / statute / "guards.py"
        written = {key.value for node in ast.walk(ast.parse(guards_py.read_text(encoding="utf-8")))
                   if isinstance(node, ast.Dict) for key in node.keys if isinstance(key, ast.Constant)}
        named = profiles.TIMER_DATES.get(statute, frozenset()) | profiles.DUE_DATES.get(statute, frozenset())
        unwritten += [f"{statute}: {name}" for name in sorted(named - written)]
    assert unwritten == []
