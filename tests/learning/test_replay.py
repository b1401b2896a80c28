"""The pre-check's replay over the real bot predicts what accepting does: its "after" run is
exactly what the bot decides once the entry is really in the knowledge base."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kefu.adapters.bus.memory import InMemoryBus
from kefu.bot.rules import DEFAULT_RULES, BotRules
from kefu.knowledge.demo import demo_entries, heldout_questions
from kefu.knowledge.memory import MemoryKnowledgeStore
from kefu.knowledge.model import Bilingual, KnowledgeEntry
from kefu.knowledge.service import KnowledgeService
from kefu.learning import precheck
from kefu.learning.precheck import FrozenQuestion
from kefu.learning.replay import BotReplay
from kefu.nlu.default import load_nlu
from tests.learning.conftest import NOW


async def _rules(account_id: str) -> BotRules:
    return DEFAULT_RULES


@pytest.mark.parametrize("kind", ["new_entry", "phrasings"])
async def test_the_replay_predicts_the_bot_after_the_entry_is_really_added(kind: str) -> None:
    nlu = load_nlu()
    knowledge = KnowledgeService(MemoryKnowledgeStore(), InMemoryBus(), nlu.knowledge)
    await knowledge.load(seed=demo_entries())
    heldout = heldout_questions()
    questions = [
        FrozenQuestion(q, (entry,), "heldout") for entry, qs in heldout.items() for q in qs
    ] + [
        FrozenQuestion("今天天气怎么样", ("none",), "jddc_calib"),
        FrozenQuestion("你好", ("greeting",), "jddc_calib"),
    ]
    replay = BotReplay(knowledge, nlu, _rules, lambda: (questions, ("jddc_calib",)), lambda: NOW)
    borrowed = (*heldout["vip-join"], *heldout["refund-how"])
    if kind == "new_entry":
        candidate = KnowledgeEntry(
            id="learned-thief",
            question=Bilingual("我想问一下", ""),
            answer=Bilingual("您好，这个问题我们会尽快处理。", ""),
            phrasings=borrowed,
        )
    else:
        where = knowledge.get("order-where")
        assert where is not None
        candidate = replace(where, phrasings=(*where.phrasings, *borrowed))

    predicted = await replay.replay("default", candidate)
    check = precheck.judge(predicted, candidate.id)
    assert check.verdict is precheck.Verdict.RISKY and check.missing == ("jddc_calib",)
    assert {c.question.text for c in check.taken} <= set(borrowed)

    if kind == "new_entry":
        await knowledge.create(candidate, "lead@kefu.local")
    else:
        await knowledge.update(candidate, "lead@kefu.local")
    probe = KnowledgeEntry(id="probe", question=Bilingual("zzqq", ""), answer=Bilingual("x", ""))
    actual = await replay.replay("default", probe)
    assert predicted.after == actual.before
