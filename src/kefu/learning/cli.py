"""`kefu learn`: mine knowledge proposals from past conversations, retrain behind the
evaluation gate, roll back.

    kefu learn import-transcripts --data chats.csv [--database URL] [--json] [--out FILE]
    kefu learn retrain --registry DIR [--database URL] [--tolerance 0.01]
    kefu learn rollback --registry DIR

`kefu nlu retrain` is an alias of `kefu learn retrain` (same options, output, exit codes).

Registering the commands imports nothing heavy: the work lives in `kefu.learning.commands`,
loaded only when one of them runs (so `kefu users create` starts without numpy or models).
"""

from __future__ import annotations

import argparse

from kefu.cli import Handler

DEFAULT_ACCOUNT = "default"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    learn = subparsers.add_parser("learn", help="the learning loop: mine past conversations")
    commands = learn.add_subparsers(dest="learn_command", required=True)
    p = commands.add_parser("import-transcripts", help="propose knowledge from past chats")
    p.add_argument("--data", required=True, help="CSV: conversation_id,speaker,text or JDDC")
    p.add_argument("--database", help="queue the proposals in this kefu database")
    p.add_argument("--account", default=DEFAULT_ACCOUNT, help="account of the review queue")
    p.add_argument("--language", choices=("zh", "en"), default="zh")
    p.add_argument("--out", help="also write every proposal to this JSON file")
    p.add_argument(
        "--encoder",
        choices=("auto", "e5", "chars"),
        default="auto",
        help="sentence vectors: multilingual-e5 when installed (auto), or character n-grams",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    handler: Handler = _import_transcripts
    p.set_defaults(handler=handler)

    add_retrain(commands)

    p = commands.add_parser("rollback", help="make the previously promoted model current")
    p.add_argument("--registry", required=True)
    p.add_argument("--redis-url", help="tell running instances (default $KEFU_REDIS_URL)")
    p.add_argument("--json", action="store_true")
    rollback_handler: Handler = _rollback
    p.set_defaults(handler=rollback_handler)


RETRAIN_HELP = "build, evaluate and maybe promote a model"


def add_retrain(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`retrain` with its options; `kefu nlu retrain` is the same command under another
    name (the language tools' home), so both share this one definition."""
    p = commands.add_parser("retrain", help=RETRAIN_HELP)
    p.add_argument("--registry", required=True, help="folder of the model registry")
    p.add_argument("--database", help="train on this kefu database's knowledge base")
    p.add_argument("--account", default=DEFAULT_ACCOUNT)
    p.add_argument("--tolerance", type=float, default=0.01, help="largest allowed drop")
    p.add_argument("--intent-data", help="CSV text,label: also train a new intent model")
    p.add_argument("--datasets", help="folder of the shared data sets (CLINC150, JDDC)")
    p.add_argument("--redis-url", help="tell running instances (default $KEFU_REDIS_URL)")
    p.add_argument("--json", action="store_true")
    retrain_handler: Handler = _retrain
    p.set_defaults(handler=retrain_handler)


def _import_transcripts(args: argparse.Namespace) -> int:
    from kefu.learning import commands

    return commands.import_transcripts(args)


def _retrain(args: argparse.Namespace) -> int:
    from kefu.learning import commands

    return commands.retrain(args)


def _rollback(args: argparse.Namespace) -> int:
    from kefu.learning import commands

    return commands.rollback(args)
