"""Agent assist: the hand-over card and package, suggestions while a human chats, canned
responses. Pure rules in `card`, `summary`, `scripts`, `suggest`; use cases in `cards`,
`service`, `package`. See docs/assist.md."""

from kefu.assist.card import CARD_FIELDS, CardFacts, HandoverCard, build_card
from kefu.assist.cards import CardService
from kefu.assist.packs import NoPacks, PackNotice, PackSource
from kefu.assist.service import AssistService
from kefu.assist.turns import BotTurn

__all__ = [
    "CARD_FIELDS",
    "AssistService",
    "BotTurn",
    "CardFacts",
    "CardService",
    "HandoverCard",
    "NoPacks",
    "PackNotice",
    "PackSource",
    "build_card",
]
