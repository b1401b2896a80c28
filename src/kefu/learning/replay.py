"""The pre-check's replay over the real bot: the frozen questions through the live knowledge
matcher and the bot's pure policy, without and with one candidate entry (`ports.Replay`).

Each question is prepared once per process as the bot's first turn of a conversation would
see it (greeting stripped, the engine's analysis and sentence vector). The decisions on
today's knowledge base are kept until the knowledge base or the rules change. A candidate
is scored alone in a fork of the live matcher — an entry's score depends on that entry
alone — and merged into each question's ranking, so only the questions where it reaches
the top three are planned again. The live matcher is never edited.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from kefu.bot import cues, policy
from kefu.bot.flows import FLOW_FOR_INTENT, flow_for_entry
from kefu.bot.memory import BotMemory
from kefu.bot.model import Hit, Turn
from kefu.bot.records import hit_of, plain
from kefu.bot.rules import BotRules
from kefu.domain.clock import Clock
from kefu.knowledge.model import KnowledgeEntry
from kefu.knowledge.service import KnowledgeService, matcher_entry
from kefu.learning.precheck import FrozenQuestion, Outcome, Replayed
from kefu.nlu.engine import NluEngine
from kefu.nlu.matcher import KnowledgeMatcher
from kefu.nlu.types import Analysis

#: The bot looks at the best three entries; one more is kept so that a candidate falling
#: out of the three leaves the right fourth one in.
TOP_K = 3

Questions = Callable[[], tuple[Sequence[FrozenQuestion], tuple[str, ...]]]
RulesOf = Callable[[str], Awaitable[BotRules]]
#: (entry, score, matched text) of one ranked entry.
Ranked = tuple[KnowledgeEntry, float, str]


@dataclass(frozen=True, slots=True)
class _Prepared:
    question: FrozenQuestion
    query: str
    language: str
    greeted: bool
    analysis: Analysis
    #: The sentence vector of `query` (None without the encoder): encoded once, here.
    vector: np.ndarray | None


class BotReplay:
    def __init__(
        self,
        knowledge: KnowledgeService,
        nlu: NluEngine,
        rules_of: RulesOf,
        questions: Questions,
        clock: Clock,
    ) -> None:
        self.knowledge = knowledge
        self.nlu = nlu
        self.rules_of = rules_of
        self.questions = questions
        self.clock = clock
        #: (intent model identity, prepared questions, missing sources).
        self._prepared: tuple[int, tuple[_Prepared, ...], tuple[str, ...]] | None = None
        self._prepare_lock = asyncio.Lock()
        self._before: tuple[Hashable, list[list[Ranked]], list[Outcome]] | None = None

    @property
    def matcher(self) -> KnowledgeMatcher:
        return self.knowledge.matcher

    def version(self, account_id: str) -> Hashable:
        return (account_id, self.matcher.generation, id(self.nlu.intent))

    async def replay(self, account_id: str, candidate: KnowledgeEntry) -> Replayed:
        started = time.perf_counter()
        prepared, missing = await self._prepare()
        rules = await self.rules_of(account_id)
        now = self.clock()
        key = (self.version(account_id), rules)
        if self._before is None or self._before[0] != key:
            # Off the event loop; the live matcher ranks each question on one index even
            # if an edit lands meanwhile (the next version then recomputes this).
            ranked = await asyncio.to_thread(self._rank_all, prepared, now)
            outcomes = [self._decide(p, r, rules) for p, r in zip(prepared, ranked, strict=True)]
            self._before = (key, ranked, outcomes)
        _, ranked, before = self._before
        scorer = self.matcher.fork([matcher_entry(candidate)]) if candidate.texts else None
        after = await asyncio.to_thread(
            self._after, prepared, ranked, before, scorer, candidate, rules, now
        )
        return Replayed(
            tuple(self._judged_as(p.question, rules) for p in prepared),
            tuple(before),
            tuple(after),
            missing,
            round(time.perf_counter() - started, 3),
        )

    def _judged_as(self, q: FrozenQuestion, rules: BotRules) -> FrozenQuestion:
        """A held-out paraphrase of an entry that stands for a task flow is also handled
        right when the bot starts that flow (as it does for the entry itself)."""
        if q.source != "heldout":
            return q
        entry = self.knowledge.get(q.options[0])
        flow = flow_for_entry(entry.id, entry.tags, rules.entry_flows) if entry else None
        return replace(q, options=(*q.options, f"flow:{flow}")) if flow else q

    # -- the frozen questions, once ----------------------------------------------------------

    async def _prepare(self) -> tuple[tuple[_Prepared, ...], tuple[str, ...]]:
        """Again after a promotion swaps the intent model (the analyses hold its intents)."""
        async with self._prepare_lock:
            model = id(self.nlu.intent)
            if self._prepared is None or self._prepared[0] != model:
                found, missing = await asyncio.to_thread(self._prepare_all)
                self._prepared = (model, found, missing)
            return self._prepared[1], self._prepared[2]

    def _prepare_all(self) -> tuple[tuple[_Prepared, ...], tuple[str, ...]]:
        questions, missing = self.questions()
        # The live engine's models, without its exact-repeat cache: this runs in a worker
        # thread, and that cache belongs to the event loop's customers.
        engine = NluEngine(
            intent=self.nlu.intent,
            emotion=self.nlu.emotion,
            knowledge=self.nlu.knowledge,
            cache_size=0,
        )
        out = []
        for q in questions:
            text = q.text
            split = cues.opening(text)
            analysis = engine.analyse(split.query, top_k=0)
            split = split.read_as_greeting(analysis.greeting)
            greeted, query = split.greeted, split.query
            language = analysis.language if analysis.language in ("zh", "en") else "zh"
            vector = analysis.vector if analysis.text == query else None
            out.append(
                _Prepared(
                    q,
                    query,
                    language,
                    greeted,
                    analysis,
                    np.asarray(vector, dtype=np.float32) if vector is not None else None,
                )
            )
        return tuple(out), missing

    # -- ranking and deciding ----------------------------------------------------------------

    def _rank_all(self, prepared: Sequence[_Prepared], now: datetime) -> list[list[Ranked]]:
        return [self._rank(p, now) for p in prepared]

    def _rank(self, p: _Prepared, now: datetime) -> list[Ranked]:
        """The best entries available to a customer without tags, as the bot ranks them."""
        matcher = self.matcher
        out: list[Ranked] = []
        for found in matcher.match(p.query, len(matcher.entries), vector=p.vector):
            entry = self.knowledge.get(found.entry_id)
            if entry is not None and entry.available(now=now, channel=None, customer_tags=()):
                out.append((entry, found.score, found.matched_text))
                if len(out) > TOP_K:
                    break
        return out

    def _after(
        self,
        prepared: Sequence[_Prepared],
        ranked: Sequence[list[Ranked]],
        before: Sequence[Outcome],
        scorer: KnowledgeMatcher | None,
        candidate: KnowledgeEntry,
        rules: BotRules,
        now: datetime,
    ) -> list[Outcome]:
        usable = candidate.available(now=now, channel=None, customer_tags=())
        out = []
        for p, rows, outcome in zip(prepared, ranked, before, strict=True):
            mine: list[Ranked] = []
            if scorer is not None and usable:
                found = scorer.match(p.query, 1, vector=p.vector)
                if found:
                    mine = [(candidate, found[0].score, found[0].matched_text)]
            others = [r for r in rows if r[0].id != candidate.id]
            # Existing entries first on a tie: the candidate's row comes later in the matcher.
            merged = sorted(others + mine, key=lambda r: -r[1])
            top_before = [r[0].id for r in rows[:TOP_K]]
            top_after = [(r[0].id, r[1]) for r in merged[:TOP_K]]
            unchanged = top_after == [(r[0].id, r[1]) for r in rows[:TOP_K]]
            if unchanged and candidate.id not in top_before:
                out.append(outcome)
            else:
                decided = self._decide(p, merged, rules)
                weighed = mine and candidate.id in [r[0].id for r in merged[:TOP_K]]
                out.append(replace(decided, matched=mine[0][2]) if weighed else decided)
        return out

    def _decide(self, p: _Prepared, ranked: Sequence[Ranked], rules: BotRules) -> Outcome:
        said = plain(p.query)
        hits: tuple[Hit, ...] = tuple(
            hit_of(entry, score, p.language, rules, exact=plain(matched) == said)
            for entry, score, matched in ranked[:TOP_K]
        )
        turn = Turn(
            text=p.query,
            language="en" if p.language == "en" else "zh",
            analysis=p.analysis,
            hits=hits,
            greeted=p.greeted,
        )
        plan = policy.plan_turn(turn, BotMemory(), rules)
        flow = FLOW_FOR_INTENT.get(plan.flow, plan.flow) if plan.flow else None
        choices = tuple(c["value"] for c in plan.choices if c.get("value") not in ("human", None))
        return Outcome(plan.decision, plan.knowledge_id, flow, choices)
