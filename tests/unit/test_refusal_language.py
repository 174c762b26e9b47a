"""A refusal whose Chinese text carries a problem gets that problem in Chinese (issue 22 item 5, issue 17).

Classes whose zh_CN template shows `{problem_zh}` are raised with both `problem` and `problem_zh`;
a call that passes only the English problem would put English into the Chinese page.
"""

from __future__ import annotations

import ast
from pathlib import Path

from engine.domain.errors import refusals

ROOT = Path(__file__).resolve().parents[2]
WITH_PROBLEM_ZH = {refusal.__name__ for refusal in refusals() if "{problem_zh}" in getattr(refusal, "zh", "")}


def _calls_missing_zh(source: str) -> list[int]:
    missing = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in WITH_PROBLEM_ZH:
            keywords = {k.arg for k in node.keywords}
            if "problem" in keywords and "problem_zh" not in keywords:
                missing.append(node.lineno)
    return missing


def test_df_language_every_refusal_with_a_problem_states_it_in_chinese():
    offenders = [f"{path.relative_to(ROOT)}:{line}" for folder in ("engine", "webapp")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 for line in _calls_missing_zh(path.read_text(encoding="utf-8"))]
    assert offenders == []
    assert {"StartInvalid", "WithdrawInvalid", "FormInvalid", "AccountInvalid"} <= WITH_PROBLEM_ZH


def test_df_language_the_check_would_catch_an_english_only_problem():
    assert _calls_missing_zh('raise StartInvalid(field="title", problem="a title is required")') == [1]
    assert _calls_missing_zh('raise StartInvalid(field="t", problem="x", problem_zh="须")') == []
