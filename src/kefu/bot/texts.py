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
        "抱歉，这个问题我还没学会，不想随便回答误导您。我可以帮您查订单进度、退款、取消或修改订单、"
        "优惠券和发票；其他问题可以点“转人工”，我已把您的问题记下来交给同事完善。",
        "Sorry, I don't know that one yet, and I'd rather not guess. I can help with order "
        "status, refunds, cancelling or changing an order, coupons and invoices; for anything "
        'else, tap "Talk to a person". I\'ve passed your question on so we can learn it.',
    ),
    "prompt": (
        "我在的，请问有什么可以帮您？比如查订单、退款或优惠券。",
        "I'm here. What can I help with? For example an order, a refund or a coupon.",
    ),
    "ack": ("好的。还有什么可以帮您的吗？", "OK. Is there anything else I can help with?"),
    "not_sure_flow": (
        "您是想让我现在帮您办理，还是想了解相关规则？",
        "Would you like me to do this for you now, or to know how it works?",
    ),
    "do_it": ("帮我办理", "Do it for me"),
    "late_again": (
        "非常抱歉，订单确实已经超时很久了，这不该发生。",
        "I'm really sorry: your order is well overdue, and that shouldn't happen.",
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


#: A task flow offered as one of a clarify's choices.
FLOW_CHOICES: dict[str, tuple[str, str]] = {
    "order_status": ("查看我的订单进度", "Check where my order is"),
    "rider_contact": ("联系骑手", "Contact my rider"),
    "cancel_order": ("取消订单", "Cancel my order"),
    "refund": ("申请退款", "Ask for a refund"),
    "change_address": ("修改收货地址", "Change the delivery address"),
    "change_phone": ("修改联系电话", "Change the phone number"),
    "coupon": ("查看优惠券", "Check my coupons"),
    "payment_failed": ("查询支付问题", "Check a payment problem"),
    "invoice": ("开发票", "Get an invoice"),
}


def flow_choice(flow: str, language: Language) -> str:
    zh, en = FLOW_CHOICES.get(flow, ("办理这项业务", "Do this for me"))
    return zh if language == "zh" else en


#: Hand-over reasons, as a customer or an agent may read them.
HANDOVER_REASONS: dict[str, tuple[str, str]] = {
    "explicit_request": ("您要求人工服务", "you asked for a person"),
    "customer_choice": ("您选择了人工服务", "you chose to talk to a person"),
    "protected_customer": ("为您优先安排人工服务", "a person looks after you first"),
    "complaint": ("投诉需要人工处理", "a complaint needs a person"),
    "negative_emotion": ("需要人工尽快帮您处理", "a person should help you quickly"),
    "never_bot_category": ("这类问题由人工处理", "a person handles this kind of question"),
    "repeated": ("同一个问题问了多次", "the same question came up several times"),
    "failures": ("我没能回答您的问题", "I could not answer your question"),
    "vip": ("会员优先人工服务", "members get a person sooner"),
    "late_order": ("订单严重超时", "the order is badly overdue"),
    "draft_rejected": ("需要人工确认", "a person needs to confirm this"),
}


def reason_text(code: str, language: Language) -> str:
    zh, en = HANDOVER_REASONS.get(code, ("需要人工处理", "a person needs to help"))
    return zh if language == "zh" else en


def say(key: str, language: Language, **values: object) -> str:
    zh, en = _TEXTS[key]
    text = zh if language == "zh" else en
    return text.format(**values) if values else text


def pick(language: Language, zh: str, en: str) -> str:
    return zh if language == "zh" else en
