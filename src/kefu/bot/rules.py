"""Hand-over rules and bot settings: one validated document per account.

Admins edit them through the API as JSON; `parse_rules` turns that into `BotRules` or an
`InvalidInput` naming the field, so a typo never reaches a live conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from kefu.domain.errors import InvalidInput

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
class Remedy:
    """What the bot may offer an upset customer for an intent, and the most it may give."""

    kind: str  # "coupon" or "refund"
    amount_cents: int
    max_amount_cents: int

    def __post_init__(self) -> None:
        if self.kind not in ("coupon", "refund"):
            raise InvalidInput("remedy kind must be coupon or refund")
        if not 0 < self.amount_cents <= self.max_amount_cents:
            raise InvalidInput("remedy amount must be positive and within its maximum")


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
    #: messages in a row does too. Above `soothe_threshold` the bot soothes first.
    anger_handover: float = 0.8
    anxiety_handover: float = 0.9
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
    clarify_threshold: float = 0.3
    clarify_margin: float = 0.08
    queue: str = "general"
    complaint_priority: int = 50
    remedies: Mapping[str, Remedy] = field(
        default_factory=lambda: {
            "delivery_late": Remedy("coupon", 500, 1000),
            "food_quality": Remedy("refund", 1000, 2000),
        }
    )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["remedies"] = {k: asdict(v) for k, v in self.remedies.items()}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


DEFAULT_RULES = BotRules()
_LISTS = {f.name for f in fields(BotRules) if f.type == "tuple[str, ...]"}
_FLOATS = {"anger_handover", "anxiety_handover", "soothe_threshold", "answer_threshold"}
_FLOATS |= {"clarify_threshold", "clarify_margin"}
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
    raise InvalidInput(f"unknown rule field {name}")  # pragma: no cover - guarded above


def _remedies(value: Any) -> dict[str, Remedy]:
    if not isinstance(value, Mapping):
        raise InvalidInput("remedies must map an intent to {kind, amount_cents, max_amount_cents}")
    out: dict[str, Remedy] = {}
    for intent, spec in value.items():
        if not isinstance(spec, Mapping) or set(spec) != {
            "kind",
            "amount_cents",
            "max_amount_cents",
        }:
            raise InvalidInput(f"remedies.{intent} needs kind, amount_cents and max_amount_cents")
        amount, most = spec["amount_cents"], spec["max_amount_cents"]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (amount, most)):
            raise InvalidInput(f"remedies.{intent} amounts must be whole numbers of cents")
        out[str(intent)] = Remedy(str(spec["kind"]), amount, most)
    return out
