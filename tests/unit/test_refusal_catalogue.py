"""Every refusal the engine can raise reads in Chinese (issue 22 item 5).

Each concrete DomainError subclass, wherever it is defined in engine/ or webapp/, carries its Chinese
message (`zh`, beside `en` in its statute's home), and that message states the refusal in Chinese: no
English sentence left in it. A class without one would fall back to its English template on a Chinese page.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import engine
import webapp
from engine.domain.errors import DomainError

ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")
"""Three English words in a row: a sentence, not a placeholder, a format name or a rule code."""


def _concrete_refusals() -> list[type[DomainError]]:
    for package in (engine, webapp):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    found, todo = [], list(DomainError.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if "en" in vars(cls) and not cls.__module__.startswith("tests."):
            found.append(cls)
    return found


def _english_outside_placeholders(text: str) -> list[str]:
    return ENGLISH_RUN.findall(re.sub(r"\{[^}]*\}", "", text))


def test_df_language_every_refusal_class_has_a_chinese_message():
    refusals = _concrete_refusals()
    assert len(refusals) > 100  # the walk found the engine's refusals, not just a few
    missing = sorted(f"{cls.__module__}.{cls.__name__}" for cls in refusals if not getattr(cls, "zh", ""))
    assert missing == []


def test_df_language_no_chinese_refusal_message_carries_an_english_sentence():
    english = {cls.__name__: found for cls in _concrete_refusals()
               if (found := _english_outside_placeholders(getattr(cls, "zh", "")))}
    assert english == {}


def test_df_language_the_check_catches_an_english_sentence_but_not_names_or_placeholders():
    assert _english_outside_placeholders("无法启动程序：a title is required") == ["title is required"]
    assert _english_outside_placeholders("只接受 PDF、OFD、DOCX 格式；{field} {problem_zh}") == []
    assert _english_outside_placeholders("DF-FORM：字段 {field} 不符合 SM2 签名") == []
