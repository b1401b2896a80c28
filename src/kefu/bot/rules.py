"""Hand-over rules and bot settings: one validated document per account.

Admins edit them through the API as JSON; `parse_rules` turns that into `BotRules` or an
`InvalidInput` naming the field, so a typo never reaches a live conversation. Thresholds
are data: the calibration maps, the precision target, which knowledge entries stand for a
task flow (`entry_flows`, defaults in `defaults.json`; an entry can also carry a
`flow.<name>` tag) and the remedies (the one remedy policy of `kefu.assist.scripts`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kefu.assist.scripts import DEFAULT_REMEDIES, RemedyRule
from kefu.bot.calibration import KINDS, CalibrationMap, parse_map
from kefu.domain.errors import InvalidInput

_DEFAULTS = json.loads((Path(__file__).with_name("defaults.json")).read_text(encoding="utf-8"))
DEFAULT_ENTRY_FLOWS: Mapping[str, str] = dict(_DEFAULTS["entry_flows"])
DEFAULT_CALIBRATION: Mapping[str, CalibrationMap] = {
    kind: parse_map(points) for kind, points in _DEFAULTS["calibration"].items()
}
#: Flows an entry or a tag may name (`change_phone` is the contact flow on the phone).
FLOW_NAMES = frozenset(
    {
        "order_status",
        "rider_contact",
        "cancel_order",
        "refund",
        "change_address",
        "change_phone",
        "coupon",
        "payment_failed",
        "invoice",
    }
)

EXPLICIT_PHRASES = (
    "转人工",
    "人工",
    "人工客服",
    "转专员",
    "找客服",
    "真人",
    "客服小姐姐",
    "human",
    "agent",
    "real person",
    "talk to a person",
    "customer service representative",
    "operator",
)
COMPLAINT_WORDS = ("投诉", "12315", "差评", "举报", "曝光", "消协", "complaint", "report you")


@dataclass(frozen=True, slots=True)
class BotRules:
    explicit_phrases: tuple[str, ...] = EXPLICIT_PHRASES
    complaint_words: tuple[str, ...] = COMPLAINT_WORDS
    #: The same intent asked more often than this is handed over ("repeated").
    repeat_limit: int = 3
    #: This many turns in a row the bot could not answer are handed over ("failures").
    failure_limit: int = 2
    #: VIPs get a human after fewer failures.
    vip_failure_limit: int = 1
    vip_tags: tuple[str, ...] = ("vip",)
    #: Customers with these tags are offered a human at once.
    protected_tags: tuple[str, ...] = ("elderly",)
    #: Anger above this hands over at once; anxiety above `anxiety_handover` on two
    #: messages in a row does too. Above `soothe_threshold` of negative emotion (anger,
    #: anxiety and sadness together) the bot soothes first. Chosen on held-out dev data so
    #: that neutral questions are rarely handed over (docs/nlu.md: 0.5 % at anger 0.65).
    anger_handover: float = 0.65
    anxiety_handover: float = 0.32
    soothe_threshold: float = 0.6
    #: Intents and knowledge categories the bot never handles alone.
    never_bot_intents: tuple[str, ...] = ()
    never_bot_categories: tuple[str, ...] = ()
    #: Intents where the bot drafts and a human approves before the customer sees it.
    draft_intents: tuple[str, ...] = ()
    #: Greet with a "human" choice so the customer may pick one up front.
    offer_human_up_front: bool = True
    #: Knowledge answers need at least this score; two hits closer than `clarify_margin`
    #: are offered as choices.
    answer_threshold: float = 0.5
    clarify_threshold: float = 0.25
    clarify_margin: float = 0.08
    #: A clarify offers the best entry and the others within `clarify_spread` of its score
    #: (each at least `clarify_threshold`), at most three.
    clarify_spread: float = 0.5
    #: A best entry leading the runner-up by this much is read through the `separated`
    #: calibration map (fitted on such clear winners) as well as the `knowledge` one.
    answer_separation: float = 0.2
    #: Below `clarify_threshold`, a best entry scoring at least `lone_floor` and at least
    #: `lone_ratio` times the runner-up is still offered as the one choice ("track order":
    #: short English requests score low against mostly-Chinese phrasings, yet rank right).
    lone_floor: float = 0.03
    lone_ratio: float = 4.0
    #: An order-status intent at least this sure, in a message that names its topic,
    #: starts the status look-up (the calib split: 6 of 7 right; a look-up changes nothing).
    status_intent_threshold: float = 0.99
    #: Below the precision target, a flow intent at least this confident whose topic the
    #: message names is offered as a choice ("查看订单进度") rather than started; 1 turns it off.
    flow_choice_threshold: float = 0.0
    queue: str = "general"
    complaint_priority: int = 50
    #: What the bot may offer an upset customer, per intent (shared with agent assist).
    remedies: tuple[RemedyRule, ...] = DEFAULT_REMEDIES
    #: The bot answers only where its estimated precision reaches this (selective answering).
    precision_target: float = 0.95
    #: Score -> precision maps per kind of evidence (`kefu.bot.calibration`).
    calibration: Mapping[str, CalibrationMap] = field(
        default_factory=lambda: dict(DEFAULT_CALIBRATION)
    )
    #: Knowledge entries that stand for a task flow (entry id -> flow name).
    entry_flows: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ENTRY_FLOWS))

    def precision(self, kind: str, score: float) -> float:
        found = self.calibration.get(kind)
        return found.precision(score) if found is not None else score

    def remedy_for(self, intent: str) -> RemedyRule | None:
        return next((r for r in self.remedies if r.intent == intent), None)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            data[f.name] = list(value) if isinstance(value, tuple) else value
        data["remedies"] = {
            r.intent: {
                "kind": "refund" if r.kind == "partial_refund" else r.kind,
                "amount_cents": r.amount_cents,
                "max_amount_cents": r.max_cents,
                **({"only_when_upset": True} if r.only_when_upset else {}),
            }
            for r in self.remedies
        }
        data["calibration"] = {k: m.to_list() for k, m in self.calibration.items()}
        data["entry_flows"] = dict(self.entry_flows)
        return data


DEFAULT_RULES = BotRules()
_LISTS = {f.name for f in fields(BotRules) if f.type == "tuple[str, ...]"}
_FLOATS = {"anger_handover", "anxiety_handover", "soothe_threshold", "answer_threshold"}
_FLOATS |= {"clarify_threshold", "clarify_margin", "precision_target", "clarify_spread"}
_FLOATS |= {"flow_choice_threshold", "answer_separation", "status_intent_threshold"}
_FLOATS |= {"lone_floor"}
_INTS = {"repeat_limit", "failure_limit", "vip_failure_limit", "complaint_priority"}


def parse_rules(data: Mapping[str, Any]) -> BotRules:
    """Rules from an admin's JSON; unknown or ill-typed fields are refused by name."""
    if not isinstance(data, Mapping):
        raise InvalidInput("rules must be a JSON object")
    known = {f.name for f in fields(BotRules)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput(f"unknown rule fields: {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        values[name] = _field(name, value)
    return BotRules(**values)


def _field(name: str, value: Any) -> Any:
    if name in _LISTS:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise InvalidInput(f"{name} must be a list of non-empty strings")
        return tuple(v.strip() for v in value)
    if name in _FLOATS:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise InvalidInput(f"{name} must be a number from 0 to 1")
        return float(value)
    if name == "lone_ratio":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 100:
            raise InvalidInput(f"{name} must be a number from 1 to 100")
        return float(value)
    if name in _INTS:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise InvalidInput(f"{name} must be a whole number from 0 to 100")
        return value
    if name == "offer_human_up_front":
        if not isinstance(value, bool):
            raise InvalidInput(f"{name} must be true or false")
        return value
    if name == "queue":
        if not isinstance(value, str) or not value.strip() or len(value) > 64:
            raise InvalidInput("queue must be a queue name")
        return value.strip()
    if name == "remedies":
        return _remedies(value)
    if name == "calibration":
        return _calibration(value)
    if name == "entry_flows":
        return _entry_flows(value)
    raise InvalidInput(f"unknown rule field {name}")  # pragma: no cover - guarded above


def _remedies(value: Any) -> tuple[RemedyRule, ...]:
    if not isinstance(value, Mapping):
        raise InvalidInput("remedies must map an intent to {kind, amount_cents, max_amount_cents}")
    out: list[RemedyRule] = []
    needed = {"kind", "amount_cents", "max_amount_cents"}
    for intent, spec in value.items():
        if not isinstance(spec, Mapping) or not needed <= set(spec) <= needed | {"only_when_upset"}:
            raise InvalidInput(f"remedies.{intent} needs kind, amount_cents and max_amount_cents")
        amount, most = spec["amount_cents"], spec["max_amount_cents"]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (amount, most)):
            raise InvalidInput(f"remedies.{intent} amounts must be whole numbers of cents")
        if spec["kind"] not in ("coupon", "refund"):
            raise InvalidInput(f"remedies.{intent}: remedy kind must be coupon or refund")
        if not 0 < amount <= most:
            raise InvalidInput(f"remedies.{intent}: amount must be positive and within its maximum")
        kind = "partial_refund" if spec["kind"] == "refund" else "coupon"
        upset = bool(spec.get("only_when_upset", False))
        out.append(RemedyRule(str(intent), kind, amount, most, only_when_upset=upset))
    return tuple(out)


def _calibration(value: Any) -> dict[str, CalibrationMap]:
    if not isinstance(value, Mapping) or not set(value) <= set(KINDS):
        raise InvalidInput(f"calibration must map {' / '.join(KINDS)} to [score, precision] pairs")
    out = dict(DEFAULT_CALIBRATION)
    for kind, points in value.items():
        try:
            out[kind] = parse_map(points)
        except ValueError as exc:
            raise InvalidInput(f"calibration.{kind} {exc}") from exc
    return out


def _entry_flows(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and v in FLOW_NAMES for k, v in value.items()
    ):
        names = ", ".join(sorted(FLOW_NAMES))
        raise InvalidInput(f"entry_flows must map knowledge entry ids to one of: {names}")
    return dict(value)
