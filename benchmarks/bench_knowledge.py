"""How well the live matcher finds the demo knowledge base's entries for new wording.

    .venv/bin/python benchmarks/bench_knowledge.py [--quick]

Loads the demo knowledge base (src/kefu/knowledge/demo/knowledge.yaml) into the built-in
matcher exactly as `KnowledgeService` does at start-up, then asks it the held-out
paraphrases (demo/heldout.yaml: written apart from the phrasings, none of them is one) and
reports top-1 and top-3 accuracy per language, plus the time of one `match` call. Writes
benchmarks/results/knowledge.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path
from typing import Any

from kefu.adapters.bus.memory import InMemoryBus
from kefu.knowledge.demo import demo_entries, heldout_questions
from kefu.knowledge.memory import MemoryKnowledgeStore
from kefu.knowledge.service import KnowledgeService
from kefu.nlu.build import KNOWLEDGE_DIR, MODELS_DIR
from kefu.nlu.matcher import KnowledgeMatcher

RESULTS = Path(__file__).parent / "results" / "knowledge.json"


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


async def build() -> KnowledgeService:
    matcher = KnowledgeMatcher.load(MODELS_DIR / KNOWLEDGE_DIR)
    service = KnowledgeService(MemoryKnowledgeStore(), InMemoryBus(), matcher)
    await service.load(seed=demo_entries())
    return service


def measure(service: KnowledgeService, repeats: int) -> dict[str, Any]:
    questions = [(q, entry_id) for entry_id, qs in heldout_questions().items() for q in qs]
    by_language: dict[str, list[tuple[bool, bool]]] = {"zh": [], "en": []}
    misses = []
    for question, expected in questions:
        # The raw ranking: validity and audience filters are not what is measured here.
        ranked = [m.entry_id for m in service.matcher.match(question, 3)]
        top1, top3 = ranked[:1] == [expected], expected in ranked
        by_language["zh" if is_chinese(question) else "en"].append((top1, top3))
        if not top1:
            misses.append({"question": question, "expected": expected, "got": ranked})
    timings = []
    for _ in range(repeats):
        for question, _expected in questions:
            start = time.perf_counter()
            service.match(question, language="zh", customer_tags=["student"], top_k=3)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()

    def accuracy(rows: list[tuple[bool, bool]]) -> dict[str, Any]:
        n = len(rows)
        return {
            "questions": n,
            "top1": round(sum(a for a, _ in rows) / n, 4),
            "top3": round(sum(b for _, b in rows) / n, 4),
        }

    everything = by_language["zh"] + by_language["en"]
    return {
        "entries": len(service.all()),
        "heldout": accuracy(everything),
        "by_language": {lang: accuracy(rows) for lang, rows in by_language.items()},
        "match_ms": {
            "p50": round(statistics.median(timings), 3),
            "p99": round(timings[int(0.99 * (len(timings) - 1))], 3),
            "calls": len(timings),
        },
        "misses_top1": misses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer timing repeats")
    args = parser.parse_args(argv)
    service = asyncio.run(build())
    result = measure(service, repeats=2 if args.quick else 20)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    held = result["heldout"]
    print(f"knowledge base: {result['entries']} entries, {held['questions']} held-out questions")
    print(f"  all  top-1 {held['top1']:.1%}  top-3 {held['top3']:.1%}")
    for lang, row in result["by_language"].items():
        print(f"  {lang}   top-1 {row['top1']:.1%}  top-3 {row['top3']:.1%}  ({row['questions']})")
    timing = result["match_ms"]
    print(f"  match p50 {timing['p50']} ms, p99 {timing['p99']} ms over {timing['calls']} calls")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
