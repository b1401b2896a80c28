"""The review queue's pre-check: what accepting a proposal would take from the answers the
bot gets right today, before a supervisor accepts it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from kefu.domain.agent import Role
from kefu.domain.errors import PermissionDenied
from kefu.learning import mining, precheck
from kefu.learning.actions import Learning, ProposalEdit
from kefu.learning.encoders import HashingEncoder
from kefu.learning.fakes import FakeReplay, MemoryKnowledge, MemoryLearningStore
from kefu.learning.mining import KnownEntry, QAPair
from kefu.learning.model import ProposalKind, ProposalStatus
from kefu.learning.precheck import FrozenQuestion, Outcome, Replayed, RiskyProposal, Verdict
from tests.learning.conftest import NOW, Clock, person, proposal


@pytest.fixture
def replay(knowledge: MemoryKnowledge) -> FakeReplay:
    refund = knowledge.get("refund-how")
    where = knowledge.get("order-where")
    assert refund is not None and where is not None
    return FakeReplay(
        knowledge,
        [
            # Questions the bot answers right today, by their own entries.
            FrozenQuestion(refund.question.zh, ("refund-how",), "heldout"),
            FrozenQuestion(where.question.zh, ("order-where", "flow:order_status"), "heldout"),
            # A question kefu rightly declines today.
            FrozenQuestion("今天天气怎么样", ("none",), "jddc_calib"),
            # An in-scope question the bot misses today.
            FrozenQuestion("拼单有人不付钱怎么办", ("order-where",), "jddc_calib"),
        ],
    )


@pytest.fixture
def checked(
    store: MemoryLearningStore, knowledge: MemoryKnowledge, clock: Clock, replay: FakeReplay
) -> Learning:
    return Learning(store, knowledge, HashingEncoder(), clock, replay=replay)


async def test_a_proposal_worded_like_another_entrys_questions_is_flagged_as_taking_them(
    checked: Learning, store: MemoryLearningStore, knowledge: MemoryKnowledge
) -> None:
    refund = knowledge.get("refund-how")
    assert refund is not None
    thief = proposal(
        "p-thief", ProposalKind.NEW_ENTRY, "怎么退款啊", (refund.question.zh, "今天天气怎么样")
    )
    await store.add_proposals([thief])
    lead = person()

    check = await checked.precheck(lead, thief.id)

    assert check.verdict is Verdict.RISKY
    assert check.questions == 4 and check.sources == {"heldout": 2, "jddc_calib": 2}
    # "What's the weather" was rightly declined: now the new entry answers it.
    [took] = check.taken
    assert took.question.text == "今天天气怎么样"
    assert took.before == Outcome("unknown") and took.after == Outcome("answer", check.entry_id)
    assert check.steals == 1 and check.newly_answered == 1
    # The refund question now gets "which of these?" with the refund entry among the
    # choices: changed, still handled right.
    assert check.changed == 2

    with pytest.raises(RiskyProposal) as refused:
        await checked.accept(lead, thief.id)
    assert refused.value.code == "proposal_risky"
    assert store.proposal_rows[thief.id].status is ProposalStatus.PENDING
    assert not any(e.id.startswith("learned-") for e in knowledge.all())

    accepted = await checked.accept(lead, thief.id, confirm_risky=True)
    assert accepted.status is ProposalStatus.ACCEPTED


async def test_the_pre_check_names_the_wording_to_drop_and_the_trimmed_proposal_is_safe(
    checked: Learning, store: MemoryLearningStore, knowledge: MemoryKnowledge
) -> None:
    thief = proposal(
        "p-thief",
        ProposalKind.NEW_ENTRY,
        "拼单有人不付钱怎么办",
        ("今天天气怎么样", "拼单别人一直不付款"),
    )
    own = proposal("p-own", ProposalKind.NEW_ENTRY, "今天天气怎么样", ("拼单别人一直不付款",))
    await store.add_proposals([thief, own])
    lead = person()

    check = await checked.precheck(lead, thief.id)
    assert check.verdict is Verdict.RISKY
    assert check.culprits == ("今天天气怎么样",) and check.trimmable
    # Blamed on the new entry's own question: nothing a reviewer can drop.
    blamed = await checked.precheck(lead, own.id)
    assert blamed.culprits == ("今天天气怎么样",) and not blamed.trimmable

    trimmed = await checked.accept(lead, thief.id, ProposalEdit(phrasings=("拼单别人一直不付款",)))
    assert trimmed.status is ProposalStatus.ACCEPTED
    entry = knowledge.get(trimmed.result_entry_id or "")
    assert entry is not None and entry.phrasings == ("拼单别人一直不付款",)


async def test_a_distinct_proposal_is_safe_and_accepted_without_a_confirm(
    checked: Learning, store: MemoryLearningStore, knowledge: MemoryKnowledge, replay: FakeReplay
) -> None:
    locker = proposal(
        "p-locker", ProposalKind.NEW_ENTRY, "拼单有人不付钱怎么办", ("拼单别人一直不付款",)
    )
    await store.add_proposals([locker])
    lead = person()

    check = await checked.precheck(lead, locker.id)
    assert check.verdict is Verdict.SAFE
    assert check.steals == 0 and check.newly_answered == 1 and check.changed == 1
    # Shown in the queue without replaying again, until the knowledge base changes.
    pending = store.proposal_rows[locker.id]
    assert checked.known_precheck(pending) == check
    calls = replay.calls
    await checked.accept(lead, locker.id)
    assert replay.calls == calls
    assert knowledge.get(check.entry_id or "") is not None


async def test_an_edit_is_checked_as_edited_and_so_is_a_merge(
    checked: Learning, store: MemoryLearningStore, knowledge: MemoryKnowledge
) -> None:
    safe = proposal("p-safe", ProposalKind.NEW_ENTRY, "拼单有人不付钱怎么办")
    wording = proposal("p-wording", ProposalKind.PHRASING, "退款怎么弄", entry_id="refund-how")
    weather = proposal("p-weather", ProposalKind.NEW_ENTRY, "今天天气怎么样")
    await store.add_proposals([safe, wording, weather])
    lead = person()

    # Safe as mined; the reviewer's extra wording is a question the bot rightly declines.
    assert (await checked.precheck(lead, safe.id)).verdict is Verdict.SAFE
    with pytest.raises(RiskyProposal):
        await checked.accept(lead, safe.id, ProposalEdit(phrasings=("今天天气怎么样",)))
    assert (await checked.precheck(lead, wording.id)).verdict is Verdict.SAFE
    with pytest.raises(RiskyProposal):
        await checked.accept(lead, wording.id, ProposalEdit(phrasings=("今天天气怎么样",)))

    # Merged into the refund entry, "what's the weather" would be answered with refunds.
    with pytest.raises(RiskyProposal):
        await checked.merge(lead, weather.id, "refund-how")
    merged = await checked.merge(lead, weather.id, "refund-how", confirm_risky=True)
    assert merged.status is ProposalStatus.MERGED
    refund = knowledge.get("refund-how")
    assert refund is not None and "今天天气怎么样" in refund.phrasings


async def test_a_correction_changes_no_matching_and_without_a_replay_nothing_is_checked(
    store: MemoryLearningStore, knowledge: MemoryKnowledge, clock: Clock
) -> None:
    fix = proposal("p-fix", ProposalKind.CORRECTION, "退款多久到账", entry_id="refund-how")
    new = proposal("p-new", ProposalKind.NEW_ENTRY, "拼单有人不付钱怎么办")
    await store.add_proposals([fix, new])
    plain = Learning(store, knowledge, HashingEncoder(), clock)
    lead = person()
    assert (await plain.precheck(lead, fix.id)).verdict is Verdict.ANSWER_ONLY
    assert (await plain.precheck(lead, new.id)).verdict is Verdict.UNCHECKED
    assert plain.known_precheck(new) is None
    with pytest.raises(PermissionDenied):
        await plain.precheck(person(Role.AGENT, "lina"), new.id)


def test_handled_right_follows_the_real_dev_sets_rules() -> None:
    right = precheck.handled_right
    assert right(("refund-how",), Outcome("answer", "refund-how"))
    assert not right(("refund-how",), Outcome("answer", "refund-time"))
    assert right(("refund-how", "flow:refund"), Outcome("flow", flow="refund"))
    assert right(("refund-how",), Outcome("clarify", choices=("kb:refund-how", "kb:x")))
    assert not right(("refund-how",), Outcome("unknown"))
    assert right(("none",), Outcome("unknown")) and right(("none",), Outcome("handover"))
    assert not right(("none",), Outcome("answer", "refund-how"))
    assert right(("human",), Outcome("handover")) and not right(("human",), Outcome("unknown"))
    assert right(("greeting",), Outcome("greeting"))
    assert right(("context",), Outcome("clarify")) and not right(
        ("context",), Outcome("answer", "x")
    )


def test_nothing_to_replay_is_unchecked_and_mismatched_runs_are_refused() -> None:
    assert precheck.judge(Replayed((), (), ()), "e").verdict is Verdict.UNCHECKED
    q = FrozenQuestion("退款", ("refund-how",), "heldout")
    with pytest.raises(ValueError, match="expected 1 outcomes"):
        precheck.judge(Replayed((q,), (Outcome("unknown"),), ()), "e")
    for verdict in Verdict:
        zh, en = precheck.VERDICT_LABELS[verdict]
        assert zh and en and zh != en


def _unit(*v: float) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def test_mining_keeps_out_a_wording_nearer_another_entry() -> None:
    """Three customers ask about refunds; one wording sits nearer the order-status entry:
    as a phrasing of the refund entry it would take order-status questions."""
    known = [
        KnownEntry("refund-how", ("怎么退款",), None, np.stack([_unit(1, 0, 0)])),
        KnownEntry("order-where", ("订单到哪了",), None, np.stack([_unit(0, 1, 0)])),
    ]
    pairs = [
        QAPair(f"c{i}", q, "退款在订单页申请，原路退回。")
        for i, q in enumerate(("退款怎么申请呀", "我想退款怎么弄", "退款的订单到哪了"))
    ]
    questions = np.stack([_unit(0.97, 0.2, 0), _unit(0.95, 0.3, 0), _unit(0.68, 0.73, 0)])
    rule = mining.MiningRule(question_threshold=0.7, known_threshold=0.8)
    found = mining.mine(
        pairs, questions, questions, known, account_id="default", language="zh", now=NOW, rule=rule
    )
    assert len(found) == 1 and found[0].kind is ProposalKind.PHRASING
    assert found[0].entry_id == "refund-how"
    assert set(found[0].phrasings) == {"退款怎么申请呀", "我想退款怎么弄"}

    # Far from both entries it is a new entry: the wording nearer order-status than to
    # the new entry's standard question stays out of its phrasings too.
    far = [
        replace(k, vectors=np.stack([_unit(0, 0, 1) if k.id == "refund-how" else _unit(0, 1, 0)]))
        for k in known
    ]
    new = mining.mine(
        pairs,
        np.stack([_unit(0.9, 0.2, 0.1), _unit(0.85, 0.3, 0.1), _unit(0.55, 0.8, 0.1)]),
        np.stack([_unit(1, 0, 0)] * 3),
        far,
        account_id="default",
        language="zh",
        now=NOW,
        rule=replace(rule, known_threshold=0.95),
    )
    assert [p.kind for p in new] == [ProposalKind.NEW_ENTRY]
    assert {new[0].question, *new[0].phrasings} == {"退款怎么申请呀", "我想退款怎么弄"}
