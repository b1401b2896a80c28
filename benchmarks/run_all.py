"""Runs every benchmarks/bench_*.py in turn, streaming its output; exits non-zero if any fails.

    python benchmarks/run_all.py            # full runs
    python benchmarks/run_all.py --quick    # passes --quick to every script that accepts it
    python benchmarks/run_all.py -k server  # only scripts whose name contains "server"

Scripts written by others are run too (bench_nlu.py, say); --quick is passed only to those
whose --help mentions it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def accepts_quick(script: Path) -> bool:
    try:
        shown = subprocess.run(
            [sys.executable, str(script), "--help"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        return False
    return shown.returncode == 0 and "--quick" in shown.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs where supported")
    parser.add_argument("-k", dest="pattern", default="", help="only scripts containing this")
    args = parser.parse_args(argv)

    scripts = sorted(p for p in HERE.glob("bench_*.py") if args.pattern in p.stem)
    if not scripts:
        print(f"no benchmarks/bench_*.py matching {args.pattern!r}", file=sys.stderr)
        return 1
    outcomes: list[tuple[str, int, float]] = []
    for script in scripts:
        command = [sys.executable, str(script)]
        if args.quick and accepts_quick(script):
            command.append("--quick")
        print(f"\n===== {script.name} {' '.join(command[2:])}".rstrip(), flush=True)
        began = time.monotonic()
        # Inherits stdout/stderr: the script's output streams through as it is written.
        returncode = subprocess.run(command, cwd=HERE.parent, check=False).returncode
        outcomes.append((script.name, returncode, time.monotonic() - began))

    print("\n===== summary")
    for name, returncode, seconds in outcomes:
        verdict = "ok" if returncode == 0 else f"FAILED (exit {returncode})"
        print(f"  {name:<28} {verdict:<20} {seconds:6.1f} s")
    return 0 if all(rc == 0 for _, rc, _ in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
