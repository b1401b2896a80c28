"""`kefu plan …`: staffing, forecast, simulate, cost and peak from the command line.

Only the standard library at import time: the server's and the other commands' start-up
does not pay for statsmodels or SimPy, and nothing here opens the database or loads the
language models. Every sub-command prints text, or JSON with `--json`; bad input exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan = subparsers.add_parser("plan", help="planning: staffing, forecast, simulation, cost")
    commands = plan.add_subparsers(dest="plan_command", required=True)

    s = commands.add_parser("staffing", help="agents for one interval by Erlang C (or A)")
    s.add_argument("--contacts", type=float, required=True, help="contacts in the interval")
    s.add_argument("--interval-min", type=float, default=30)
    s.add_argument("--aht-s", type=float, default=180, help="average handling time")
    s.add_argument("--target-s", type=float, default=20, help="answer within this")
    s.add_argument("--service-level", type=float, default=0.8)
    s.add_argument("--max-occupancy", type=float, default=0.85)
    s.add_argument("--shrinkage", type=float, default=0.0)
    s.add_argument("--concurrency", type=int, default=1, help="chats an agent holds at once")
    s.add_argument("--patience-s", type=float, help="mean patience: Erlang A with abandonment")
    _json(s)
    s.set_defaults(handler=_guarded(_staffing))

    f = commands.add_parser("forecast", help="contacts per interval, with a backtest")
    f.add_argument("--data", type=Path, required=True, help="CSV with ts,contacts rows")
    f.add_argument("--horizon-days", type=float, default=7)
    f.add_argument("--events", type=Path, help="CSV with date,event or start,end,event rows")
    f.add_argument("--interval-min", type=int, default=30, choices=(15, 30, 60))
    f.add_argument("--level", type=float, default=0.8, help="prediction interval coverage")
    f.add_argument("--folds", type=int, default=3, help="rolling-origin backtest folds")
    f.add_argument("--timezone", default="Asia/Shanghai", help="for times with an offset")
    _json(f)
    f.set_defaults(handler=_guarded(_forecast))

    m = commands.add_parser("simulate", help="discrete-event simulation of bot + agents")
    m.add_argument("--contacts-per-hour", type=float, required=True)
    m.add_argument("--bot-containment", type=float, default=0.0)
    m.add_argument("--agents", type=int, required=True)
    m.add_argument("--concurrency", type=int, default=1)
    m.add_argument("--hours", type=float, default=8)
    m.add_argument("--aht-s", type=float, default=180)
    m.add_argument("--target-s", type=float, default=20)
    m.add_argument("--patience-s", type=float, help="mean patience (default: never give up)")
    m.add_argument("--bot-time-s", type=float, default=0.0, help="the bot's turn first")
    m.add_argument("--max-queue", type=int, help="beyond this many waiting: call-back")
    m.add_argument("--outage", metavar="START-END", help="hours when the bot is down, e.g. 2-3")
    m.add_argument("--burst", metavar="START-END:FACTOR", help="e.g. 1-1.5:3")
    m.add_argument("--promotion", type=float, default=1.0, help="all arrivals times this")
    m.add_argument("--warmup-h", type=float, default=0.0)
    m.add_argument("--seed", type=int, default=1)
    m.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    _json(m)
    m.set_defaults(handler=_guarded(_simulate))

    c = commands.add_parser("cost", help="cost per contact by tier and the automation threshold")
    c.add_argument("--contacts-per-hour", type=float, default=10_000)
    c.add_argument("--agent-cost-per-hour", type=float, default=45.0)
    c.add_argument("--overhead", type=float, default=0.4)
    c.add_argument("--infrastructure-per-contact", type=float, default=0.05)
    c.add_argument("--engine-cost-per-message", type=float, default=0.05)
    c.add_argument("--bot-messages", type=float, default=5.0)
    c.add_argument("--human-aht-s", type=float, default=420)
    c.add_argument("--handover-aht-s", type=float, default=380)
    c.add_argument("--concurrency", type=float, default=1.0)
    c.add_argument("--occupancy", type=float, default=0.9)
    c.add_argument("--complaint-cost", type=float, default=60.0)
    c.add_argument("--churn-per-complaint", type=float, default=0.15)
    c.add_argument("--customer-value", type=float, default=1200.0)
    c.add_argument("--protected-share", type=float, default=0.05)
    _json(c)
    c.set_defaults(handler=_guarded(_cost))

    p = commands.add_parser("peak", help="what it takes to hold a peak hour, with the bot")
    p.add_argument("--contacts-per-hour", type=float, default=65_000)
    p.add_argument("--service-level", type=float, default=0.8)
    p.add_argument("--target-s", type=float, default=20)
    p.add_argument("--bot-containment", type=float, default=0.7)
    p.add_argument("--aht-s", type=float, default=420)
    p.add_argument("--concurrency", type=int, default=3)
    p.add_argument("--shrinkage", type=float, default=0.3)
    p.add_argument("--check-hours", type=float, default=1.0, help="simulated check; 0 skips")
    _json(p)
    p.set_defaults(handler=_guarded(_peak))


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Domain errors (bad numbers, short history, unreadable files) become the CLI's
    message-and-exit-2."""

    def run(args: argparse.Namespace) -> int:
        from kefu.cli import CliError
        from kefu.domain.errors import DomainError

        try:
            return handler(args)
        except DomainError as exc:
            raise CliError(exc.message) from None
        except OSError as exc:
            raise CliError(f"cannot read {exc.filename}: {exc.strerror}") from None

    return run


def _print(args: argparse.Namespace, payload: object, text: str) -> int:
    print(json.dumps(payload, ensure_ascii=False) if args.json else text)
    return 0


def _staffing(args: argparse.Namespace) -> int:
    from kefu.planning.model import StaffingRequest
    from kefu.planning.staffing import staff

    result = staff(
        StaffingRequest(
            contacts=args.contacts,
            interval_min=args.interval_min,
            aht_s=args.aht_s,
            target_s=args.target_s,
            service_level=args.service_level,
            max_occupancy=args.max_occupancy,
            shrinkage=args.shrinkage,
            concurrency=args.concurrency,
            patience_s=args.patience_s,
        )
    )
    d = result.to_dict()
    text = (
        f"{d['agents_raw']} agents handling contacts, {d['agents']} rostered with shrinkage "
        f"({d['model']}): service level {d['service_level']:.3f}, occupancy "
        f"{d['occupancy']:.3f}, average speed of answer {d['asa_s']:.1f} s"
    )
    if result.abandonment is not None:
        text += f", abandonment {result.abandonment:.3f}"
    return _print(args, d, text)


def _forecast(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from kefu.planning import calendar
    from kefu.planning.actions import ForecastRequest, forecast_payload
    from kefu.planning.volumes import parse_volumes

    request = ForecastRequest(
        interval_min=args.interval_min,
        horizon_days=args.horizon_days,
        source="csv",
        level=args.level,
        folds=args.folds,
    )
    if args.horizon_days <= 0 or not 0 < args.level < 1:
        from kefu.domain.errors import InvalidInput

        raise InvalidInput("--horizon-days must be positive and --level between 0 and 1")
    history = parse_volumes(
        args.data.read_text(encoding="utf-8"), args.interval_min, ZoneInfo(args.timezone)
    )
    extra = calendar.parse_events(args.events.read_text(encoding="utf-8")) if args.events else []
    payload = forecast_payload(history, extra, request)
    payload.pop("history")
    points = payload["forecast"]
    assert isinstance(points, list)
    total = sum(float(p["yhat"]) for p in points)
    text = (
        f"{len(points)} intervals forecast, {total:,.0f} contacts in all; backtest WAPE "
        f"{payload['wape']:.3f}, {payload['coverage']:.0%} inside the {args.level:.0%} band; "
        f"uplifts {payload['uplifts']}"
    )
    return _print(args, payload, text)


def _window(text: str | None, flag: str, with_factor: bool) -> object:
    from kefu.domain.errors import InvalidInput
    from kefu.planning.model import Window

    if text is None:
        return None
    span, _, factor = text.partition(":")
    start, _, end = span.partition("-")
    try:
        window = Window(float(start), float(end), float(factor) if with_factor else 1.0)
    except ValueError:
        expected = "START-END:FACTOR" if with_factor else "START-END"
        raise InvalidInput(f"{flag} expects {expected} in hours, got {text!r}") from None
    if window.end_h <= window.start_h or window.factor < 0:
        raise InvalidInput(f"{flag}: the end must come after the start")
    return window


def _simulate(args: argparse.Namespace) -> int:
    from kefu.domain.errors import InvalidInput
    from kefu.planning.simulation import SimulationConfig, simulate

    if args.promotion <= 0:
        raise InvalidInput("--promotion must be a positive factor")
    config = SimulationConfig(
        rates_per_hour=(args.contacts_per_hour * args.promotion,),
        hours=args.hours,
        agents=args.agents,
        bot_containment=args.bot_containment,
        concurrency=args.concurrency,
        aht_s=args.aht_s,
        target_s=args.target_s,
        patience_s=args.patience_s,
        bot_time_s=args.bot_time_s,
        max_queue=args.max_queue,
        outage=_window(args.outage, "--outage", False),  # type: ignore[arg-type]
        burst=_window(args.burst, "--burst", True),  # type: ignore[arg-type]
        warmup_h=args.warmup_h,
        seed=args.seed,
    )
    show = sys.stderr.isatty() if args.progress is None else args.progress
    bar = ProgressBar(sys.stderr) if show else None
    result = simulate(config, bar.update if bar else None)
    if bar:
        bar.close()
    d = result.to_dict()
    text = (
        f"{d['offered']} customers, {d['bot_resolved']} closed by the bot, {d['to_humans']} to "
        f"agents: service level {d['service_level']:.3f}, average wait {d['avg_wait_s']:.1f} s, "
        f"p90 wait {d['p90_wait_s']:.1f} s, abandonment {d['abandonment']:.3f}, occupancy "
        f"{d['occupancy']:.3f}, overflowed {d['overflowed']}"
    )
    return _print(args, d, text)


def _cost(args: argparse.Namespace) -> int:
    from kefu.planning.cost import Rates, ValueLoss, automation_curve

    rates = Rates(
        agent_cost_per_hour=args.agent_cost_per_hour,
        overhead=args.overhead,
        infrastructure_per_contact=args.infrastructure_per_contact,
        engine_cost_per_message=args.engine_cost_per_message,
        bot_messages_per_contact=args.bot_messages,
        human_aht_s=args.human_aht_s,
        handover_aht_s=args.handover_aht_s,
        concurrency=args.concurrency,
        occupancy=args.occupancy,
    )
    loss = ValueLoss(
        complaint_cost=args.complaint_cost,
        churn_per_complaint=args.churn_per_complaint,
        customer_value=args.customer_value,
    )
    curve = automation_curve(
        contacts_per_hour=args.contacts_per_hour,
        rates=rates,
        loss=loss,
        protected_share=args.protected_share,
    )
    tiers = curve.tiers
    text = (
        f"per contact: bot ¥{tiers.bot_only:.2f}, bot + person ¥{tiers.bot_then_human:.2f}, "
        f"person ¥{tiers.human_only:.2f}; automation threshold {curve.threshold:.1%} of "
        f"unprotected contacts (cost + value lost ¥{curve.best.total:,.0f}/h at "
        f"{curve.best.level:.0%})"
    )
    return _print(args, curve.to_dict(), text)


def _peak(args: argparse.Namespace) -> int:
    from kefu.planning.peak import PeakQuestion, answer

    payload = answer(
        PeakQuestion(
            contacts_per_hour=args.contacts_per_hour,
            service_level=args.service_level,
            target_s=args.target_s,
            bot_containment=args.bot_containment,
            aht_s=args.aht_s,
            concurrency=args.concurrency,
            shrinkage=args.shrinkage,
            check_hours=args.check_hours,
        )
    )
    scenarios = payload["scenarios"]
    assert isinstance(scenarios, dict)
    lines = [
        f"{args.contacts_per_hour:,.0f} contacts an hour at {args.service_level:.0%}/"
        f"{args.target_s:g}s:"
    ]
    for name, s in scenarios.items():
        staffing = s["staffing"]
        lines.append(
            f"  {name}: {staffing['agents_raw']} agents on the floor, {staffing['agents']} "
            f"rostered, ¥{s['cost_per_hour']:,}/h"
        )
    return _print(args, payload, "\n".join(lines))


class ProgressBar:
    """`[#####-----]  50%` redrawn in place on a terminal stream."""

    def __init__(self, stream: TextIO, width: int = 30, label: str = "simulating") -> None:
        self.stream, self.width, self.label, self.shown = stream, width, label, -1

    def update(self, done: float) -> None:
        percent = int(done * 100)
        if percent == self.shown:
            return
        self.shown = percent
        filled = int(self.width * done)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}%")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
