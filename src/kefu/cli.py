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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kefu", description="kefu customer-service platform")
    subparsers = parser.add_subparsers(dest="command", required=True)
    from kefu.nlu import cli as nlu_cli
    from kefu.web import cli as web_cli

    web_cli.register(subparsers)
    nlu_cli.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
