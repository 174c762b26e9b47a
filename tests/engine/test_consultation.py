"""Public participation in the engine: the window is the procedure's, every opinion is kept.

MD-15b: opinions are taken until the end of the call's last day and refused after, with the
closing time. MD-18: each opinion is sorted and marked, a reason for anything not adopted,
before the adoption statement is published. Every refusal leaves the history as it was.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from engine.clock import CST
from engine.domain import errors
from engine.services.views import Upload
from tests import documents
from tests.helpers import fingerprint, refused
from tests.processes.md_scenario import MajorDecision


@pytest.fixture
def md(engine, clock):  # type: ignore[no-untyped-def]
    md = MajorDecision.start(engine, clock)
    md.to_open_comment()  # 2026-11-02 + 30 days: the last day is 2026-12-02
    return md


def test_md15a_a_call_opens_with_its_documents_and_closing_moment(engine, md):
    [call] = list(engine.consultation.open_page())
    assert call.procedure_id == md.procedure_id and call.is_open
    assert call.closes_at == datetime(2026, 12, 3, 0, 0, tzinfo=CST)  # the end of 2026-12-02
    assert call.draft_sha256 and call.explanation_sha256 and call.summary == "优化县城公交线网，减少重复线路"
    _media, content = engine.consultation.public_document(md.procedure_id, call.draft_sha256)
    assert content.startswith(b"%PDF")
    with pytest.raises(errors.DocumentNotFound):  # only what the call published is public
        engine.consultation.public_document(md.procedure_id, "0" * 64)


def test_md15b_opinions_are_taken_in_the_window_and_refused_after_with_the_closing_time(engine, md, clock):
    receipt = engine.consultation.submit(md.procedure_id, "建议增加夜班线", "市民甲", "138", None, "client-1")
    assert receipt.startswith("YJ-20261102-")
    events = engine.history.events(md.procedure_id)
    assert events[-1].kind == "opinion_received" and events[-1].payload["receipt"] == receipt
    assert "市民甲" not in str(events[-1].payload)  # names stay out of the permanent chain
    clock.set(datetime(2026, 12, 2, 23, 59, tzinfo=CST))
    engine.consultation.submit(md.procedure_id, "最后一刻的意见", None, None, None, "client-2")
    clock.set(datetime(2026, 12, 3, 0, 0, tzinfo=CST))
    error = refused(engine, errors.ConsultationClosed, "MD-15b", engine.consultation.submit, md.procedure_id,
                    "迟到的意见", None, None, None, "client-3")
    assert "2026-12-03 00:00" in error.message("zh_CN")
    assert list(engine.consultation.open_page()) == []


def test_df_public_duplicates_are_kept_and_flagged_bad_input_is_named(engine, md):
    first = engine.consultation.submit(md.procedure_id, "建议  增加夜班线", None, None, None, "a")
    engine.consultation.submit(md.procedure_id, "建议 增加夜班线", None, None, None, "b")
    sponsor = md.people.sponsor
    views = engine.opinions.opinions(sponsor, md.procedure_id)
    assert views[0].receipt == first and views[1].duplicate_of == views[0].id
    error = refused(engine, errors.OpinionInvalid, "DF-PUBLIC", engine.consultation.submit, md.procedure_id,
                    "x" * 5001, None, None, None, "c")
    assert error.field == "text"
    big = Upload("big.pdf", "application/pdf", b"x" * (engine.settings.max_document_bytes + 1))
    assert refused(engine, errors.OpinionInvalid, "DF-PUBLIC", engine.consultation.submit, md.procedure_id,
                   "有附件", None, None, big, "c").field == "attachment"


def test_md18_marking_needs_a_reason_unless_adopted_and_only_the_sponsor_marks(engine, md):
    receipt = engine.consultation.submit(md.procedure_id, "降低票价", None, None, None, "a")
    sponsor = md.people.sponsor
    refused(engine, errors.AdoptionReasonMissing, "MD-18", engine.opinions.mark, sponsor, receipt, "票价",
            "not_adopted", "")
    refused(engine, errors.OpinionForbidden, "MD-18", engine.opinions.mark, md.people.reviewer, receipt, "票价",
            "adopted", None)
    marked = engine.opinions.mark(sponsor, receipt, "票价", "not_adopted", "票价不属于本次决策范围")
    assert marked.adoption == "not_adopted" and marked.topic == "票价"


def test_md18_moderation_hides_with_its_reason_in_history_and_keeps_the_opinion(engine, md):
    receipt = engine.consultation.submit(md.procedure_id, "辱骂内容", None, None, None, "a")
    engine.opinions.hide(md.people.sponsor, receipt, "含有辱骂性语言")
    public = engine.consultation.get(md.procedure_id).public_opinions
    assert public[0]["hidden"] and public[0]["text"] is None
    kept = engine.opinions.opinions(md.people.sponsor, md.procedure_id)[0]
    assert kept.text == "辱骂内容" and kept.hidden_reason == "含有辱骂性语言"
    last = engine.history.events(md.procedure_id)[-1]
    assert last.kind == "opinion_hidden" and last.payload["reason"] == "含有辱骂性语言"
    assert engine.history.verify(md.procedure_id).ok


def test_md18_the_adoption_statement_is_published_once_every_opinion_is_marked(engine, md, clock):
    a = engine.consultation.submit(md.procedure_id, "增加夜班线", None, None, None, "a")
    b = engine.consultation.submit(md.procedure_id, "降低票价", None, None, None, "b")
    sponsor = md.people.sponsor
    engine.opinions.mark(sponsor, a, "线路", "adopted", None)
    error = refused(engine, errors.OpinionInvalid, "DF-PUBLIC", engine.opinions.publish_statement, sponsor,
                    md.procedure_id)
    assert b in error.message("en")
    engine.opinions.mark(sponsor, b, "票价", "partly_adopted", "部分线路试行优惠")
    sha = engine.opinions.publish_statement(sponsor, md.procedure_id)
    media, content = engine.consultation.public_document(md.procedure_id, sha)
    assert media == "text/html" and "部分采纳" in content.decode() and "部分线路试行优惠" in content.decode()
    call = engine.consultation.get(md.procedure_id)
    assert call.adoption_sha256 == sha and call.public_opinions[1]["adoption_reason"] == "部分线路试行优惠"
    clock.advance(days=31)
    md.wake()
    md.summarise()  # the summary step closes the call
    assert engine.consultation.get(md.procedure_id).is_open is False


def test_md18_the_summary_states_the_portal_s_opinions_as_recorded_never_fewer_or_unsorted(engine, md, clock):
    """Issue 19 item 2: the count of opinions and how each was handled are facts the portal recorded; the
    summary may add opinions from other channels, never drop one, leave one unsorted or omit its topic."""
    a = engine.consultation.submit(md.procedure_id, "增加夜班线", None, None, None, "a")
    b = engine.consultation.submit(md.procedure_id, "降低票价", None, None, None, "b")
    engine.consultation.submit(md.procedure_id, "增加夜班线", None, None, None, "c")  # a duplicate of a
    abusive = engine.consultation.submit(md.procedure_id, "辱骂内容", None, None, None, "d")
    sponsor = md.people.sponsor
    engine.opinions.hide(sponsor, abusive, "含有辱骂性语言")
    engine.opinions.mark(sponsor, a, "线路", "adopted", None)
    clock.advance(days=31)
    md.wake()
    error = refused(engine, errors.OpinionsUnmarked, "MD-18", md.summarise)
    assert error.field == "register" and error.context["entries"] == [b] and b in error.message("zh_CN")
    engine.opinions.mark(sponsor, b, "票价", "not_adopted", "票价不属于本次决策范围")
    error = refused(engine, errors.OpinionsCountBelowRecord, "MD-18", md.summarise, opinions_received=3)
    assert (error.field, error.context["on_record"]) == ("opinions_received", 4)
    only_lines = {"opinions_received": 6,
                  "register": [{"topic": "线路", "summary": "增加夜班线", "adoption": "adopted"}]}
    error = refused(engine, errors.RegisterTopicMissing, "MD-18", md.summarise, **only_lines)
    assert error.context["entries"] == ["票价"] and "票价" in error.message("zh_CN")
    md.summarise(opinions_received=6)  # two more by letter: added to the portal's four
    assert "summarise_opinions" not in md.open()


def _count(engine, table: str) -> int:  # type: ignore[no-untyped-def]
    with engine.db.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_df_hardening_a_public_attachment_is_taken_only_as_an_allowed_type_read_from_its_content(engine, md):
    error = refused(engine, errors.DocumentTypeRefused, "DF-DOCUMENT", engine.consultation.submit, md.procedure_id,
                    "附件是程序", None, None, documents.disguised_exe(), "a")
    assert error.field == "attachment" and "application/x-msdownload" in error.message("zh_CN")
    assert "PDF、OFD、DOCX、XLSX、PNG、JPEG" in error.message("zh_CN") and "PDF, OFD" in error.message("en")
    assert _count(engine, "opinions") == 0
    engine.consultation.submit(md.procedure_id, "附图说明站点位置", None, None,
                               Upload("站点.pdf", "application/pdf", documents.png()), "a")
    [opinion] = engine.opinions.opinions(md.people.sponsor, md.procedure_id)
    with engine.db.connect() as connection:
        media = connection.execute(text("SELECT media_type FROM documents WHERE sha256 = :s"),
                                   {"s": opinion.attachment_sha256}).scalar_one()
    assert media == "image/png"


def test_df_hardening_a_challenge_answer_is_good_for_one_opinion_only(engine, md):
    engine.consultation.submit(md.procedure_id, "建议增加夜班线", None, None, None, "a", challenge="n-1")
    before = _count(engine, "opinions")
    error = refused(engine, errors.ChallengeReused, "DF-PUBLIC", engine.consultation.submit, md.procedure_id,
                    "同一个回答的第二条意见", None, None, Upload("a.pdf", "application/pdf", documents.PDF), "b",
                    challenge="n-1")
    assert error.field == "answer" and "新的验证问题" in error.message("zh_CN")
    assert "new question" in error.message("en")
    assert _count(engine, "opinions") == before == 1
    engine.consultation.submit(md.procedure_id, "另一条意见", None, None, None, "b", challenge="n-2")
    with engine.db.connect() as connection:
        kept = connection.execute(text("SELECT nonce_sha256 FROM used_challenges")).scalars().all()
    assert len(kept) == 2 and "n-1" not in str(kept)  # only hashes are kept


def test_df_hardening_spent_challenges_are_pruned_once_their_tokens_have_expired(engine, md, clock):
    engine.consultation.submit(md.procedure_id, "意见一", None, None, None, "a", challenge="old",
                               challenge_lifetime=timedelta(hours=2))
    clock.advance(hours=3)
    engine.consultation.submit(md.procedure_id, "意见二", None, None, None, "a", challenge="new")
    assert _count(engine, "used_challenges") == 1


def test_df_hardening_one_challenge_sent_twice_at_once_is_taken_once(engine, md, clock):
    other = MajorDecision.start(engine, clock, "县城停车收费调整方案")
    other.to_open_comment()
    barrier, outcomes = threading.Barrier(2), []

    def send(procedure_id: int) -> None:
        barrier.wait()
        try:
            outcomes.append(engine.consultation.submit(procedure_id, "同一回答", None, None, None, "a",
                                                       challenge="raced"))
        except errors.ChallengeReused as error:
            outcomes.append(error)

    before = fingerprint(engine)
    threads = [threading.Thread(target=send, args=(p,)) for p in (md.procedure_id, other.procedure_id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(type(o).__name__ for o in outcomes) == ["ChallengeReused", "str"]
    assert _count(engine, "opinions") == 1 and fingerprint(engine).events == before.events + 1
