"""`kefu nlu …`: train, evaluate and build the language-understanding models."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

from kefu.cli import CliError
from kefu.nlu.build import EMOTION_DIR, KNOWLEDGE_DIR, MODELS_DIR, build_all, default_datasets_dir
from kefu.nlu.component import MANIFEST, ArtefactError, Manifest
from kefu.nlu.data import DataError, Example, read_examples, read_pairs
from kefu.nlu.emotion import EVAL_LABELS, EmotionClassifier, canonical_category
from kefu.nlu.engine import NluEngine
from kefu.nlu.intent import IntentClassifier
from kefu.nlu.matcher import KnowledgeMatcher
from kefu.nlu.metrics import classification_metrics, timed
from kefu.nlu.sentiment import SentimentClassifier

Handler = Callable[[argparse.Namespace], int]


def _guarded(fn: Handler) -> Handler:
    """Turn data and artefact problems into `CliError` (message, exit code 2)."""

    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except (DataError, ArtefactError) as exc:
            raise CliError(str(exc)) from exc

    return run


def _print(result: Mapping[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False, sort_keys=True))
        return
    for key, value in result.items():
        shown = f"{value:.4f}" if isinstance(value, float) else value
        print(f"{key:>18}: {shown}")


def _train(args: argparse.Namespace) -> int:
    examples = read_examples(args.data)
    try:
        if args.task == "intent":
            component: Any = IntentClassifier().train(examples)
        elif args.task == "sentiment":
            component = SentimentClassifier().train(examples)
        else:
            component = EmotionClassifier().train(examples)
    except ValueError as exc:
        raise CliError(f"{args.data}: {exc}") from exc
    out = component.save(args.out)
    manifest: Manifest = component.manifest
    _print(
        {"model": str(out), "model_version": manifest.model_version, **manifest.metrics}, args.json
    )
    return 0


def _eval_examples(model: Any, kind: str, examples: list[Example]) -> dict[str, float]:
    texts = [e.text for e in examples]
    if kind == "intent":
        predictions, latency = timed(model.predict, texts)
        predicted = [p.label for p in predictions]
        truth = [e.label for e in examples]
    elif kind == "sentiment":
        scores, latency = timed(model.predict, texts)
        predicted = ["1" if s >= 0.5 else "0" for s in scores]
        truth = [e.label for e in examples]
    else:
        readings, latency = timed(model.predict, texts)
        predicted = [EVAL_LABELS[r.category] for r in readings]
        try:
            truth = [EVAL_LABELS[canonical_category(e.label)] for e in examples]
        except ValueError as exc:
            raise CliError(str(exc)) from exc
    return {**classification_metrics(truth, predicted), **latency}


def _load(kind: str, directory: Path) -> Any:
    loaders: dict[str, Any] = {
        "intent": IntentClassifier,
        "sentiment": SentimentClassifier,
        "emotion": EmotionClassifier,
    }
    if kind not in loaders:
        raise CliError(f"{directory}: cannot evaluate a {kind!r} model on text,label data")
    return loaders[kind].load(directory)


def _eval(args: argparse.Namespace) -> int:
    manifest_path = Path(args.model) / MANIFEST
    if not manifest_path.is_file():
        raise CliError(f"{args.model} is not a kefu model: expected {MANIFEST} in it")
    kind = Manifest.from_json(manifest_path.read_text(encoding="utf-8")).kind
    model = _load(kind, Path(args.model))
    examples = read_examples(args.data, min_classes=1)
    _print(_eval_examples(model, kind, examples), args.json)
    return 0


def _builtin_emotion(models: Path) -> EmotionClassifier:
    return EmotionClassifier.load(models / EMOTION_DIR)


def _sentiment(args: argparse.Namespace) -> int:
    examples = read_examples(args.data, min_classes=1)
    bad = {e.label for e in examples} - {"0", "1"}
    if bad:
        raise CliError(f"{args.data}: sentiment labels must be 0 or 1, found {sorted(bad)}")
    sentiment = _builtin_emotion(Path(args.models)).sentiment
    if sentiment is None:
        raise CliError(f"{args.models}: the emotion model has no sentiment part")
    _print(_eval_examples(sentiment, "sentiment", examples), args.json)
    return 0


def _emotion(args: argparse.Namespace) -> int:
    examples = read_examples(args.data, min_classes=1)
    _print(_eval_examples(_builtin_emotion(Path(args.models)), "emotion", examples), args.json)
    return 0


def _match(args: argparse.Namespace) -> int:
    pairs = read_pairs(args.data)
    scorer = KnowledgeMatcher.load(Path(args.models) / KNOWLEDGE_DIR).pairs
    if scorer is None:
        raise CliError(f"{args.models}: the knowledge model has no pair scorer")
    scores, latency = timed(lambda p: scorer.score(p.text_a, p.text_b), pairs)
    predicted = [int(s >= scorer.active_threshold) for s in scores]
    truth = [p.label for p in pairs]
    result = {
        "accuracy": sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(pairs),
        "f1": float(f1_score(truth, predicted, zero_division=0)),
        "n": float(len(pairs)),
        "threshold": scorer.active_threshold,
        **latency,
    }
    _print(result, args.json)
    return 0


def _build(args: argparse.Namespace) -> int:
    build_all(
        Path(args.datasets),
        Path(args.out),
        log=lambda m: print(m, file=sys.stderr),
        keep_sentiment=args.keep_sentiment,
    )
    return 0


def _analyse(args: argparse.Namespace) -> int:
    engine = NluEngine.load(Path(args.models))
    analysis = engine.analyse(args.text)
    from dataclasses import asdict

    out = asdict(analysis)
    out.pop("vector", None)  # 384 numbers: not for reading
    print(json.dumps(out, ensure_ascii=False, indent=None if args.json else 2))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `kefu nlu` and its sub-commands."""
    nlu = subparsers.add_parser("nlu", help="language understanding: train, evaluate, build")
    commands = nlu.add_subparsers(dest="nlu_command", required=True)

    def add(name: str, fn: Handler, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
        parser.set_defaults(handler=_guarded(fn))
        return parser

    def add_json(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def add_models(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--models", default=str(MODELS_DIR), help="built-in models folder")

    p = add("train", _train, "train a model on a CSV file text,label")
    p.add_argument("--task", choices=("intent", "sentiment", "emotion"), default="intent")
    p.add_argument("--data", required=True, help="CSV text,label (label oos = out of scope)")
    p.add_argument("--out", required=True, help="directory to write the model to")
    add_json(p)

    p = add("eval", _eval, "evaluate a trained model on a CSV file text,label")
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    add_json(p)

    p = add("sentiment", _sentiment, "evaluate the built-in sentiment model (labels 1/0)")
    p.add_argument("--data", required=True)
    add_models(p)
    add_json(p)

    p = add("emotion", _emotion, "evaluate the built-in emotion model (happy/angry/sad/…)")
    p.add_argument("--data", required=True)
    add_models(p)
    add_json(p)

    p = add("match", _match, "evaluate the built-in question matcher on text_a,text_b,label")
    p.add_argument("--data", required=True)
    add_models(p)
    add_json(p)

    p = add("build-models", _build, "build the built-in models from the public data sets")
    p.add_argument("--datasets", default=str(default_datasets_dir()))
    p.add_argument("--out", default=str(MODELS_DIR))
    p.add_argument(
        "--keep-sentiment",
        action="store_true",
        help="reuse the sentiment model of the current emotion model (faster)",
    )

    from kefu.learning.cli import add_retrain

    add_retrain(commands)  # `kefu learn retrain` under the language tools' name

    p = add("analyse", _analyse, "analyse one message with the built-in models")
    p.add_argument("text")
    add_models(p)
    add_json(p)
