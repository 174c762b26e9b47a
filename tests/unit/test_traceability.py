"""The law-to-code table is computed from the code and kept true in docs/rules.md."""

from __future__ import annotations

from click.testing import CliRunner

from engine import traceability
from engine.cli import cli
from engine.domain.rulebook import RULES, decision_making


def test_every_rule_is_in_the_table_with_its_places_and_tests():
    traces = {t.rule.id: t for t in traceability.build()}
    assert set(traces) == set(RULES)
    md15b = traces["MD-15b"]
    assert "refusal `CommentWindowOpen`" in md15b.enforced
    assert "compliance check `MinimumTimer` (major_decision)" in md15b.enforced
    assert any("test_md15b_comment_window_cannot_close_before_thirty_days" in t for t in md15b.tests)
    assert any("comment_timer_p20d" in t for t in md15b.tests)  # the mutated definition counts


def test_gaps_name_only_decision_making_rules_lacking_a_place_or_a_test():
    traces = traceability.build()
    for gap in traceability.gaps(traces):
        rule_id = gap.split(":")[0]
        assert decision_making(RULES[rule_id])
        trace = next(t for t in traces if t.rule.id == rule_id)
        assert not trace.enforced or not trace.tests


def test_docs_rules_md_is_current():
    """Regenerate with `decisionflow rules --write docs/rules.md` when this fails."""
    committed = (traceability.ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == traceability.markdown(traceability.build())


def test_rules_check_exits_1_while_gaps_remain(tmp_path):
    result = CliRunner().invoke(cli, ["rules", "--check", "--write", str(tmp_path / "rules.md")])
    gaps = traceability.gaps(traceability.build())
    assert result.exit_code == (1 if gaps else 0)
    assert (tmp_path / "rules.md").read_text(encoding="utf-8").startswith("# Rules")
