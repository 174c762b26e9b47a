"""engine/mentions.py: which documents a procedure's completions mention, as document_mentions holds them."""

from __future__ import annotations

from types import SimpleNamespace

from engine import mentions


def _completed(seq: int, **payload: object) -> SimpleNamespace:
    return SimpleNamespace(seq=seq, kind="task_completed", payload=payload)


def _application(seq: int, number: str | None, asked: bool = True) -> SimpleNamespace:
    data = {"incidental_review": asked, **({"incidental_document_number": number} if number else {})}
    return _completed(seq, step="application", step_kind="rc_application", data=data)


def test_nd9_a_publication_mentions_each_listed_document_once_whatever_its_list():
    lists = {"continuing_list": [{"procedure_id": 7}, {"procedure_id": "8"}], "repealed_list": [{"procedure_id": 7}],
             "amending_list": "not a list", "lapsed_list": [{"number": "no id"}]}
    events = [SimpleNamespace(seq=1, kind="procedure_started", payload={}),
              _completed(5, step="publication", step_kind="cleanup_publication", data={}, derived=lists)]
    assert mentions.mentions(events) == {("cleanup", "7", 5): 5, ("cleanup", "8", 5): 5}


def test_nd10_a_later_application_replaces_the_incidental_mention_in_canonical_spelling():
    first = _application(2, " 示范府规[2026]3号")
    assert mentions.mentions([first]) == {("incidental", "示范府规〔2026〕3号", 2): 2}
    assert mentions.mentions([first, _application(6, "示范府规〔2026〕4号")]) == {
        ("incidental", "示范府规〔2026〕4号", 6): 6}
    assert mentions.mentions([first, _application(6, "示范府规〔2026〕4号", asked=False)]) == {}
    assert mentions.mentions([_application(2, None)]) == {}
