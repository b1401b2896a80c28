"""What the bot says, in Chinese and English. One place, so wording is reviewed together."""

from __future__ import annotations

from kefu.domain.business import Language

_TEXTS: dict[str, tuple[str, str]] = {
    "greeting": (
        "您好，我是小助手，请问有什么可以帮您？",
        "Hi, I'm the kefu assistant. How can I help?",
    ),
    "greeting_protected": (
        "您好！我们为您优先安排了人工客服，需要现在为您转接吗？",
        "Hello! A member of our team is ready for you first. Shall I connect you now?",
    ),
    "human": ("转人工", "Talk to a person"),
    "keep_bot": ("先自助看看", "I'll try self-service"),
    "thanks": ("不客气，祝您用餐愉快！还有其他问题随时找我。", "You're welcome, enjoy your meal!"),
    "unknown": (
        "抱歉，这个问题我还没学会。您可以换个说法，或者转人工客服。",
        "Sorry, I don't know that one yet. Try asking another way, or talk to a person.",
    ),
    "clarify": ("您想问的是下面哪一个？", "Which of these do you mean?"),
    "handover": (
        "好的，正在为您转接人工客服，请稍候。您之前说的内容客服都能看到，不用重复哦。",
        "Connecting you to a person now. They can see everything you've told me, "
        "so you won't need to repeat yourself.",
    ),
    "handover_soothe": (
        "非常抱歉给您带来不好的体验，我马上为您转接专属客服优先处理。",
        "I'm really sorry about this. I'm connecting you to a senior agent right away.",
    ),
    "soothe": (
        "非常理解您着急的心情，我们马上帮您处理。",
        "I completely understand, let's get this sorted right away.",
    ),
    "draft_pending": (
        "收到，客服正在为您确认处理结果，请稍候。",
        "Got it. A colleague is confirming this for you, one moment please.",
    ),
    "business_down": (
        "抱歉，订单系统暂时无法查询，请稍后再试，或者转人工客服。",
        "Sorry, our order system isn't answering right now. Please try again later, "
        "or talk to a person.",
    ),
    "which_order": ("请问是哪一个订单？", "Which order is it about?"),
    "no_orders": ("没有找到您近期相关的订单。", "I couldn't find a recent order for this."),
    "confirm": ("确认", "Yes, go ahead"),
    "cancel": ("算了", "No, leave it"),
    "flow_dropped": ("好的，已为您取消操作。", "OK, I've left it as it was."),
    "remedy_coupon": (
        "为表歉意，已为您发放一张{amount}无门槛优惠券，下单时自动可用。",
        "As an apology, a {amount} coupon has been added to your account.",
    ),
    "remedy_refund": (
        "如菜品有问题，可为您申请最高{amount}的部分退款，需要的话请告诉我。",
        "If the food was not right, I can request a partial refund of up to {amount} for you.",
    ),
}


def say(key: str, language: Language, **values: object) -> str:
    zh, en = _TEXTS[key]
    text = zh if language == "zh" else en
    return text.format(**values) if values else text


def pick(language: Language, zh: str, en: str) -> str:
    return zh if language == "zh" else en
