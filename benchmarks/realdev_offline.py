"""The real dev set's first turns through the bot's policy in process: a fast mirror of
`bench_realdev.py` for tuning on the calib split.

`bench_realdev.py` replays every message through a running server (minutes); this builds the
same `Turn` the bot's `take_turn` builds for the first message of a conversation — greeting
stripped, the engine's analysis, the knowledge base's top 3 — once per message, and then asks
the pure `policy.plan_turn` what to do, as often as wanted, with the rules it is given. Flows
are not executed (a flow that starts counts as started), so a figure here can differ from the
server replay's where a flow cannot finish; the server replay is the one reported.

    python benchmarks/realdev_offline.py [--split calib] [--set jddc|en|all] [--show]

`--show` prints every message's decision with its label — for the calib split only (dev is
for reporting: its rows are never looked at one by one).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_realdev import Case, Turn, judge, label_kind, load_cases, score
from kefu.bot import cues, policy
from kefu.bot.flows import FLOW_FOR_INTENT
from kefu.bot.memory import BotMemory
from kefu.bot.model import Hit
from kefu.bot.model import Turn as BotTurn
from kefu.bot.records import hit_of, plain
from kefu.bot.rules import DEFAULT_RULES, BotRules

#: The demo customers of the replay have no protected tags.
_TAGS: tuple[str, ...] = ()


class Prepared:
    """Every message's `Turn` as the bot's first turn of a conversation would see it."""

    def __init__(self, cases: list[Case]) -> None:
        self.cases = cases
        self.turns: list[BotTurn] = asyncio.run(self._prepare(cases))

    @staticmethod
    async def _prepare(cases: list[Case]) -> list[BotTurn]:
        from kefu.adapters.bus.memory import InMemoryBus
        from kefu.bootstrap import load_nlu
        from kefu.knowledge.demo import demo_entries
        from kefu.knowledge.memory import MemoryKnowledgeStore
        from kefu.knowledge.service import KnowledgeService

        nlu = load_nlu()
        knowledge = KnowledgeService(MemoryKnowledgeStore(), InMemoryBus(), nlu.knowledge)
        await knowledge.load(seed=demo_entries())
        rules = DEFAULT_RULES
        out: list[BotTurn] = []
        for case in cases:
            text = case.text
            split = cues.opening(text)
            analysis = nlu.analyse(split.query, top_k=0)
            split = split.read_as_greeting(analysis.greeting)
            greeted, query = split.greeted, split.query
            language = analysis.language if analysis.language in ("zh", "en") else case.language
            found = knowledge.match(query, language=language, customer_tags=_TAGS, top_k=3)
            said = plain(query)
            hits: tuple[Hit, ...] = tuple(
                hit_of(h.entry, h.score, language, rules, exact=plain(h.matched_text) == said)
                for h in found
            )
            out.append(
                BotTurn(
                    text=query,
                    language="en" if language == "en" else "zh",
                    analysis=analysis,
                    hits=hits,
                    customer_tags=_TAGS,
                    greeted=greeted,
                )
            )
        return out

    def decide(self, rules: BotRules) -> list[Turn]:
        return [as_bench_turn(policy.plan_turn(t, BotMemory(), rules)) for t in self.turns]


def as_bench_turn(plan: Any) -> Turn:
    flow = FLOW_FOR_INTENT.get(plan.flow, plan.flow) if plan.flow else None
    if plan.decision == "flow" and flow == "change_address" and plan.memory.flow is None:
        flow = "change_address"
    choices = tuple(c["value"] for c in plan.choices if c.get("value") not in ("human", None))
    return Turn(
        decision=plan.decision,
        knowledge_id=plan.knowledge_id,
        flow=flow,
        confidence=plan.confidence,
        choices=choices,
    )


def report(cases: list[Case], turns: list[Turn]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for which in ("jddc", "en"):
        picked = [(c, t) for c, t in zip(cases, turns, strict=True) if c.set == which]
        if picked:
            out[which] = score([c for c, _ in picked], [t for _, t in picked])
    return out


def line(which: str, s: dict[str, Any]) -> str:
    return (
        f"{which:4} n={s['messages']:4} handled {s['handled_right']:.1%} "
        f"coverage {s['coverage']:.1%} (answered {s['answered_right']:.1%}) "
        f"wrong {s['wrong_answer_rate'] or 0:.1%} ({s['wrong_answers']}/{s['answers']}) "
        f"none declined {s['none_declined']:.1%} human {s['handover_right']:.0%} "
        f"greeting {s['greeting_right']:.0%}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("calib", "dev"), default="calib")
    parser.add_argument("--set", dest="which", choices=("jddc", "en", "all"), default="all")
    parser.add_argument("--show", action="store_true", help="every message (calib only)")
    args = parser.parse_args(argv)
    cases, _ = load_cases(args.which, args.split, None)
    prepared = Prepared(cases)
    turns = prepared.decide(DEFAULT_RULES)
    for which, s in report(cases, turns).items():
        print(line(which, s))
    if args.show and args.split == "calib":
        for case, turn, bot_turn in zip(cases, turns, prepared.turns, strict=True):
            hits = " ".join(f"{h.entry_id}:{h.score:.2f}" for h in bot_turn.hits)
            intent = bot_turn.analysis.intent
            print(
                f"{label_kind(case.label)[:5]:5} {judge(case, turn):15} {turn.decision:8} "
                f"{turn.knowledge_id or turn.flow or '|'.join(turn.choices)} "
                f"[{intent.label}:{intent.confidence:.2f}{' oos' if intent.is_oos else ''}] "
                f"{hits} | {case.label} | {case.text[:50]}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
