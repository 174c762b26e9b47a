"""The rulebook is the complete catalogue of ../shared/domain/regulation.md, and every error cites it."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

import engine.domain.errors as errors
from engine.domain.rulebook import (
    CERTAINTY,
    DECISION_MAKING_PHASES,
    MD_PHASES,
    PHASES,
    RULES,
    Rule,
    decision_making,
    rule,
)

# The specification lives beside the checkout (../shared/domain/regulation.md), where CI lays it;
# DF_REGULATION names another copy.
REGULATION = Path(os.environ.get("DF_REGULATION")
                  or Path(__file__).resolve().parents[3] / "shared" / "domain" / "regulation.md")

_RULE_LINE = re.compile(r"^\*\*((?:MD|SC|ND|ER|RC)-\d+[a-z]?)\*\*\s*—\s*(.*)$")
_MARK = re.compile(r"\[([VSMP])(?:/([VSMP]))?[^\]]*\]")
_WEAKEST_LAST = "VSMP"  # verified, secondary, memory, project reading
_CJK = re.compile(r"[\u4e00-\u9fff]")

# The §3 subheadings of regulation.md and the phases their MD rules may have.
_MD_HEADINGS = {
    "Scope and catalogue": {"scope"},
    "Initiation": {"initiation"},
    "Drafting": {"drafting"},
    "Public participation": {"participation"},
    "Expert argumentation": {"expert"},
    "Risk assessment": {"risk"},
    "Legality review": {"legality"},
    "Deliberation and decision": {"deliberation", "report_publication_archive"},
    "Execution and adjustment": {"execution"},
    "Liability: what the record must prove": {"liability"},
}


@cache
def _regulation() -> dict[str, dict[str, str]]:
    """Rule id → {"text": the rule's paragraph up to "Engine:", "section": "## …", "heading": "### …"}, in order."""
    if not REGULATION.exists():
        reason = (f"{REGULATION} is absent: cannot compare the rulebook with the regulation "
                  "(set DF_REGULATION to its path)")
        if os.environ.get("CI"):  # CI always has the regulation beside the clone: its absence is a failure
            pytest.fail(reason)
        print(reason)
        pytest.skip(reason)
    rules: dict[str, dict[str, str]] = {}
    section = heading = ""
    current: dict[str, str] | None = None
    for line in REGULATION.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section, heading, current = line[3:], "", None
        elif line.startswith("### "):
            heading, current = line[4:], None
        elif match := _RULE_LINE.match(line):
            assert match[1] not in rules, f"{match[1]} is defined twice in regulation.md"
            current = rules[match[1]] = {"text": match[2], "section": section, "heading": heading}
        elif not line.strip() or line.startswith("---"):
            current = None
        elif current is not None:
            current["text"] += " " + line.strip()
    for entry in rules.values():
        entry["text"] = entry["text"].split("Engine:", 1)[0]
    return rules


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _md_number(rule_id: str) -> int:
    return int(re.fullmatch(r"MD-(\d+)[a-z]?", rule_id)[1])


# --- the catalogue matches regulation.md ------------------------------------------------------

def test_regulation_defines_the_expected_families():
    ids = list(_regulation())
    prefixes = {rule_id.split("-")[0] for rule_id in ids}
    assert prefixes == {"MD", "SC", "ND", "ER", "RC"}
    assert ids[0] == "MD-2" and "MD-33b" in ids and "RC-15" in ids


def test_every_rule_of_the_regulation_is_in_the_rulebook():
    missing = [rule_id for rule_id in _regulation() if rule_id not in RULES]
    assert not missing, f"rules of regulation.md without an entry in engine/domain/rulebook.py: {missing}"


def test_every_legal_rule_in_the_rulebook_is_in_the_regulation():
    extra = [rule_id for rule_id in RULES if not rule_id.startswith("DF-") and rule_id not in _regulation()]
    assert not extra, f"rulebook entries that regulation.md does not define: {extra}"


def test_certainty_is_the_weakest_mark_regulation_md_gives_the_rule():
    wrong = {}
    for rule_id, entry in _regulation().items():
        letters = [letter for match in _MARK.finditer(entry["text"]) for letter in match.groups() if letter]
        if not letters and entry["section"].startswith(("3.", "7.")):
            letters = ["V"]  # §3 "all [V] unless marked", §7 "all [V]"
        assert letters, f"{rule_id}: regulation.md gives it no certainty mark"
        expected = max(letters, key=_WEAKEST_LAST.index)
        if RULES[rule_id].certainty != expected:
            wrong[rule_id] = (RULES[rule_id].certainty, expected)
    assert not wrong, f"certainty (rulebook, regulation.md): {wrong}"


def test_md_phase_fits_the_regulation_heading():
    for rule_id, entry in _regulation().items():
        if rule_id.startswith("MD-"):
            assert RULES[rule_id].phase in _MD_HEADINGS[entry["heading"]], (rule_id, entry["heading"])


def test_md_and_rc_articles_cite_the_articles_and_paragraphs_regulation_md_gives():
    sources = {"MD": "《重大行政决策程序暂行条例》", "RC": "《行政复议法》"}
    for rule_id, entry in _regulation().items():
        prefix = rule_id.split("-")[0]
        if prefix not in sources:
            continue
        article = RULES[rule_id].article
        assert article.startswith(sources[prefix]), (rule_id, article)
        citation = entry["text"].replace("Art. ", "Art ").split(". ", 1)[0]
        citation = _MARK.sub("", citation)
        numbers = re.findall(r"(\d+)(?:–(\d+))?(?:\((\d+)(?:–(\d+))?\))?", citation)
        assert numbers, (rule_id, citation)
        for first, last, paragraph, last_paragraph in numbers:
            for number in filter(None, (first, last)):
                assert f"第{_chinese_number(int(number))}条" in article, (rule_id, citation, article)
            if paragraph:
                for p in range(int(paragraph), int(last_paragraph or paragraph) + 1):
                    assert f"第{_chinese_number(p)}款" in article, (rule_id, citation, article)
        if prefix == "MD":
            assert f"第{_chinese_number(_md_number(rule_id))}条" in article, (rule_id, article)


# --- every entry is well formed ------------------------------------------------------------

@pytest.mark.parametrize("entry", RULES.values(), ids=list(RULES))
def test_entry_is_complete(entry: Rule):
    assert RULES[entry.id] is entry and rule(entry.id) is entry
    assert entry.article.strip() and entry.zh.strip() and entry.en.strip()
    assert _CJK.search(entry.article) and _CJK.search(entry.zh), entry.id
    assert not _CJK.search(entry.en.replace("党组", "")), f"{entry.id}: en should be English"
    assert entry.certainty in {"V", "S", "M", "P"} and entry.certainty in CERTAINTY
    assert entry.phase in PHASES[entry.prefix]


def test_phases_per_prefix():
    assert set(PHASES) == {"MD", "SC", "ND", "ER", "RC", "DF"}
    for entry in RULES.values():
        if entry.prefix == "MD":
            assert entry.phase in MD_PHASES
        else:
            assert entry.phase == {"SC": "sichuan", "ND": "normative_document", "ER": "enforcement_review",
                                   "RC": "reconsideration", "DF": "engine"}[entry.prefix]


def test_md_phases_follow_the_order_of_the_procedure():
    md = [entry for entry in RULES.values() if entry.prefix == "MD"]
    order = [MD_PHASES.index(entry.phase) for entry in md]
    assert order == sorted(order), "MD rules are listed in the order of the procedure"
    assert [_md_number(entry.id) for entry in md] == sorted(_md_number(entry.id) for entry in md)


def test_decision_making_is_exactly_md_2_to_md_33b():
    ids = list(RULES)
    md = [rule_id for rule_id in ids if rule_id.startswith("MD-")]
    expected = set(md[: md.index("MD-33b") + 1])
    assert md[0] == "MD-2"
    assert {rule_id for rule_id in ids if decision_making(rule_id)} == expected
    assert {entry.id for entry in RULES.values() if entry.decision_making} == expected
    assert expected == {rule_id for rule_id in md if _md_number(rule_id) <= 33}
    assert set(MD_PHASES) - DECISION_MAKING_PHASES == {"execution", "liability"}
    for rule_id in ("MD-34", "MD-37b", "MD-38", "MD-39", "MD-41", "SC-1", "ND-4", "ER-2", "RC-4", "DF-ROLE"):
        assert not decision_making(rule_id) and not decision_making(RULES[rule_id])


def test_decision_making_matches_the_regulation_order():
    regulation_md = [rule_id for rule_id in _regulation() if rule_id.startswith("MD-")]
    expected = set(regulation_md[: regulation_md.index("MD-33b") + 1])
    assert {rule_id for rule_id in regulation_md if decision_making(rule_id)} == expected


def test_invalid_entries_are_refused():
    with pytest.raises(ValueError, match="certainty"):
        Rule("MD-99", "第九十九条", "无", "none", certainty="X", phase="scope")
    with pytest.raises(ValueError, match="phase"):
        Rule("RC-99", "第九十九条", "无", "none", certainty="V", phase="scope")
    with pytest.raises(ValueError, match="phase"):
        Rule("MD-99", "第九十九条", "无", "none", certainty="V", phase="engine")


def test_unknown_rule_is_a_programming_error():
    with pytest.raises(KeyError):
        rule("MD-99")


# --- domain errors cite the rulebook ---------------------------------------------------------

def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_domain_error_names_a_rule_in_the_rulebook():
    cited = {cls.__name__: cls.rule for cls in _subclasses(errors.DomainError) if "rule" in vars(cls)}
    assert cited, "no DomainError subclass sets `rule`"
    unknown = {name: rule_id for name, rule_id in cited.items() if rule_id not in RULES}
    assert not unknown, f"errors citing rules missing from the rulebook: {unknown}"


def test_every_concrete_domain_error_resolves_its_article():
    for cls in _subclasses(errors.DomainError):
        if "en" in vars(cls):
            error = cls.__new__(cls)  # no __init__: the article depends on the class alone
            assert error.article == RULES[cls.rule].article, cls.__name__
