"""`kefu insight abtest` (an A/B file from any system) and `kefu insight export` (the raw
journey events as Parquet for a data warehouse)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kefu.cli import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("insight", help="journeys, experiments and exports")
    commands = parser.add_subparsers(dest="insight_command", required=True)
    ab = commands.add_parser("abtest", help="compare two variants from a CSV of outcomes")
    ab.add_argument("--data", required=True, help="CSV with variant,converted[,value]")
    ab.add_argument("--control", help="the control variant (default: the first one seen)")
    ab.add_argument("--json", action="store_true", help="print JSON")
    ab.set_defaults(handler=abtest_command)
    export = commands.add_parser("export", help="write the raw journey events")
    export.add_argument("--format", choices=["parquet"], default="parquet")
    export.add_argument("--out", default="journey_events.parquet")
    export.add_argument("--since", help="ISO date or time (UTC)")
    export.add_argument("--until", help="ISO date or time (UTC), exclusive")
    export.add_argument("--account", default="default", help="account id (default: default)")
    export.set_defaults(handler=export_command)


def read_outcomes(path: str) -> dict[str, tuple[list[int], list[float]]]:
    """variant → (converted 0/1 values, numeric `value`s). Raises CliError on bad input."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = [f.strip() for f in reader.fieldnames or []]
            if "variant" not in fields or "converted" not in fields:
                raise CliError(
                    f"{path}: needs the columns variant,converted (and optionally value)"
                )
            out: dict[str, tuple[list[int], list[float]]] = {}
            for line, row in enumerate(reader, start=2):
                row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
                variant, converted = row.get("variant", ""), row.get("converted", "")
                if not variant:
                    raise CliError(f"{path}: line {line}: variant is empty")
                if converted not in ("0", "1", "true", "false", "True", "False"):
                    raise CliError(
                        f"{path}: line {line}: converted must be 0 or 1, got {converted!r}"
                    )
                xs, values = out.setdefault(variant, ([], []))
                xs.append(1 if converted in ("1", "true", "True") else 0)
                raw = row.get("value", "")
                if raw:
                    try:
                        values.append(float(raw))
                    except ValueError as exc:
                        raise CliError(f"{path}: line {line}: value must be a number") from exc
    except FileNotFoundError as exc:
        raise CliError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not UTF-8 text") from exc
    if not out:
        raise CliError(f"{path}: no outcomes")
    if len(out) != 2:
        raise CliError(f"{path}: needs exactly two variants, found {len(out)}: {', '.join(out)}")
    return out


def abtest(data: dict[str, tuple[list[int], list[float]]], control: str | None) -> dict[str, Any]:
    names = list(data)
    control = control or names[0]
    if control not in data:
        raise CliError(f"no variant {control!r}; the variants are {', '.join(names)}")
    treatment = next(n for n in names if n != control)
    (xc, vc), (xt, vt) = data[control], data[treatment]
    from kefu.insight import stats  # numpy and scipy only when the command runs

    rates = stats.two_proportions(sum(xc), len(xc), sum(xt), len(xt))
    assert rates is not None
    means = stats.welch(vc, vt)
    return {
        "variants": {
            name: {
                "n": len(xs),
                "rate": round(sum(xs) / len(xs), 6),
                "mean_value": round(sum(vs) / len(vs), 6) if vs else None,
            }
            for name, (xs, vs) in data.items()
        },
        "control": control,
        "treatment": treatment,
        "diff": rates.diff,
        "ci_low": rates.ci_low,
        "ci_high": rates.ci_high,
        "p_value": rates.p_value,
        "value_diff": means.diff if means else None,
        "value_p_value": means.p_value if means else None,
    }


def abtest_command(args: argparse.Namespace) -> int:
    result = abtest(read_outcomes(args.data), args.control)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for name, v in result["variants"].items():
        print(f"{name}: n={v['n']} rate={v['rate']:.4f} mean_value={v['mean_value']}")
    print(
        f"{result['treatment']} − {result['control']}: {result['diff']:+.4f} "
        f"(95 % CI {result['ci_low']:+.4f} … {result['ci_high']:+.4f}), p = {result['p_value']:.4g}"
    )
    if result["value_diff"] is not None:
        print(f"value: {result['value_diff']:+.3f}, p = {result['value_p_value']:.4g} (Welch)")
    return 0


def _moment(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise CliError(f"--{name} must be an ISO date or time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def export_command(args: argparse.Namespace) -> int:
    from kefu import core
    from kefu.insight.export import ParquetWriter, export_journey_events
    from kefu.settings import Settings

    since, until = _moment(args.since, "since"), _moment(args.until, "until")
    out = Path(args.out)

    async def run() -> int:
        writer = ParquetWriter(str(out))
        try:
            async with core.insight_store(Settings()) as store:
                await export_journey_events(store, writer, args.account, since, until)
        finally:
            writer.close()
        return writer.rows

    rows = asyncio.run(run())
    print(json.dumps({"rows": rows, "path": str(out)}), file=sys.stdout)
    return 0
