"""Rules of 规范性文件清理 — periodic and special clean-ups of normative documents (ND-9).

Each entry: id, article, statement in Chinese and English, certainty, phase
(engine/statutes/rule.py). `decisionflow rules` gathers every statute's RULES into one table.
"""

from __future__ import annotations

from engine.statutes.rule import Rule

RULES: tuple[Rule, ...] = (
    Rule("ND-9", "国办发〔2018〕37号及地方规定",
         "行政规范性文件应当定期清理和专项清理，与上位法相抵触、缺乏依据或者不再适应的予以修改或者废止，"
         "公布继续有效、废止和失效的文件目录，未列入继续有效目录的不得作为行政管理依据",
         "Periodic and special clean-ups amend or repeal documents that conflict with higher law, lack a basis or "
         "no longer fit; the lists of continuing, repealed and lapsed documents are published; a document not on "
         "the continuing list is no basis",
         certainty="S", phase="normative_document"),
)
