"""Draw a new sample of JDDC customer pieces to label by hand (docs/realdev.md, sample 3).

The same rules as sample 2: rows labelled by no earlier sample, one piece per row — the first
piece of the `context_QAQAQ` window or the last one before `agent_response` (both customer
turns by construction), chosen with the seeded generator —, only "substantive" pieces (at least
6 characters once placeholders, links and punctuation are removed; not a pasted order card),
no text already drawn or labelled. It prints `row_id,piece,text` for the person labelling; the
repository keeps only the row ids and the labels (`benchmarks/data/jddc_labels.csv`).

    python benchmarks/sample_jddc.py --seed 20180713 --n 240 > /tmp/sample3.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_realdev import DATASET, dataset_pieces, read_jddc_labels

_PLACEHOLDER = re.compile(r"\[[^\[\]]*\]")
_LINK = re.compile(r"https?://\S+|www\.\S+")
_NOT_WORD = re.compile(r"[\s\W_]+")
_ORDER_CARD = re.compile(r"ORDERID|订单编号|订单号[:：]|订单金额|下单时间")


def substantive(text: str) -> bool:
    if _ORDER_CARD.search(text):
        return False
    bare = _PLACEHOLDER.sub("", _PLACEHOLDER.sub("", text))
    bare = _NOT_WORD.sub("", _LINK.sub("", bare))
    return len(bare) >= 6


def draw(seed: int, n: int) -> list[tuple[str, int, str]]:
    pieces = dataset_pieces()
    labelled = read_jddc_labels()
    used = {r["row_id"] for r in labelled}
    seen = {pieces[r["row_id"]][int(r["piece"])].strip() for r in labelled}
    rows = sorted(row_id for row_id in pieces if row_id not in used)
    rng = random.Random(seed)
    rng.shuffle(rows)
    out: list[tuple[str, int, str]] = []
    for row_id in rows:
        row = pieces[row_id]
        if not row:
            continue
        index = rng.choice((0, len(row) - 1))
        text = row[index].strip()
        if not text or text in seen or not substantive(text):
            continue
        seen.add(text)
        out.append((row_id, index, text))
        if len(out) >= n:
            break
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20180713)
    parser.add_argument("--n", type=int, default=240)
    args = parser.parse_args(argv)
    if not DATASET.exists():
        print(f"{DATASET} not found", file=sys.stderr)
        return 1
    writer = csv.writer(sys.stdout)
    writer.writerow(("row_id", "piece", "text"))
    for row in draw(args.seed, args.n):
        writer.writerow(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
