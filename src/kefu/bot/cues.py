"""What the words of one message say about its form, whatever it is about. Pure.

The language engine says what a message is about (intent, knowledge matches); these cues
say how it is put: a request to act ("我要退款", "cancel my order") or a question about the
topic ("退款多久到账", "how long does a refund take"); an affirmation or a refusal that
answers the bot's last question; a greeting in front of a question; a fragment that leans
on what was said before ("那怎么办", "还没到", "and now?"); a filler with no content ("在吗").

The patterns are written in simplified Chinese: the policy reads a message through
`simplified` first (so does `leans_on_context`), so "我想問一下…手機號碼" names the same
topics as "我想问一下…手机号码". The text a flow keeps (an address, an invoice title) stays
as the customer typed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kefu.nlu.normalise import simplified as _simplified

_YES = re.compile(
    r"^(是|是的|好|好的|好滴|对|对的|确认|可以|嗯|嗯嗯|行|没问题|ok|okay|yes|yep|yeah|y|sure|"
    r"confirm|go ahead|please do)[\s\W]*$",
    re.I,
)
_NO = re.compile(r"^(不|不是|不用|不要|否|算了|no|n|nope|cancel|leave it|don't)[\s\W]*$", re.I)
#: Asking how/when/where/why: a knowledge question, even when it names an action.
_QUESTION_ZH = re.compile(
    r"怎么|怎样|如何|多久|多长时间|几天|哪里|哪儿|退到哪|到哪|什么|为什么|规则|流程|能不能退|可以退吗|"
    r"想知道|想问"
)
_QUESTION_EN = re.compile(
    r"\b(how|when|where|why|what|which|policy|rules?|long does|can i still)\b", re.I
)
#: Evidence of a request to act on an order.
_REQUEST_ZH = re.compile(
    r"我要|我想|想要|帮我|给我|麻烦|请帮|请你|申请|要求|给退|立即|马上|赶紧|能.{0,12}吗|可以.{0,12}吗|能不能|可不可以|^(退款|取消订单|取消|退钱|改地址)"
)
_REQUEST_EN = re.compile(
    r"\b(i want|i'd like|i would like|i need to (cancel|change|get)|please|pls|plz|"
    r"can you|could you|help me|want to|wanna|i wish to)\b|^(cancel|refund|change)\b",
    re.I,
)
_GREETING = re.compile(
    r"^(你好|您好|在吗|在不在|哈喽|嗨|(hiya|hi|hello|hey)( there)?(?![a-z])|"
    r"good (morning|afternoon|evening))"
    r"[\s,，!！。.~～?？]*",
    re.I,
)
_FILLER = re.compile(
    r"^(在吗|在不在|有人吗|喂|hello\?*|hi|hey|anyone there\??|[?？!！。.~]+)$", re.I
)
_CONTEXT_ZH = re.compile(r"^(那|那么|然后|还是|还没|怎么还|现在呢|所以|那我)")
_CONTEXT_EN = re.compile(r"^(and|so|then|still|what now|now what|and now)\b", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def simplified(text: str) -> str:
    """The message in simplified script, as the patterns below are written."""
    return _simplified(text)


def is_affirmation(text: str) -> bool:
    return bool(_YES.match(text.strip()))


def is_refusal(text: str) -> bool:
    return bool(_NO.match(text.strip()))


def asks_about(text: str) -> bool:
    """A question about how something works, not a request to do it."""
    return bool(_QUESTION_ZH.search(text) or _QUESTION_EN.search(text))


def requests_action(text: str) -> bool:
    """Evidence that the customer asks the bot to do something ("帮我取消", "cancel my order").
    A how/when/where question is not, even when polite ("能告诉我退款多久到账吗")."""
    stripped = strip_greeting(text)
    if asks_about(stripped):
        return bool(re.search(r"我要|帮我|给我|请帮|i want|please (cancel|refund)", stripped, re.I))
    return bool(_REQUEST_ZH.search(stripped) or _REQUEST_EN.search(stripped))


def strip_greeting(text: str) -> str:
    """The message without a greeting in front ("你好 什么时候发货" -> "什么时候发货")."""
    return _GREETING.sub("", text.strip(), count=1).strip()


def has_greeting(text: str) -> bool:
    return bool(_GREETING.match(text.strip()))


@dataclass(frozen=True, slots=True)
class Opening:
    """A message split at a greeting in front: `query` is what the bot reads and matches."""

    text: str
    rest: str
    greeted: bool

    @property
    def query(self) -> str:
        return self.rest if self.greeted else self.text

    def read_as_greeting(self, greeting: bool) -> Opening:
        """After the engine read `query`: a greeting it recognised that the words did not
        ("哈喽呀 ...") also counts, if something is left once it is taken off."""
        seen = greeting and bool(self.rest) and self.rest != self.text
        return replace(self, greeted=True) if seen and not self.greeted else self


def opening(text: str) -> Opening:
    """ "你好 什么时候发货" -> greeted, query "什么时候发货"; "你好 在吗" is a greeting only."""
    rest = strip_greeting(text)
    return Opening(text, rest, has_greeting(text) and bool(rest) and not is_filler(rest))


def is_filler(text: str) -> bool:
    return bool(_FILLER.match(text.strip()))


def is_short(text: str) -> bool:
    stripped = text.strip()
    if _CJK.search(stripped):
        return len(stripped) <= 6
    return len(stripped.split()) <= 3


_OUTRIGHT_ZH = re.compile(r"^(请|麻烦)?(我要|我想|帮我|给我|请帮我?|能不能|可以|能)")
_OUTRIGHT_EN = re.compile(
    r"^(please |pls )?(i want|i'd like|i need|cancel|refund|change|can you|could you|help me)",
    re.I,
)


def is_short_request(text: str) -> bool:
    """A plain request of a few words that starts by asking ("帮我取消订单", "cancel my
    order", "能改一下送餐地址吗"), not a story that ends in one."""
    stripped = strip_greeting(text)
    if _CJK.search(stripped):
        return len(stripped) <= 12 and bool(_OUTRIGHT_ZH.match(stripped))
    return len(stripped.split()) <= 6 and bool(_OUTRIGHT_EN.match(stripped))


def leans_on_context(text: str) -> bool:
    """A fragment that makes sense only with what was said before."""
    stripped = simplified(text).strip()
    return is_short(stripped) and bool(
        _CONTEXT_ZH.match(stripped)
        or _CONTEXT_EN.match(stripped)
        or stripped.endswith(("呢", "呢？", "呢?"))
    )


def is_question(text: str) -> bool:
    stripped = text.strip()
    return stripped.endswith(("?", "？", "吗", "呢")) or asks_about(stripped)


#: Words that show what a flow is about: a flow starts from an intent only when the message
#: names its topic ("申请价保" is not a refund, "payment methods" is not a failed payment).
_TOPIC: dict[str, re.Pattern[str]] = {
    "refund": re.compile(r"退款|退钱|退货|退回|退给我|refund|money back|reimburse", re.I),
    "cancel_order": re.compile(r"取消|不要了|不想要了|撤单|cancel", re.I),
    "change_address": re.compile(
        r"地址|电话|手机|号码|门牌|楼号|房间号|宿舍号|收货人|收件人|address|phone|number", re.I
    ),
    "invoice": re.compile(r"发票|开票|invoice|receipt", re.I),
    "order_status": re.compile(
        r"到哪|到了没|到了吗|送到|多久到|还没到|没到|还没送|进度|状态|超时|太慢|慢死|催|"
        r"发货|到货|送货|配送|能到|几点到|什么时候到|哪天到|出库|物流|"
        # how an online shop's customer says "is it on its way": the parcel's words
        r"送达|派送|投递|快递|发出|寄出|"
        r"where('s| is)|status|eta|late|how long|arriv|deliver|on its way|on the way|hurry|"
        r"track|update on",
        re.I,
    ),
    "rider_contact": re.compile(
        r"骑手|配送员|外卖员|快递员|派送员|送货员|小哥|rider|driver|courier", re.I
    ),
    "coupon": re.compile(r"优惠券|券|红包|满减|coupon|voucher|discount|promo", re.I),
    "payment_failed": re.compile(
        r"失败|没成功|不成功|扣款|扣钱|扣了|待支付|付不了|支付不了|付款不了|"
        r"fail|declin|charged|didn't go through|did not go through|pending|unpaid|can't pay",
        re.I,
    ),
}
#: Things a customer may cancel or change that are not an order.
_OTHER_OBJECT = re.compile(
    r"订阅|会员|账号|账户|邮件|推送|newsletter|subscription|membership|account|e-?mail|"
    r"notification|plan\b",
    re.I,
)
_ORDER_WORD = re.compile(r"订单|外卖|这单|那单|餐|order|food|meal|delivery", re.I)


#: A question about an order not placed yet ("现在下单什么时候能到", "if i order now").
_NOT_PLACED = re.compile(
    r"现在下单|下单的话|如果.{0,4}下单|要是.{0,4}下单|还没下单|没下单|"
    r"\bif i order\b|\bbefore (i )?order|\bhaven't ordered\b",
    re.I,
)


#: The customer no longer wants the order ("太慢了不要了", "用不上了"): not a status question.
_GIVING_UP = re.compile(
    r"不要了|不想要了|用不上了|用不着了|不需要了|不用送了|别送了|\b(don't|do not) (want|need) it\b",
    re.I,
)


def gives_up(text: str) -> bool:
    return bool(_GIVING_UP.search(text))


#: A question about when people are there ("when are your agents online", "人工客服几点上班"):
#: the service hours, not a request for a person now.
_WHEN_OPEN_EN = re.compile(
    r"\b(when|what time|what hours|which hours)\b.{0,30}\b(agents?|people|humans?|staff|"
    r"support|customer service|team)\b.{0,20}\b(online|available|open|working|around|in)\b",
    re.I,
)
_WHEN_OPEN_ZH = re.compile(
    r"(人工|客服|专员).{0,6}(几点|什么时候|什么时间|哪个时间)(上班|在线|有人|开始|下班)|"
    r"(人工|客服).{0,4}(上班|在线|服务|工作)时间"
)
_RIGHT_NOW = re.compile(r"\b(talk|speak|transfer|connect|want|need|now)\b|转|接|现在|马上", re.I)


def asks_when_open(text: str) -> bool:
    said = simplified(text)
    when = bool(_WHEN_OPEN_EN.search(said) or _WHEN_OPEN_ZH.search(said))
    return when and not _RIGHT_NOW.search(said)


def before_ordering(text: str) -> bool:
    return bool(_NOT_PLACED.search(text))


def names_topic(flow: str, text: str) -> bool:
    pattern = _TOPIC.get(flow)
    return pattern is not None and bool(pattern.search(text))


_PHONE = re.compile(r"电话|手机|号码|phone|number", re.I)


def names_phone(text: str) -> bool:
    return bool(_PHONE.search(text))


#: The words of a request to act on an order: the verb with its object ("改一下收货人手机号",
#: "把这单取消", "change the delivery address"). Narrower than a flow's topic words.
_ACT: dict[str, re.Pattern[str]] = {
    "change_address": re.compile(
        r"(改|更改|修改|更换|换).{0,6}(地址|电话|手机|号码|收货人|收件人)|"
        r"\b(change|update|correct)\b.{0,20}\b(address|phone|number)\b",
        re.I,
    ),
    "cancel_order": re.compile(
        r"取消(?!.{0,2}(退款|退货|售后|申请))|\bcancel\b.{0,20}\border\b", re.I
    ),
    "invoice": re.compile(r"开.{0,4}发票|开票|补.{0,2}发票|\binvoice\b", re.I),
}


def named_acts(text: str) -> list[str]:
    """The acting flows whose request the words put into words, verb and object."""
    return [flow for flow, pattern in _ACT.items() if pattern.search(text)]


def about_something_else(text: str) -> bool:
    """ "cancel my newsletter subscription": the object is not an order."""
    return bool(_OTHER_OBJECT.search(text)) and not _ORDER_WORD.search(text)
