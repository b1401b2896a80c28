"""Soothing scripts and remedy suggestions for an upset customer, within configured limits.

Pure tables and rules; the amounts are what a team lead allows an agent to offer without
asking anyone (money in cents, like `kefu.domain.business`). This is the one remedy policy:
the bot offers the same `RemedyRule`s (`kefu.bot.rules.BotRules.remedies`, defaulting to
`DEFAULT_REMEDIES`) through the same `suggest_remedy`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kefu.domain.business import format_yuan

# emotion category -> (zh, en)
SOOTHING: dict[str, tuple[str, str]] = {
    "anger": (
        "非常抱歉给您带来了这么不好的体验，您的心情我完全理解。这件事由我负责跟进到底，"
        "我现在马上为您处理。",
        "I am truly sorry for this experience, and I understand why you are upset. I will "
        "personally see this through and I am working on it right now.",
    ),
    "anxiety": (
        "请您放心，我已经在为您查看了，会尽快给您一个准确的答复，不会让您一直等。",
        "Please don't worry, I am looking into it right now and will give you a clear answer "
        "as soon as possible.",
    ),
    "sadness": (
        "真的很抱歉让您失望了，谢谢您愿意告诉我们。我会尽力帮您把这件事处理好。",
        "I am really sorry we let you down, and thank you for telling us. I will do my best "
        "to put this right for you.",
    ),
}
#: For an index of 2 or lower with no clear negative category.
GENERAL_SOOTHING = (
    "抱歉让您不愉快了，我来帮您处理，请稍等片刻。",
    "Sorry this has been frustrating. Let me sort it out for you, one moment please.",
)


def soothing_script(emotion_category: str, language: str) -> tuple[str, str]:
    """(script key, text) for the customer's emotion."""
    key = emotion_category if emotion_category in SOOTHING else "general"
    zh, en = SOOTHING.get(emotion_category, GENERAL_SOOTHING)
    return key, en if language == "en" else zh


@dataclass(frozen=True, slots=True)
class RemedyRule:
    """What to offer for an intent. `amount_cents` is the usual offer and `max_cents` the
    most an agent may give on their own. `only_when_upset`: offer it only to a customer
    whose emotion is negative (a complaint), not for every such question."""

    intent: str
    kind: str  # "coupon" or "partial_refund"
    amount_cents: int
    max_cents: int
    only_when_upset: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("coupon", "partial_refund"):
            raise ValueError(f"remedy kind must be coupon or partial_refund, got {self.kind!r}")
        if not 0 < self.amount_cents <= self.max_cents:
            raise ValueError(f"remedy for {self.intent}: need 0 < amount <= max")


DEFAULT_REMEDIES: tuple[RemedyRule, ...] = (
    RemedyRule("delivery_late", "coupon", 500, 500),
    RemedyRule("food_quality", "partial_refund", 1000, 2000),
    RemedyRule("complaint", "coupon", 500, 1000, only_when_upset=True),
)


@dataclass(frozen=True, slots=True)
class Remedy:
    intent: str
    kind: str
    amount_cents: int
    max_cents: int
    text: str


_REMEDY_TEXT: Mapping[str, tuple[str, str]] = {
    "coupon": (
        "为表歉意，我为您申请了一张{amount}无门槛优惠券，下单即可使用。",
        "To make up for this, I have arranged a {amount} coupon for your next order.",
    ),
    "partial_refund": (
        "我为您申请{amount}的部分退款，将原路退回，请留意到账通知。",
        "I am arranging a partial refund of {amount} to your original payment method.",
    ),
}


def suggest_remedy(
    rules: Sequence[RemedyRule],
    intent: str | None,
    *,
    upset: bool,
    language: str,
    refundable_cents: int | None = None,
) -> Remedy | None:
    """The configured remedy for this intent, never above its limit nor (for a refund) above
    what the order can still refund."""
    rule = next((r for r in rules if r.intent == intent), None)
    if rule is None or (rule.only_when_upset and not upset):
        return None
    amount = min(rule.amount_cents, rule.max_cents)
    if rule.kind == "partial_refund" and refundable_cents is not None:
        amount = min(amount, refundable_cents)
        if amount <= 0:
            return None
    zh, en = _REMEDY_TEXT[rule.kind]
    text = (en if language == "en" else zh).format(amount=format_yuan(amount))
    return Remedy(rule.intent, rule.kind, amount, rule.max_cents, text)


def parse_remedies(raw: Sequence[Mapping[str, object]]) -> tuple[RemedyRule, ...]:
    """Rules from configuration (a list of {intent, kind, amount_cents, max_cents,
    only_when_upset}); a bad rule stops start-up with a clear message."""
    rules = []
    for item in raw:
        try:
            rules.append(
                RemedyRule(
                    intent=str(item["intent"]),
                    kind=str(item["kind"]),
                    amount_cents=int(str(item["amount_cents"])),
                    max_cents=int(str(item["max_cents"])),
                    only_when_upset=bool(item.get("only_when_upset", False)),
                )
            )
        except (KeyError, ValueError) as exc:
            raise ValueError(f"bad remedy rule {dict(item)!r}: {exc}") from exc
    return tuple(rules)
