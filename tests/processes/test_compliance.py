"""The deploy-time compliance check refuses each mutated major-decision definition.

Every file in tests/processes/mutations/ is a real definition (processes/major_decision.bpmn
unless expected.json names another `definition`) with one legal defect; expected.json names
the rule that must refuse it. The forms are the real ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.bpmn.definition import analyse
from engine.domain.errors import DefinitionInvalid
from engine.services.definitions import read_bundle

ROOT = Path(__file__).resolve().parents[2]
MUTATIONS = Path(__file__).parent / "mutations"
EXPECTED = json.loads((MUTATIONS / "expected.json").read_text(encoding="utf-8"))
_, FORMS = read_bundle(ROOT / "processes" / "major_decision.bpmn")
_, ER_FORMS = read_bundle(ROOT / "processes" / "enforcement_review.bpmn")
_, ND_FORMS = read_bundle(ROOT / "processes" / "normative_document.bpmn")
_, RC_FORMS = read_bundle(ROOT / "processes" / "reconsideration.bpmn")
_, NDC_FORMS = read_bundle(ROOT / "processes" / "nd_cleanup.bpmn")
FORMS_OF = {"major_decision": FORMS, "enforcement_review": ER_FORMS, "normative_document": ND_FORMS,
            "reconsideration": RC_FORMS, "nd_cleanup": NDC_FORMS}


def test_the_real_definition_passes_every_rule():
    analysis = analyse((ROOT / "processes" / "major_decision.bpmn").read_bytes(), FORMS)
    assert analysis.problems == []
    assert analysis.statute == "major_decision"
    assert {"MD-15b", "MD-25b", "MD-28b", "MD-31", "MD-32", "MD-33a"} <= set(analysis.rules_checked)


def test_the_real_enforcement_review_definition_passes_every_rule():
    analysis = analyse((ROOT / "processes" / "enforcement_review.bpmn").read_bytes(), ER_FORMS)
    assert analysis.problems == []
    assert analysis.statute == "enforcement_review"
    assert {"ER-2", "ER-4", "ER-6", "ER-8"} <= set(analysis.rules_checked)


def test_every_mutation_file_has_an_expectation():
    assert sorted(p.stem for p in MUTATIONS.glob("*.bpmn")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_mutation_is_refused_with_its_rule(name):
    forms = FORMS_OF[EXPECTED[name].get("definition", "major_decision")]
    problems = analyse((MUTATIONS / f"{name}.bpmn").read_bytes(), forms).problems
    rules = {p.code for p in problems}
    assert EXPECTED[name]["rule"] in rules, (name, [str(p) for p in problems])


def test_refusal_names_the_offending_path_by_ids_and_names():
    problems = analyse((MUTATIONS / "legality_review_bypassed_when_no_market_entities.bpmn").read_bytes(),
                       FORMS).problems
    [problem] = [p for p in problems if p.code == "MD-25b"]
    assert problem.element == "deliberation" and problem.line
    assert "gw_fair (涉及市场主体经济活动？)" in problem.message and "deliberation (集体讨论决定)" in problem.message
    assert "legality_review" not in problem.message.split(":", 1)[1]


def test_deploy_refuses_a_mutation_and_writes_nothing(engine):
    bpmn = (MUTATIONS / "comment_timer_p20d.bpmn").read_bytes()
    with pytest.raises(DefinitionInvalid) as refused:
        engine.definitions.deploy(bpmn, FORMS, "test")
    assert "MD-15b" in refused.value.context["first"]
    assert engine.definitions.list_all() == []


def test_the_real_normative_document_definition_passes_every_rule():
    analysis = analyse((ROOT / "processes" / "normative_document.bpmn").read_bytes(), ND_FORMS)
    assert analysis.problems == []
    assert analysis.statute == "normative_document"
    assert {"ND-4", "ND-5", "ND-6", "ND-7"} <= set(analysis.rules_checked)


def test_the_real_reconsideration_definition_passes_every_rule():
    analysis = analyse((ROOT / "processes" / "reconsideration.bpmn").read_bytes(), RC_FORMS)
    assert analysis.problems == []
    assert analysis.statute == "reconsideration"
    assert {"RC-4", "RC-5", "RC-9", "RC-10", "RC-12", "RC-13"} <= set(analysis.rules_checked)
