"""Fit the bot's calibration maps (score -> estimated precision) on data it is not scored on.

Rows, written as `kind,score,correct` to a CSV and fitted with `kefu.bot.calibration`:

* in-domain: every phrasing of the demo knowledge base, left out of the index in turn and
  asked as a customer would (leave-one-out): correct when the best entry is its own. The
  held-out paraphrases (`knowledge/demo/heldout.yaml`) that the bot benchmark reports are
  never used.
* standard phrasings as customers type them (a prefix or suffix added: "请问…", "…呢",
  "hi, …", "… please"), the entry left in the index: correct when the best entry is its own.
* out-of-domain negatives: LCQMC dev questions (Chinese, open domain) and CLINC150 *train*
  out-of-scope requests (English): any answer to them is wrong.
* intent rows: the engine's confidence in a flow intent whose topic the message names (what
  the policy reads it for), correct when the intent's flow is the entry's.
* real customer messages (`--realdev`, the default): the `calib` split of kefu's real dev
  set (`benchmarks/data/jddc_labels.csv` + `en_requests.csv`, `docs/realdev.md`), each as
  the bot's first turn (`benchmarks/realdev_offline.py`): a knowledge row for the best entry
  (correct when the label names it or the flow it stands for) and an intent row where the
  message names the intent's flow (correct when the label names that flow). Every calib
  message counts, so an answer to an out-of-scope question or a fragment is a wrong row.
  The `dev` split is never read. Real text is what the maps are for, so these rows weigh
  `--realdev-weight` (3) times a generated row.

    python benchmarks/fit_bot_calibration.py [--out rows.csv] [--target 0.95] [--write]
                                             [--no-realdev] [--realdev-weight 3]

`--write` stores the fitted maps in `src/kefu/bot/defaults.json` (the rules' defaults); an
admin can PUT other maps per account (`calibration` in the bot rules). The lead re-runs this
at merge, when the language engine changes, or with real labelled rows instead.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
DEFAULTS = ROOT / "src" / "kefu" / "bot" / "defaults.json"


def _negatives(rng: random.Random, n_zh: int, n_en: int) -> list[str]:
    out: list[str] = []
    with (DATASETS / "lcqmc" / "dev.csv").open(encoding="utf-8") as handle:
        zh = [row["text_a"] for row in csv.DictReader(handle)]
    with (DATASETS / "clinc150" / "train.csv").open(encoding="utf-8") as handle:
        en = [row["text"] for row in csv.DictReader(handle) if row["label"] == "oos"]
    out += rng.sample(sorted(set(zh)), min(n_zh, len(set(zh))))
    out += rng.sample(sorted(set(en)), min(n_en, len(set(en))))
    return out


_ZH_AROUND = (("请问", ""), ("", "呢"), ("你好，", ""), ("", "啊"), ("想问一下", ""), ("", "？"))
_EN_AROUND = (("hi, ", ""), ("", " please"), ("hello ", ""), ("", "??"), ("quick question: ", ""))


def _typed(text: str, rng: random.Random) -> str:
    ascii_text = text.isascii()
    before, after = rng.choice(_EN_AROUND if ascii_text else _ZH_AROUND)
    core = text.rstrip("?？")
    return f"{before}{core[0].lower() + core[1:] if ascii_text and before else core}{after}"


def _flow(intent: str) -> str:
    from kefu.bot.flows import FLOW_FOR_INTENT

    return FLOW_FOR_INTENT.get(intent, intent)


def _flow_evidence(intent: object, text: str) -> bool:
    """Intent rows are what the policy reads them for: a flow intent whose topic the message
    names (`kefu.bot.cues.names_topic`)."""
    from kefu.bot import cues
    from kefu.bot.flows import FLOW_FOR_INTENT

    label = getattr(intent, "label", "")
    flow = FLOW_FOR_INTENT.get(label)
    return not getattr(intent, "is_oos", True) and flow is not None and cues.names_topic(flow, text)


def _knowledge_rows(found: Sequence[Any], right: bool) -> list[tuple[str, float, bool]]:
    """A `knowledge` row for the best match, and a `separated` one when it leads the
    runner-up by the rules' `answer_separation` (what the policy reads each map for)."""
    from kefu.bot.rules import DEFAULT_RULES

    top = found[0].score
    runner_up = found[1].score if len(found) > 1 else 0.0
    out = [("knowledge", top, right)]
    if top - runner_up >= DEFAULT_RULES.answer_separation:
        out.append(("separated", top, right))
    return out


def rows(seed: int = 3, n_zh: int = 400, n_en: int = 200) -> list[tuple[str, float, bool]]:
    from kefu.bootstrap import load_nlu
    from kefu.knowledge.demo import demo_entries
    from kefu.knowledge.service import matcher_entry

    rng = random.Random(seed)
    nlu = load_nlu()
    matcher = nlu.knowledge
    entries = [e for e in demo_entries() if e.enabled and "internal" not in e.tags]
    matcher.train([matcher_entry(e) for e in entries])
    out: list[tuple[str, float, bool]] = []
    for entry in entries:
        for text in entry.texts:
            typed = _typed(text, rng)
            found = matcher.match(typed, 2)
            if found:
                out += _knowledge_rows(found, found[0].entry_id == entry.id)
    for entry in entries:
        full = matcher_entry(entry)
        texts = list(entry.texts)
        for text in texts:
            rest = [t for t in texts if t != text]
            if not rest:
                continue
            matcher.add(replace(full, question=rest[0], phrasings=tuple(rest[1:])))
            found = matcher.match(text, 3)
            matcher.add(full)
            if found:
                out += _knowledge_rows(found, found[0].entry_id == entry.id)
            if entry.intent:
                intent = nlu.analyse(text, top_k=0).intent
                if _flow_evidence(intent, text):
                    same = _flow(intent.label) == _flow(entry.intent)
                    out.append(("intent", intent.confidence, same))
    for text in _negatives(rng, n_zh, n_en):
        found = matcher.match(text, 2)
        if found:
            out += _knowledge_rows(found, False)
        intent = nlu.analyse(text, top_k=0).intent
        if _flow_evidence(intent, text):
            out.append(("intent", intent.confidence, False))
    return out


def realdev_rows() -> list[tuple[str, float, bool]]:
    """Knowledge and intent rows from the calib split of the real dev set (never dev)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_realdev import load_cases
    from kefu.bot import cues
    from kefu.bot.flows import FLOW_FOR_INTENT
    from realdev_offline import Prepared

    cases, _ = load_cases("all", "calib", None)
    prepared = Prepared(cases)
    out: list[tuple[str, float, bool]] = []
    for case, turn in zip(cases, prepared.turns, strict=True):
        options = set(case.options)
        if turn.hits:
            top = turn.hits[0]
            right = top.entry_id in options or f"flow:{top.flow}" in options
            out += _knowledge_rows(turn.hits, right)
        intent = turn.analysis.intent
        flow = FLOW_FOR_INTENT.get(intent.label)
        if not intent.is_oos and flow is not None and cues.names_topic(flow, turn.text):
            named = {flow, "change_phone"} if flow == "change_address" else {flow}
            out.append(("intent", intent.confidence, any(f"flow:{f}" in options for f in named)))
    return out


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from kefu.bot.calibration import fit

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", default=str(ROOT / "benchmarks" / "results" / "bot_calibration.csv")
    )
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--write", action="store_true", help="store the maps as the defaults")
    parser.add_argument("--no-realdev", dest="realdev", action="store_false")
    parser.add_argument("--realdev-weight", type=int, default=3)
    args = parser.parse_args(argv)
    started = time.process_time()
    data = rows()
    if args.realdev:
        real = realdev_rows()
        print(f"realdev calib: {len(real)} rows, weight {args.realdev_weight}")
        data += real * args.realdev_weight
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "score", "correct"])
        writer.writerows((k, round(s, 5), int(ok)) for k, s, ok in data)
    maps = {}
    for kind in ("knowledge", "separated", "intent"):
        picked = [(s, ok) for k, s, ok in data if k == kind]
        maps[kind] = fit(picked)
        right = sum(ok for _, ok in picked)
        threshold = maps[kind].threshold(args.target)
        answered = [ok for s, ok in picked if threshold is not None and s >= threshold]
        print(
            f"{kind}: {len(picked)} rows, {right} correct; precision {args.target:.0%} from "
            f"score {threshold if threshold is None else round(threshold, 3)}; above it "
            f"{len(answered)} rows, precision "
            f"{(sum(answered) / len(answered)) if answered else 0:.3f}"
        )
    print(f"rows in {args.out}; {time.process_time() - started:.0f} s CPU")
    if args.write:
        defaults = json.loads(DEFAULTS.read_text(encoding="utf-8"))
        defaults["calibration"] = {kind: m.to_list() for kind, m in maps.items()}
        lines = ",\n".join(
            f'    "{kind}": {json.dumps(points)}'
            for kind, points in defaults["calibration"].items()
        )
        flows = json.dumps(defaults["entry_flows"], indent=2).replace("\n", "\n  ")
        DEFAULTS.write_text(
            f'{{\n  "entry_flows": {flows},\n  "calibration": {{\n{lines}\n  }}\n}}\n', "utf-8"
        )
        print(f"written to {DEFAULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
