"""Structured facts with legal effect: a legal basis cites an instrument and an article, a changed
penalty states its amount, a registration or document number is one procedure's alone (issue 19).

Free text let "无" count as a legal basis. A legal basis is now a list of {instrument, article}:
the instrument is named (not a placeholder such as 无, 暂无, N/A or —) and the article is written
第…条, optionally with 第…款 and 第…项, in Chinese or Arabic numerals. Numbers are compared in one
spelling (`canonical_number`), so 示范府规〔2026〕3号 and "示范府规(2026)3号" are the same number.
Old events keep the strings they recorded; only new steps are checked (history is immutable).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.domain.independence import canonical

PLACEHOLDERS = frozenset(canonical(word) for word in (
    "无", "没有", "暂无", "无依据", "none", "n/a", "na", "nil", "null", "—", "——", "-", "--", "/", "／", "略", "待定"))
"""What a form may say instead of naming an instrument: never a legal basis."""

_NUMERAL = r"(?:[0-9]+|[零〇一二三四五六七八九十百千两]+)"
ARTICLE = re.compile(rf"^第{_NUMERAL}条(?:之{_NUMERAL})?(?:第{_NUMERAL}款)?(?:第{_NUMERAL}项)?$")
"""第十二条, 第12条第2款, 第十二条第一款第（三）项 (brackets dropped before matching)."""

_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕", "【": "〔", "】": "〕",
                           "［": "〔", "］": "〕", "〖": "〔", "〗": "〕"})


def canonical_number(number: object) -> str:
    """One spelling of a registration or document number: NFKC, no whitespace, 〔 〕 brackets, case-folded."""
    text = unicodedata.normalize("NFKC", str(number))
    return re.sub(r"\s+", "", text).translate(_BRACKETS).casefold()


def legal_basis_problem(entries: Any) -> tuple[int, str, str, str] | None:
    """The first entry that cites no instrument or no article: (index, field, problem, problem_zh), or None."""
    for index, entry in enumerate(entries if isinstance(entries, list) else [entries]):
        if not isinstance(entry, Mapping):
            return index, "instrument", "a legal basis is an instrument and an article, not free text", \
                "法律依据应分别填写文件名称和条款，不能只填一段文字"
        instrument = canonical(entry.get("instrument", "")).strip("《》<>")
        if not instrument or instrument in PLACEHOLDERS:
            return index, "instrument", f"{entry.get('instrument', '')!r} names no instrument", \
                f"“{entry.get('instrument', '')}”不是法律、法规、规章或政策文件的名称"
        article = re.sub(r"[()（）〔〕]", "", canonical(entry.get("article", "")))
        if not ARTICLE.match(article):
            return index, "article", f"{entry.get('article', '')!r} is not an article (第…条, optionally 第…款/项)", \
                f"“{entry.get('article', '')}”不是条款（应写作“第…条”，可加“第…款”“第…项”）"
    return None


def positive_yuan(value: Any) -> Decimal | None:
    """A positive amount in yuan with at most two decimals (分), or None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount


def holder(numbers_in_use: Mapping[str, int] | None, number: object) -> int | None:
    """The procedure already holding `number` (compared canonically), or None."""
    return (numbers_in_use or {}).get(canonical_number(number))
