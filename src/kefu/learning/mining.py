"""Knowledge proposals from what human agents answered: pure, given sentence vectors.

For a topic (customer questions that ask the same thing), the agents' replies to it are
grouped the same way and the most common reply, with order details turned into variables
and personal data removed, becomes the draft answer. A topic that an existing entry already
answers becomes new phrasings for that entry instead. Filler on both sides ("在吗", "请稍等")
is dropped first: it is the most common thing agents write and answers nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from kefu.learning.clustering import Cluster, FloatArray, cluster, nearest_first
from kefu.learning.masking import mask, templatise
from kefu.learning.model import Proposal, ProposalKind

_FILLER = re.compile(
    "|".join(
        (
            r"有什么问题我?可以帮您处理或解决[的吗呢]?",
            r"请问还有(其他|别的|什么)?(问题|可以帮您的|需要帮助的)?[吗呢]?",
            r"还有(其他|别的|什么)?(问题|需要)?[吗呢]?",
            r"(请|麻烦)?您?(稍等|稍候)(一下|片刻)?[哦哈呢~]*",
            r"(正在|马上|这边)?(为您|帮您|给您)?(核实|查询|查看|处理)(一下|中)?[哦哈呢~]*",
            r"感谢您?的?(耐心等待|支持|理解|来访)",
            r"(您好|你好|亲爱的|亲|在的|在吗|好的|嗯+|哦+|恩+|是的|对的|谢谢|不客气|么么哒|哈+)",
            r"(非常|十分)?感谢|麻烦(你|您)了|辛苦了|没(有)?(别的|其他)?问题了|知道了|明白了",
            r"\[[^\[\]]{1,12}x\]|\[ORDERID_\d+\]|#E-[a-z]\[数字x\]|#E-[a-z]\d*",
            r"咨询订单号[:：]?|订单金额[:：]?|下单时间[:：]?|订单编号[:：]?|商品ID[:：]?|"
            r"顾客通过点击|web咚咚|信息发送[:：]?|商品名称[:：]?|配送员[:：]?|电话[:：]?",
        )
    )
)
_PUNCT = re.compile(r"[\s,，.。!！?？~～、:：;；'\"“”‘’()（）…-]+")


#: Words of an agent's side of a chat: a window's message with one is not the customer's.
_AGENT_VOICE = re.compile(
    r"妹子|小妹|亲爱的|亲亲|您|请问|核实|稍等|抱歉|申请路径|可通过|"
    r"麻烦您|客服|处理中|为了更好"
)


def agent_voice(text: str) -> bool:
    """Whether a message reads like the agent's side of the chat."""
    return _AGENT_VOICE.search(text) is not None


#: A short message that starts like this leans on what was said before ("那没有呢").
_LEANS_ON_CONTEXT = re.compile(r"^(那|这|就是|也就是|所以|然后|还有|因为|是|没有|已经|可是|但是)")
#: A question or a request: an interrogative, or a verb asking for something to be done.
_ASKS = re.compile(
    r"[吗嘛么呢?？]|怎么|怎样|如何|什么|啥|哪|几|多久|多少|多长|能不能|可不可以|可以|能否|是否|"
    r"为什么|为啥|帮我|帮忙|麻烦|我要|我想|申请|修改|更改|取消|退|换|催|开|查|"
    r"\b(how|what|when|where|why|can|could|do|does|is|are|will|please|want|need)\b",
    re.IGNORECASE,
)


def informative(text: str, min_chars: int) -> bool:
    """Whether anything is left once greetings, waiting phrases and punctuation are gone."""
    return len(_PUNCT.sub("", _FILLER.sub("", text))) >= min_chars


def standalone(text: str, min_chars: int) -> bool:
    """An informative question that makes sense without the turns before it."""
    core = _PUNCT.sub("", _FILLER.sub("", text))
    if len(core) < min_chars or _ASKS.search(text) is None:
        return False
    return len(core) >= 2 * min_chars or _LEANS_ON_CONTEXT.match(core) is None


@dataclass(frozen=True, slots=True)
class QAPair:
    """A customer question and the human reply to it, from one conversation."""

    conversation_id: str
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class KnownEntry:
    """An existing knowledge entry as mining sees it; `vectors` encode its texts."""

    id: str
    texts: tuple[str, ...]
    category: str | None
    vectors: FloatArray


@dataclass(frozen=True, slots=True)
class MiningRule:
    question_threshold: float = 0.82
    answer_threshold: float = 0.80
    known_threshold: float = 0.88  # a topic this close to an entry adds phrasings to it
    category_threshold: float = 0.55  # close enough to borrow the entry's category
    min_support: int = 2  # questions in a topic
    min_conversations: int = 2  # distinct conversations behind it
    min_agreeing_replies: int = 2  # agents who replied alike
    max_phrasings: int = 10
    max_sources: int = 20
    min_question_chars: int = 4
    min_answer_chars: int = 8
    generic_topics: int = 4  # a reply given to this many different topics is filler


def usable(pairs: Sequence[QAPair], rule: MiningRule = MiningRule()) -> list[QAPair]:
    return [
        p for p in pairs if standalone(p.question, rule.min_question_chars) and p.answer.strip()
    ]


def mine(
    pairs: Sequence[QAPair],
    questions: FloatArray,
    answers: FloatArray,
    known: Sequence[KnownEntry],
    *,
    account_id: str,
    language: str,
    now: datetime,
    rule: MiningRule = MiningRule(),
) -> list[Proposal]:
    """Proposals, best supported first. Row i of `questions`/`answers` encodes `pairs[i]`."""
    proposals = []
    topics = cluster(questions, rule.question_threshold)
    generic = generic_replies(pairs, topics, rule)
    for topic in topics:
        rows = nearest_first(questions, topic.members, topic.centre)
        conversations = list(dict.fromkeys(pairs[i].conversation_id for i in rows))
        if len(rows) < rule.min_support or len(conversations) < rule.min_conversations:
            continue
        centroid = _unit(questions[rows].mean(axis=0))
        entry, similarity = _nearest_entry(known, centroid)
        worded = _distinct_rows((mask(pairs[i].question), i) for i in rows)
        phrasings = [text for text, _ in worded]
        if entry is not None and similarity >= rule.known_threshold:
            have = {t.strip() for t in entry.texts}
            # A wording nearer another entry than this one would take that entry's
            # questions once added (the pilot's accepted phrasings did): it stays out.
            new = [
                text
                for text, i in worded
                if text.strip() not in have and _nearest_entry(known, questions[i])[0] is entry
            ][: rule.max_phrasings]
            if new:
                proposals.append(
                    _proposal(
                        ProposalKind.PHRASING,
                        account_id=account_id,
                        language=language,
                        now=now,
                        question=new[0],
                        answer="",
                        phrasings=tuple(new),
                        category=entry.category,
                        entry_id=entry.id,
                        sources=tuple(conversations[: rule.max_sources]),
                        support=len(rows),
                    )
                )
            continue
        reply = _common_reply(pairs, answers, rows, generic, rule)
        if reply is None:
            continue
        category = (
            entry.category if entry is not None and similarity >= rule.category_threshold else None
        )
        proposals.append(
            _proposal(
                ProposalKind.NEW_ENTRY,
                account_id=account_id,
                language=language,
                now=now,
                question=phrasings[0],
                answer=reply,
                phrasings=tuple(_own(worded, questions, known)[: rule.max_phrasings]),
                category=category,
                entry_id=None,
                sources=tuple(conversations[: rule.max_sources]),
                support=len(rows),
            )
        )
    proposals.sort(key=lambda p: (-p.support, p.id))
    return proposals


_SENTENCE_END = re.compile(r"[,，。!！?？~～;；\n]+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def generic_replies(
    pairs: Sequence[QAPair], topics: Sequence[Cluster], rule: MiningRule
) -> set[str]:
    """Sentences agents write whatever was asked ("还有其他可以帮您的吗", "辛苦了"): the same
    words in replies to at least `generic_topics` different topics. They answer nothing."""
    seen: dict[str, set[int]] = {}
    for n, topic in enumerate(topics):
        for i in topic.members:
            for sentence in sentences(pairs[i].answer):
                seen.setdefault(_key(sentence), set()).add(n)
    return {key for key, where in seen.items() if len(where) >= rule.generic_topics}


def without_generic(answer: str, generic: set[str]) -> str:
    """The reply with its generic sentences taken out (the rest joined with "，")."""
    kept = [s for s in sentences(answer) if _key(s) not in generic]
    return "，".join(kept)


def _key(text: str) -> str:
    return _PUNCT.sub("", templatise(text))


def _common_reply(
    pairs: Sequence[QAPair],
    answers: FloatArray,
    rows: Sequence[int],
    generic: set[str],
    rule: MiningRule,
) -> str | None:
    """The most common agent reply of a topic without its generic sentences, templatised;
    None when agents disagree or said nothing specific."""
    texts = {i: without_generic(pairs[i].answer, generic) for i in rows}
    useful = [i for i in rows if informative(texts[i], rule.min_answer_chars)]
    if len(useful) < rule.min_agreeing_replies:
        return None
    groups = cluster(answers[useful], rule.answer_threshold)
    if not groups or len(groups[0].members) < rule.min_agreeing_replies:
        return None
    text = templatise(texts[useful[groups[0].centre]])
    return text if informative(text, rule.min_answer_chars) else None


def _nearest_entry(
    known: Sequence[KnownEntry], centroid: FloatArray
) -> tuple[KnownEntry | None, float]:
    best, score = None, -1.0
    for entry in known:
        if entry.vectors.shape[0] == 0:
            continue
        s = float(np.max(entry.vectors @ centroid))
        if s > score:
            best, score = entry, s
    return best, score


def _own(
    worded: Sequence[tuple[str, int]], questions: FloatArray, known: Sequence[KnownEntry]
) -> list[str]:
    """A new entry's phrasings after its standard question (the first), without those
    nearer an existing entry than that question: accepted, they would take the existing
    entry's questions."""
    standard = questions[worded[0][1]]
    out = []
    for text, i in worded[1:]:
        _, to_known = _nearest_entry(known, questions[i])
        if to_known <= float(questions[i] @ standard):
            out.append(text)
    return out


def _distinct_rows(found: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """(text, row) of the first row of each distinct text."""
    seen: dict[str, int] = {}
    for text, row in found:
        key = text.strip()
        if key and key not in seen:
            seen[key] = row
    return [(text, row) for text, row in seen.items()]


def _unit(v: FloatArray) -> FloatArray:
    norm = float(np.linalg.norm(v))
    return (v / norm).astype(np.float32) if norm else v


def proposal_id(kind: ProposalKind, entry_id: str | None, question: str) -> str:
    """Stable across imports, so the same proposal is not queued twice."""
    digest = hashlib.sha1(f"{kind}|{entry_id or ''}|{question}".encode()).hexdigest()
    return f"p-{digest[:16]}"


def _proposal(
    kind: ProposalKind,
    *,
    account_id: str,
    language: str,
    now: datetime,
    question: str,
    answer: str,
    phrasings: tuple[str, ...],
    category: str | None,
    entry_id: str | None,
    sources: tuple[str, ...],
    support: int,
) -> Proposal:
    return Proposal(
        id=proposal_id(kind, entry_id, question),
        account_id=account_id,
        kind=kind,
        question=question,
        answer=answer,
        phrasings=phrasings,
        language=language,
        category=category,
        entry_id=entry_id,
        sources=sources,
        support=support,
        created_at=now,
    )
