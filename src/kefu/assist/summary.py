"""A short extractive summary of what the customer wants, in the conversation's language.

Built from what the language engine already found (intents, entities, emotion), never
generated: an agent must be able to trust every word of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from kefu.assist.turns import BotTurn, dominant_intent

# intent -> (zh, en); "{order}" becomes the order reference or a generic word.
INTENT_PHRASES: dict[str, tuple[str, str]] = {
    "order_status": ("询问{order}配送进度", "asks where {order} is"),
    "delivery_late": ("反映{order}配送超时", "reports that {order} is late"),
    "cancel_order": ("要求取消{order}", "wants to cancel {order}"),
    "change_address": ("要求修改{order}地址或电话", "wants to change the address of {order}"),
    "refund": ("申请{order}退款", "asks for a refund of {order}"),
    "food_quality": ("反映{order}餐品质量问题", "reports a food quality problem with {order}"),
    "payment_failed": ("反映支付失败", "reports a failed payment"),
    "coupon": ("咨询优惠券使用问题", "asks why a coupon did not apply"),
    "invoice": ("申请{order}发票", "asks for an invoice for {order}"),
    "rider_contact": ("要求联系骑手", "wants to reach the rider"),
    "account": ("咨询账户问题", "asks about their account"),
    "complaint": ("提出投诉", "makes a complaint"),
    "human_agent": ("要求转人工客服", "asks for a human agent"),
    "greeting": ("打招呼，尚未说明问题", "said hello without a question yet"),
    "thanks": ("表示感谢", "says thanks"),
}

EMOTION_WORDS: dict[str, tuple[str, str]] = {
    "anger": ("愤怒", "angry"),
    "anxiety": ("焦虑", "anxious"),
    "sadness": ("低落", "upset"),
    "joy": ("良好", "content"),
    "surprise": ("惊讶", "surprised"),
    "neutral": ("平稳", "calm"),
}

MAX_QUOTE = 40


def _order_ref(order_id: str | None, zh: bool) -> str:
    if order_id:
        return f"订单 #{order_id} " if zh else f"order #{order_id}"
    return "订单" if zh else "their order"


def summarise(turns: Sequence[BotTurn], language: str, *, related_order: str | None = None) -> str:
    """E.g. "顾客询问订单 #A123 配送进度，重复 4 次，情绪焦虑" or "Customer asks where order
    #A123 is, asked 4 times, anxious"."""
    zh = language != "en"
    if not turns:
        return "顾客尚未说明问题" if zh else "The customer has not said what they need yet"
    intent, times = dominant_intent(turns)
    parts: list[str] = []
    phrase = INTENT_PHRASES.get(intent or "")
    if phrase is not None:
        lead = phrase[0 if zh else 1].format(order=_order_ref(related_order, zh))
        parts.append(f"顾客{lead}" if zh else f"Customer {lead}")
    elif intent:
        parts.append(f"顾客咨询「{intent}」" if zh else f"Customer asks about {intent}")
    else:
        quote = turns[-1].text.strip().replace("\n", " ")
        if len(quote) > MAX_QUOTE:
            quote = quote[: MAX_QUOTE - 1] + "…"
        parts.append(f"顾客说：「{quote}」" if zh else f'Customer says: "{quote}"')
    if times > 1:
        parts.append(f"重复 {times} 次" if zh else f"asked {times} times")
    failures = sum(1 for t in turns if t.failed)
    if failures:
        parts.append(f"机器人 {failures} 次未能解决" if zh else f"bot failed {failures} times")
    emotion = turns[-1].emotion_category
    words = EMOTION_WORDS.get(emotion)
    if words is not None:
        parts.append(f"情绪{words[0]}" if zh else words[1])
    return ("，" if zh else ", ").join(parts)
