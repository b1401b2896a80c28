"""No internal code reaches a customer: every flow's replies, in zh and en, for every demo
customer and order, read as sentences — never `order_in_progress`, never "paid"."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

import pytest

from kefu.adapters.business.fake import FakeFoodDelivery
from kefu.bot.flows import FLOWS, FlowContext, FlowReply, Input, start_state
from kefu.bot.flows.cards import PAYMENT_TEXT, STATUS_TEXT
from kefu.bot.flows.refusals import REFUSALS, refusal
from kefu.bot.memory import FlowState
from kefu.bot.texts import HANDOVER_REASONS, reason_text
from kefu.bot.wiring import refund_review_limit
from kefu.domain.business import Language, NotAllowed, OrderStatus, PaymentState

_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
_ENUMS = {s.value for s in OrderStatus} | {s.value for s in PaymentState}
CUSTOMERS = [f"stu-10{n:02d}" for n in range(1, 11)]
ANSWERS = ("紫荆公寓 9 号楼 13812345678 zhang@example.com 张伟", "yes")


def _codes_in(text: str) -> set[str]:
    found = set(_CODE.findall(text))
    words = set(re.findall(r"[A-Za-z_]+", text))
    # A bare enum value ("paid", "pending") said as a status is a code too.
    bare = {w for w in words & _ENUMS if re.search(rf"[:：(（]\s*{w}\b", text)}
    return found | bare


async def _conversation(flow: str, ref: str, language: Language, down: bool) -> list[str]:
    """Every reply of one flow for one customer, taking each order offered in turn."""
    texts: list[str] = []
    business = FakeFoodDelivery()
    if down:
        business.go_down()
    first = await _run(business, start_state(flow, ""), ref, language, Input("", None), texts)
    for choice in [c["value"] for c in first.payload.get("choices", [])]:
        fresh = FakeFoodDelivery()
        state = start_state(flow, "")
        await _run(fresh, state, ref, language, Input("", None), [])
        await _run(fresh, state, ref, language, Input(choice, choice), texts)
    return texts


async def _run(
    business: FakeFoodDelivery,
    state: FlowState,
    ref: str,
    language: Language,
    msg: Input,
    texts: list[str],
) -> FlowReply:
    ctx = FlowContext(
        business, ref, language, datetime.now().astimezone(), refund_review_limit(business)
    )
    reply = await FLOWS[state.name].step(ctx, state, msg)
    texts.append(reply.text)
    for answer in ANSWERS:
        if reply.done or reply.asks not in ("value", "details", "confirm"):
            break
        reply = await FLOWS[state.name].step(ctx, state, Input(answer, None))
        texts.append(reply.text)
    return reply


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_no_flow_reply_carries_an_internal_code(flow: str, language: Language) -> None:
    async def everything() -> list[str]:
        out: list[str] = []
        for ref in CUSTOMERS:
            for down in (False, True):
                out += await _conversation(flow, ref, language, down)
        return out

    texts = asyncio.run(everything())
    assert len(texts) >= len(CUSTOMERS)
    leaks = {t: _codes_in(t) for t in texts if _codes_in(t)}
    assert leaks == {}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_code_has_a_sentence(language: Language) -> None:
    sentences = [refusal(NotAllowed("x", code=code), language) for code in REFUSALS]
    sentences.append(refusal(NotAllowed("x", code="some_new_code"), language))
    sentences += [reason_text(code, language) for code in HANDOVER_REASONS]
    sentences += [pair[0 if language == "zh" else 1] for pair in STATUS_TEXT.values()]
    sentences += [pair[0 if language == "zh" else 1] for pair in PAYMENT_TEXT.values()]
    assert set(STATUS_TEXT) == set(OrderStatus) and set(PAYMENT_TEXT) == set(PaymentState)
    assert all(s and not _codes_in(s) for s in sentences)
