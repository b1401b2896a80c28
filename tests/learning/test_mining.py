"""Proposals mined from human transcripts, and the review queue that applies them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kefu.domain.agent import Role
from kefu.domain.errors import Conflict, InvalidInput, PermissionDenied
from kefu.learning.actions import Learning, ProposalEdit
from kefu.learning.fakes import MemoryKnowledge, MemoryLearningStore
from kefu.learning.model import ProposalKind, ProposalStatus
from kefu.learning.transcripts import TranscriptError, read_transcripts
from tests.learning.conftest import person

LOCKER = """conversation_id,speaker,text
t1,customer,在吗
t1,agent,您好，请问有什么可以帮您？
t1,customer,拼单的时候有人一直不付钱怎么办
t1,agent,请稍等
t1,agent,拼单里有人15分钟内没付款会被自动移出，订单 202612011234 照常下单，已通知 13812345678
t1,customer,好的谢谢
t2,customer,拼单有人不付钱怎么办啊
t2,agent,拼单里有人15分钟内没付款会被自动移出，订单 202612015678 照常下单，已通知 13987654321
t3,customer,你们支持开专票吗
t3,agent,可以的，在订单页申请发票时选择增值税专用发票即可
"""


def write(tmp_path: Path, text: str, name: str = "chats.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


async def test_two_conversations_where_agents_answered_alike_become_a_proposed_entry(
    learning: Learning, store: MemoryLearningStore, tmp_path: Path
) -> None:
    report = await learning.import_transcripts("default", read_transcripts(write(tmp_path, LOCKER)))
    assert (report.transcripts, report.pairs) == (3, 4)
    [proposal] = store.proposal_rows.values()  # t3 was answered once: no proposal
    assert proposal.kind is ProposalKind.NEW_ENTRY
    assert set(proposal.sources) == {"t1", "t2"}
    assert {proposal.question, *proposal.phrasings} == {
        "拼单的时候有人一直不付钱怎么办",
        "拼单有人不付钱怎么办啊",
    }
    # The answer is the agents' common reply, with the order as a variable and no phone.
    assert "自动移出" in proposal.answer and "{order.id}" in proposal.answer
    assert "138" not in proposal.answer and "139" not in proposal.answer


async def test_an_accepted_proposal_is_a_knowledge_entry_at_once_and_audited(
    learning: Learning, store: MemoryLearningStore, knowledge: MemoryKnowledge, tmp_path: Path
) -> None:
    await learning.import_transcripts("default", read_transcripts(write(tmp_path, LOCKER)))
    [proposal] = store.proposal_rows.values()
    lead = person()
    accepted = await learning.accept(
        lead,
        proposal.id,
        ProposalEdit(
            question_en="Someone in my group order won't pay",
            answer_en="Members who don't pay within 15 minutes are removed.",
        ),
    )
    assert accepted.status is ProposalStatus.ACCEPTED
    entry = knowledge.get(accepted.result_entry_id or "")
    assert entry is not None
    assert (
        entry.question.zh == proposal.question
        and entry.question.en == "Someone in my group order won't pay"
    )
    assert "拼单有人不付钱怎么办啊" in entry.phrasings
    assert knowledge.authors == [lead.email]
    [decision] = await learning.decisions(lead, proposal.id)
    assert (decision.action, decision.by) == ("accept", lead.id)
    with pytest.raises(Conflict):
        await learning.reject(lead, proposal.id, "too late")


async def test_a_proposal_merged_into_an_entry_adds_the_customers_wordings(
    learning: Learning, store: MemoryLearningStore, knowledge: MemoryKnowledge, tmp_path: Path
) -> None:
    await learning.import_transcripts("default", read_transcripts(write(tmp_path, LOCKER)))
    [proposal] = store.proposal_rows.values()
    before = knowledge.get("locker-code")
    assert before is not None
    merged = await learning.merge(person(), proposal.id, before.id)
    after = knowledge.get(before.id)
    assert merged.status is ProposalStatus.MERGED and after is not None
    assert "拼单有人不付钱怎么办啊" in after.phrasings
    assert after.answer == before.answer


async def test_a_rejection_needs_a_reason_and_only_supervisors_review(
    learning: Learning, store: MemoryLearningStore, tmp_path: Path
) -> None:
    await learning.import_transcripts("default", read_transcripts(write(tmp_path, LOCKER)))
    [proposal] = store.proposal_rows.values()
    with pytest.raises(PermissionDenied):
        await learning.accept(person(Role.AGENT, "lina"), proposal.id)
    with pytest.raises(PermissionDenied):
        await learning.topics(person(Role.AGENT, "lina"))
    with pytest.raises(InvalidInput):
        await learning.reject(person(), proposal.id, "  ")
    rejected = await learning.reject(person(), proposal.id, "the locker fault button is gone")
    assert rejected.status is ProposalStatus.REJECTED
    # The same transcripts again do not queue a rejected proposal a second time.
    report = await learning.import_transcripts("default", read_transcripts(write(tmp_path, LOCKER)))
    assert report.new == 0


def test_a_file_that_is_not_transcripts_is_refused_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="expected columns"):
        read_transcripts(write(tmp_path, "a,b\n1,2\n"))
    with pytest.raises(TranscriptError, match="speaker must be customer or agent"):
        read_transcripts(write(tmp_path, "conversation_id,speaker,text\nc,bot,hi\n"))
    with pytest.raises(TranscriptError, match="no such file"):
        read_transcripts(tmp_path / "missing.csv")
    with pytest.raises(TranscriptError, match="no conversations"):
        read_transcripts(write(tmp_path, "conversation_id,speaker,text\n"))


async def test_what_agents_say_to_every_question_never_becomes_an_answer(
    learning: Learning, store: MemoryLearningStore, tmp_path: Path
) -> None:
    closer = "辛苦了，请问还有其他可以帮您的吗"
    topics = ["电子发票在哪里开", "配送费是按距离算吗", "能用校园卡付款吗", "骑手电话打不通"]
    topics += ["会员红包为什么用不了", "夜宵几点停止接单"]
    rows = ["conversation_id,speaker,text"]
    for n, question in enumerate(topics):
        for k in (1, 2):
            rows += [f"c{n}{k},customer,{question}", f"c{n}{k},agent,{closer}"]
    rows += [
        "d1,customer,拼单有人不付钱怎么办",
        "d1,agent,会被自动移出，订单[数字x]分钟后照常下单。" + closer,
    ]
    rows += [
        "d2,customer,拼单的人不付钱怎么办呢",
        "d2,agent,会被自动移出，订单[数字x]分钟后照常下单。",
    ]
    await learning.import_transcripts(
        "default", read_transcripts(write(tmp_path, "\n".join(rows) + "\n"))
    )
    answers = [p.answer for p in store.proposal_rows.values() if p.kind is ProposalKind.NEW_ENTRY]
    assert answers == ["会被自动移出，订单【?】分钟后照常下单"]
