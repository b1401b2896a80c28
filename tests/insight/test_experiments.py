"""Experiments: sticky assignment, exposure once, results with CI, sample size and peeking."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kefu.insight import experiments as ex
from kefu.insight import stats
from kefu.insight.export import ParquetWriter, mask_name, mask_phone
from kefu.insight.handlers import JourneyTracker
from kefu.insight.ports import FakeKnowledge, InMemoryInsightStore
from kefu.insight.summary import BOT_RESOLVED, HUMAN_RESOLVED, Summary
from tests.insight.streams import T0, Conversation


def test_assignment_is_sticky_and_follows_the_allocation() -> None:
    experiment = ex.Experiment("menu-v2", "menu", ("old", "new"), (0.8, 0.2), "old")
    first = [ex.assign(experiment, f"cust-{i}") for i in range(5000)]
    assert first == [ex.assign(experiment, f"cust-{i}") for i in range(5000)]
    share = Counter(first)["new"] / 5000
    assert 0.18 < share < 0.22


def test_results_compare_variants_and_warn_before_the_planned_size() -> None:
    experiment = ex.Experiment("e", "e", ("static", "contextual"), (0.5, 0.5), "static",
                               guards=("transfer",), planned_n=1000)  # fmt: skip

    def unit(variant: str, i: int, resolved: bool) -> tuple[str, Summary]:
        s = Summary(conversation_id=f"{variant}-{i}", started_at=0.0)
        s.outcome = BOT_RESOLVED if resolved else HUMAN_RESOLVED
        s.handed_over_at = None if resolved else 1.0
        return variant, s

    units = [unit("static", i, i < 40) for i in range(100)]
    units += [unit("contextual", i, i < 60) for i in range(100)]
    result = ex.results(experiment, units)
    primary = result["primary"]
    assert primary["by_variant"]["static"] == {"n": 100, "rate": 0.4}
    assert primary["by_variant"]["contextual"] == {"n": 100, "rate": 0.6}
    cmp = primary["comparisons"]["contextual"]
    assert cmp["diff"] == pytest.approx(0.2)
    assert cmp["ci_low"] < 0.2 < cmp["ci_high"] and cmp["p_value"] < 0.01
    assert result["peeking_warning"] is True
    assert result["sample_size_still_needed"] == 900
    # fewer transfers with the contextual arm: the guard holds, but it is too early to call
    assert result["verdicts"]["contextual"] == "too_early"


def test_sample_size_for_a_five_point_lift_from_forty_percent() -> None:
    # Textbook (Fleiss) formula: about 1,534 per arm for 0.40 → 0.45 at α 0.05, power 0.8
    assert stats.sample_size_rate(0.40, 0.05) == pytest.approx(1534, abs=3)


@pytest.mark.asyncio
async def test_a_customer_is_exposed_once_and_the_raw_events_export_to_parquet(
    tmp_path: Path,
) -> None:
    store = InMemoryInsightStore()
    track = JourneyTracker(store, FakeKnowledge(), lambda: T0 + timedelta(days=2), account_id="a")
    first = Conversation("X1", "cust-x", T0).created().shown(1, "static", ["a", "b", "c"])
    again = (Conversation("X2", "cust-x", T0 + timedelta(hours=1)).created()
             .shown(1, "contextual", ["d"]))  # fmt: skip
    for event in [*first.events, *again.events]:
        await track.handle(event)
    await track.flush()
    exposures = await store.exposures("a", ex.SUGGESTIONS_EXPERIMENT)
    assert [(e.unit_id, e.variant, e.conversation_id) for e in exposures] == [
        ("cust-x", "static", "X1")
    ]
    writer = ParquetWriter(str(tmp_path / "events.parquet"))
    async for batch in store.journey_events("a", None, None, 2):
        writer.write(batch)
    writer.close()
    table = pq.read_table(tmp_path / "events.parquet")
    assert table.num_rows == 4
    assert table.column("step").to_pylist() == ["entry", "suggestions_shown"] * 2


def test_masking_keeps_only_what_identifies_nobody() -> None:
    assert mask_phone("+86 138-1234-5678") == "861****5678"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("王芳") == "王*"
    assert mask_name("Jennifer") == "J***"
    assert mask_name(None) == ""


@pytest.mark.asyncio
async def test_a_returning_customer_sees_the_same_suggestion_strategy() -> None:
    from kefu.insight.wiring import Insight
    from kefu.knowledge.suggestions import ContextualStrategy, Experiment, StaticStrategy

    store = InMemoryInsightStore()
    track = JourneyTracker(store, FakeKnowledge(), lambda: T0, account_id="a")
    insight = Insight(actions=None, tracker=track)  # type: ignore[arg-type]
    split = insight.sticky_suggestions(Experiment(ContextualStrategy(), StaticStrategy(())))
    variants = set()
    for n in range(40):
        conversation = Conversation(f"visit-{n}", "cust-loyal", T0 + timedelta(hours=n))
        for event in conversation.created().events:
            await track.handle(event)
        variants.add(split.variant(f"visit-{n}").name)
    assert variants == {ex.assign(ex.demo_experiment(), "cust-loyal")}
    by_customer = Counter(ex.assign(ex.demo_experiment(), f"c{i}") for i in range(2000))
    assert 900 < by_customer["contextual"] < 1100  # half and half across customers
