"""Automated QA of one closed conversation: six scores out of 100, each with its evidence.

Pure: the transcript, a reply-style reader and the limits in, a `QaReport` out. Agent
replies are read sentence by sentence by the reply-style model; the sentences that earned
or cost points are kept as evidence, so a supervisor sees why a score is what it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kefu.quality.consistency import KnowledgeAnswer, judge
from kefu.quality.model import DIMENSIONS, Evidence, QaReport, Transcript, Turn
from kefu.quality.styles import ReplyStyle

StyleReader = Callable[[str], ReplyStyle]

_SENTENCE = re.compile(r"[^。！？!?；;，,\n]+[。！？!?；;，,]*")
_AMOUNT = re.compile(r"(?:¥|￥)\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*(?:元|块|yuan|RMB)", re.I)
_GUARANTEE = re.compile(r"保证|包您|肯定会|绝对|百分之百|guarantee|100\s*%|definitely will", re.I)
_COMPENSATE = re.compile(r"补偿|赔|退|优惠券|红包|coupon|refund|compensat", re.I)
_RUDE = re.compile(
    r"自己看|你自己|不知道|没办法了|随便|爱.*不|听不懂吗|yourself|whatever|not my problem", re.I
)


@dataclass(frozen=True, slots=True)
class QaLimits:
    """What an agent may promise and how fast they should answer."""

    max_compensation_yuan: float = 20.0
    first_response_target_s: float = 30.0
    first_response_worst_s: float = 300.0
    reply_gap_target_s: float = 60.0
    reply_gap_worst_s: float = 600.0
    weights: tuple[tuple[str, float], ...] = (
        ("empathy", 0.25),
        ("politeness", 0.15),
        ("professionalism", 0.2),
        ("responsiveness", 0.15),
        ("resolution", 0.15),
        ("emotion", 0.1),
    )


def sentences(text: str) -> list[str]:
    found = [s.strip() for s in _SENTENCE.findall(text) if s.strip(" ，,。")]
    return found or ([text.strip()] if text.strip() else [])


def _clip(value: float) -> float:
    return round(max(0.0, min(100.0, value)), 1)


def _ramp(seconds: float, good: float, worst: float) -> float:
    """100 at or under `good`, 0 at or over `worst`, linear between."""
    if seconds <= good:
        return 100.0
    return max(0.0, 100.0 * (worst - seconds) / (worst - good))


@dataclass(slots=True)
class _Read:
    turn: Turn
    sentence: str
    style: ReplyStyle


def score(transcript: Transcript, read: StyleReader, limits: QaLimits | None = None) -> QaReport:
    limits = limits or QaLimits()
    agent_turns = [t for t in transcript.turns if t.sender == "agent"]
    reads = [_Read(t, s, read(s)) for t in agent_turns for s in sentences(t.text)]
    whole = {t.seq: read(t.text) for t in agent_turns}
    readings = [t.emotion_index for t in transcript.turns if t.emotion_index is not None]
    evidence: list[Evidence] = []
    scores = {
        "empathy": _empathy(reads, readings, evidence),
        "politeness": _politeness(agent_turns, whole, evidence),
        "professionalism": _professionalism(reads, limits, transcript.knowledge, evidence),
        "responsiveness": _responsiveness(transcript, limits, evidence),
        "resolution": _resolution(transcript, evidence),
        "emotion": _emotion(readings, evidence),
    }
    weights = dict(limits.weights)
    used = {d: v for d, v in scores.items() if v is not None}
    total = sum(v * weights[d] for d, v in used.items()) / sum(weights[d] for d in used)
    first, handling = _timings(transcript)
    return QaReport(
        conversation_id=transcript.conversation_id,
        scores={d: v for d, v in used.items()},
        total=round(total, 1),
        evidence=tuple(evidence),
        stiff_policy=sum(1 for e in evidence if e.reason == "stiff_policy"),
        empathy_expressions=sum(1 for e in evidence if e.reason == "empathy"),
        start_emotion=readings[0] if readings else None,
        end_emotion=readings[-1] if readings else None,
        first_response_s=first,
        handling_s=handling,
    )


def _empathy(reads: Sequence[_Read], readings: Sequence[int], out: list[Evidence]) -> float | None:
    """Upset customers need feelings acknowledged; a stiff policy line costs everywhere."""
    if not reads:
        return None
    upset = any(i <= 2 for i in readings)
    value = 50.0 if upset else 75.0
    earned = 0
    # A rule explained in a reply that also acknowledges the customer is not stiff: the
    # labels were given per reply, and so is this judgement.
    warm_turns = {r.turn.seq for r in reads if r.style.has("empathy")}
    for r in reads:
        if r.style.has("empathy"):
            points = (30.0 if upset else 10.0) if earned < 2 else 0.0
            earned += 1
            value += points
            out.append(Evidence("empathy", r.turn.seq, r.sentence, points, "empathy"))
        elif r.style.has("stiff_policy") and r.turn.seq not in warm_turns:
            value -= 25.0
            out.append(Evidence("empathy", r.turn.seq, r.sentence, -25.0, "stiff_policy"))
    if upset and earned == 0:
        value -= 20.0
        out.append(Evidence("empathy", None, "", -20.0, "upset_not_acknowledged"))
    return _clip(value)


def _politeness(
    turns: Sequence[Turn], whole: dict[int, ReplyStyle], out: list[Evidence]
) -> float | None:
    if not turns:
        return None
    polite = 0
    for t in turns:
        if _RUDE.search(t.text):
            out.append(Evidence("politeness", t.seq, t.text, -30.0, "rude"))
            polite -= 1
        elif whole[t.seq].has("polite"):
            polite += 1
        else:
            out.append(Evidence("politeness", t.seq, t.text, -100.0 / len(turns), "curt"))
    return _clip(100.0 * max(polite, 0) / len(turns))


def _professionalism(
    reads: Sequence[_Read],
    limits: QaLimits,
    knowledge: Sequence[KnowledgeAnswer],
    out: list[Evidence],
) -> float | None:
    if not reads:
        return None
    value = 100.0
    for r in reads:
        judged = judge(r.sentence, knowledge)
        if any(not j.consistent for j in judged):
            # A figure the knowledge base (and the bot, earlier) told the customer otherwise.
            value -= 30.0
            out.append(
                Evidence("professionalism", r.turn.seq, r.sentence, -30.0, "contradicts_knowledge")
            )
        elif judged:
            out.append(
                Evidence(
                    "professionalism", r.turn.seq, r.sentence, 0.0, "consistent_with_knowledge"
                )
            )
        amounts = [float(a or b) for a, b in _AMOUNT.findall(r.sentence)]
        if _COMPENSATE.search(r.sentence) and any(
            a > limits.max_compensation_yuan for a in amounts
        ):
            value -= 40.0
            out.append(Evidence("professionalism", r.turn.seq, r.sentence, -40.0, "over_limit"))
        if _GUARANTEE.search(r.sentence):
            value -= 20.0
            out.append(Evidence("professionalism", r.turn.seq, r.sentence, -20.0, "guarantee"))
        if r.style.has("policy") and not r.style.has("stiff_policy"):
            out.append(Evidence("professionalism", r.turn.seq, r.sentence, 0.0, "policy_explained"))
    return _clip(value)


def _timings(transcript: Transcript) -> tuple[float | None, float | None]:
    first_agent = next((t for t in transcript.turns if t.sender == "agent"), None)
    if first_agent is None:
        return None, None
    waiting_since = next(
        (t.at for t in transcript.turns if t.sender == "customer" and t.seq < first_agent.seq),
        first_agent.at,
    )
    first = (first_agent.at - waiting_since).total_seconds()
    handling = (transcript.closed_at - first_agent.at).total_seconds() + first
    return round(first, 1), round(handling, 1)


def _responsiveness(transcript: Transcript, limits: QaLimits, out: list[Evidence]) -> float | None:
    first, _ = _timings(transcript)
    if first is None:
        return None
    value = _ramp(first, limits.first_response_target_s, limits.first_response_worst_s)
    out.append(Evidence("responsiveness", None, f"{first:.0f}s", value - 100.0, "first_response"))
    gaps: list[float] = []
    waiting: Turn | None = None
    seen_agent = False
    for t in transcript.turns:
        if t.sender == "customer" and waiting is None:
            waiting = t
        elif t.sender == "agent":
            if waiting is not None and seen_agent:
                gaps.append((t.at - waiting.at).total_seconds())
            waiting, seen_agent = None, True
    if gaps:
        later = sum(_ramp(g, limits.reply_gap_target_s, limits.reply_gap_worst_s) for g in gaps)
        later /= len(gaps)
        out.append(
            Evidence("responsiveness", None, f"{max(gaps):.0f}s", later - 100.0, "slowest_reply")
        )
        value = 0.6 * value + 0.4 * later
    return _clip(value)


def _resolution(transcript: Transcript, out: list[Evidence]) -> float:
    if transcript.status != "resolved":
        out.append(Evidence("resolution", None, "", -100.0, "abandoned"))
        return 0.0
    value = 100.0 if transcript.resolved_by != "customer" else 70.0
    if transcript.reopen_count:
        value -= 20.0 * transcript.reopen_count
        out.append(Evidence("resolution", None, "", -20.0 * transcript.reopen_count, "reopened"))
    return _clip(value)


def _emotion(readings: Sequence[int], out: list[Evidence]) -> float | None:
    """50 when the customer ends as they started; each level better or worse is 25."""
    if len(readings) < 2:
        return None
    change = readings[-1] - readings[0]
    out.append(Evidence("emotion", None, f"{readings[0]}→{readings[-1]}", 25.0 * change, "change"))
    return _clip(50.0 + 25.0 * change + (10.0 if readings[-1] >= 4 else 0.0))


__all__ = ["DIMENSIONS", "QaLimits", "StyleReader", "score", "sentences"]
