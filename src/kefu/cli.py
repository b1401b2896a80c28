"""The `kefu` command line.

Each feature package contributes its own sub-commands through a `register(subparsers)`
function, so this module only wires them together. Bad input exits with code 2 and a message.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A user-facing error: printed without a traceback, exit code 2."""


def build_parser(*, with_nlu: bool = True) -> argparse.ArgumentParser:
    """`with_nlu=False` leaves the language tools' heavy imports (scikit-learn, models) out
    of processes that do not use them, such as the server (~100 MB less memory)."""
    parser = argparse.ArgumentParser(prog="kefu", description="kefu customer-service platform")
    subparsers = parser.add_subparsers(dest="command", required=True)
    from kefu.web import cli as web_cli

    web_cli.register(subparsers)
    from kefu import simulate

    simulate.register(subparsers)
    from kefu.planning import cli as planning_cli

    planning_cli.register(subparsers)
    from kefu.insight import cli as insight_cli

    insight_cli.register(subparsers)
    from kefu.learning import cli as learning_cli

    learning_cli.register(subparsers)
    if with_nlu:
        from kefu.nlu import cli as nlu_cli

        nlu_cli.register(subparsers)
    else:
        subparsers.add_parser("nlu", help="language understanding: train, eval, build models")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(with_nlu=words[:1] == ["nlu"] or not words or words[0].startswith("-"))
    args = parser.parse_args(words)
    handler: Handler = args.handler
    try:
        return handler(args)
    except CliError as exc:
        print(f"kefu: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
