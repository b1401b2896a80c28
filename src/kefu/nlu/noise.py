"""Real-message noise: emoji codes, pasted order cards, pinyin, and a leading greeting.

Customers write "你好 什么时候发货", paste an order card ("订单号:… 订单金额:… 下单时间:…")
before their question, type chat-app emoji codes ("[微笑]", "#E-s[数字x]", ":)") and now
and then pinyin ("zai ma"). `strip_noise` turns those into what a reader would keep;
`split_greeting` separates a leading greeting from the question that follows it, so the
models see "什么时候发货" and the bot knows the customer also said hello.
"""

from __future__ import annotations

import re

#: Chat-app emoji codes → an emoji with the same feeling (the emotion models know emoji).
EMOJI_CODES: dict[str, str] = {
    "[微笑]": "🙂",
    "[呲牙]": "😁",
    "[哈哈]": "😄",
    "[偷笑]": "😄",
    "[愉快]": "😊",
    "[憨笑]": "😊",
    "[可爱]": "😊",
    "[害羞]": "😊",
    "[色]": "😍",
    "[爱心]": "❤",
    "[心]": "❤",
    "[玫瑰]": "🌹",
    "[强]": "👍",
    "[赞]": "👍",
    "[ok]": "👌",
    "[握手]": "🤝",
    "[抱拳]": "🙏",
    "[谢谢]": "🙏",
    "[流泪]": "😢",
    "[泪]": "😢",
    "[大哭]": "😭",
    "[可怜]": "🥺",
    "[委屈]": "🥺",
    "[难过]": "😞",
    "[发怒]": "😠",
    "[怒]": "😠",
    "[抓狂]": "😫",
    "[生气]": "😠",
    "[鄙视]": "😒",
    "[白眼]": "🙄",
    "[撇嘴]": "😒",
    "[汗]": "😓",
    "[流汗]": "😓",
    "[尴尬]": "😅",
    "[疑问]": "🤔",
    "[惊讶]": "😮",
    "[吃惊]": "😮",
    "[捂脸]": "🤦",
    "[哈欠]": "🥱",
    "[再见]": "👋",
}
_EMOJI_CODE = re.compile("|".join(re.escape(c) for c in sorted(EMOJI_CODES, key=len, reverse=True)))
#: ASCII emoticons (after NFKC and case folding).
_EMOTICONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![\w:])[:;]-?[)\]d](?![\w(])"), " 🙂 "),
    (re.compile(r"(?<![\w:])[:;]-?[(\[](?![\w)])"), " 😞 "),
    (re.compile(r"(?<!\w)[:;]'-?\((?!\w)"), " 😢 "),
    (re.compile(r"(?<!\w)\^_?\^(?!\w)"), " 😊 "),
    (re.compile(r"(?<!\w)t_t(?!\w)"), " 😢 "),
)
#: Platform emoji placeholders with no readable content ("#E-s[数字x]" in JD transcripts).
_PLATFORM_CODE = re.compile(r"#e-[a-z]\[[^\]]{0,12}\]")
#: A pasted order card: "咨询订单号:[ORDERID_123] 订单金额:[金额x] 下单时间:[日期x]" and the like.
_CARD_FIELD = re.compile(
    r"(?:咨询)?(?:订单号|订单编号|订单金额|下单时间|商品名称|商品编号|订单状态|实付金额|"
    r"order (?:id|no|number)|order total|order date)\s*[:：]\s*\S+"
)
#: Pinyin of the few things customers type in pinyin (cheap, exact tokens only).
PINYIN: dict[str, str] = {
    "zai ma": "在吗",
    "zaima": "在吗",
    "zai bu zai": "在不在",
    "ni hao": "你好",
    "nihao": "你好",
    "xie xie": "谢谢",
    "xiexie": "谢谢",
    "tui kuan": "退款",
    "tuikuan": "退款",
    "fa huo": "发货",
    "fahuo": "发货",
    "kuai di": "快递",
    "kuaidi": "快递",
    "ren gong": "人工",
    "rengong": "人工",
    "zhuan ren gong": "转人工",
    "zhuanrengong": "转人工",
    "fa piao": "发票",
    "fapiao": "发票",
    "tui huo": "退货",
    "tuihuo": "退货",
}
_PINYIN = re.compile(
    r"(?<![a-z])("
    + "|".join(re.escape(p) for p in sorted(PINYIN, key=len, reverse=True))
    + r")(?![a-z])"
)

_GREETING = re.compile(
    r"^(?:(?:亲亲?|客服|小姐姐|小哥哥|老板|商家|掌柜的?)\s*[,，]?\s*)?"
    r"(?:你们?好+(?:呀|啊|哇|吗)?|您好+(?:呀|啊)?|在吗|在么|在不在|在不|有人吗|有人在吗|"
    r"嗨|哈喽|哈罗|早上好|早安|中午好|下午好|晚上好|"
    r"hi+|hey+|hello+|hallo|helo|howdy|good (?:morning|afternoon|evening)|greetings|yo)"
    r"(?:\s*(?:亲亲?|客服|小姐姐|there|team|everyone|all|guys|support))?"
    r"(?:[\s,，.。!！~～?？、]+|$)?"
)
_LEADING_PUNCT = re.compile(r"^[\s,，.。!！~～?？、:：;；]+")


def strip_noise(text: str) -> str:
    """Emoji codes → emoji, platform codes and pasted order-card fields removed, common
    pinyin → Chinese. Expects normalised (NFKC, lower-cased) text."""
    if "[" in text:
        text = _EMOJI_CODE.sub(lambda m: EMOJI_CODES[m.group(0)], text)
    if "#e-" in text:
        text = _PLATFORM_CODE.sub(" ", text)
    if ":" in text or "：" in text:
        text = _CARD_FIELD.sub(" ", text)
    for pattern, emoji in _EMOTICONS:
        text = pattern.sub(emoji, text)
    if text.isascii():
        text = _PINYIN.sub(lambda m: PINYIN[m.group(1)], text)
    return " ".join(text.split())


def split_greeting(text: str) -> tuple[bool, str]:
    """(True, the rest) when normalised `text` opens with a greeting, else (False, text).

    Up to two greetings in a row are taken off ("您好，在吗？退款多久到账" → "退款多久到账");
    a bare "你好" leaves "".
    """
    rest, greeted = text, False
    for _ in range(2):
        match = _GREETING.match(rest)
        if match is None or (match.end() < len(rest) and not _boundary(rest, match)):
            break
        greeted = True
        rest = _LEADING_PUNCT.sub("", rest[match.end() :])
    return greeted, rest


def _boundary(text: str, match: re.Match[str]) -> bool:
    """A Latin greeting must end at a word boundary ("hint" is no "hi"); a Chinese one may
    run straight into the question ("你好什么时候发货")."""
    last = text[match.end() - 1]
    following = text[match.end()]
    if last == "好" and following in _ADJECTIVE_START:  # "你们好慢" is a complaint
        return False
    return not (last.isascii() and last.isalpha() and following.isascii() and following.isalnum())


#: Characters that make "你们好…" an exclamation ("你们好慢", "你好坑") rather than a greeting.
_ADJECTIVE_START = frozenset("慢差烂坑过厉快棒贵黑垃恶无难")


def prepare(text: str) -> tuple[bool, str]:
    """(greeting?, the text the models read): normalised, noise stripped, greeting off."""
    from kefu.nlu.normalise import normalise

    return split_greeting(strip_noise(normalise(text)))
