"""Indicators from known event streams: each value worked out by hand in the docstring."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from kefu.insight.handlers import JourneyTracker
from kefu.insight.ports import FakeKnowledge, Filters, InMemoryInsightStore
from kefu.insight.rollup import Report
from tests.insight.streams import T0, Conversation, five_conversations

pytestmark = pytest.mark.asyncio


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


def tracker(store: InMemoryInsightStore, clock: Clock) -> JourneyTracker:
    knowledge = FakeKnowledge({"order-where": ("我的外卖到哪了？", 2)})
    return JourneyTracker(store, knowledge, clock, account_id="a")


async def report(store: InMemoryInsightStore, **filters: str) -> Report:
    return Report(await store.rollup("a", Filters(**filters)))


async def test_a_supervisor_reads_every_indicator_of_five_known_journeys() -> None:
    store, clock = InMemoryInsightStore(), Clock()
    track = tracker(store, clock)
    clock.now = T0 + timedelta(days=2)  # every quiet window has passed
    for event in five_conversations():
        await track.handle(event)
    await track.flush()
    got = (await report(store)).indicators()
    # A abandoned in the menu, B unresolved (repeat by E within 24 h), C menu-resolved,
    # D resolved by a person, E bot-resolved ("thanks" after the answer).
    assert got["conversations"] == 5
    assert got["entry_share"] == {"app_home": 0.6, "web": 0.4}
    assert got["path_depth_mean"] == 2.0  # A and C both went two levels deep
    assert got["menu_abandonment_rate"] == 0.5  # A of {A, C}
    assert got["abandonment_by_level"] == {"2": 0.5}  # A of the two who reached level 2
    assert got["abandonment_by_node"] == {"order-status": 1}
    assert got["self_service_rate"] == 0.4  # C and E of 5 settled
    assert got["bot_resolution_rate"] == 0.2  # E only: B came back on the same topic
    assert got["repeat_contact_rate_24h"] == 0.2  # B of 5 ended
    assert got["suggestion_ctr"] == 0.5  # 1 click, 2 impressions
    assert got["transfer_rate"] == 0.2  # D
    assert got["unknown_rate"] == 0.2  # 1 of 5 bot turns (B 1, D 3, E 1)
    assert got["clarify_rate"] == 0.2
    # resolutions: C 20 s, E 25 s (its "thanks"), D 330 s; median 25 s
    assert got["time_to_resolution_s_p50"] == 25.0
    assert got["service_time_s_mean"] == pytest.approx((20 + 25 + 330) / 3, abs=0.05)
    assert got["bot_service_time_s_mean"] == pytest.approx((20 + 25 + 30) / 3, abs=0.05)
    assert got["human_service_time_s_mean"] == 100.0  # (0 + 0 + 300) / 3
    assert got["csat_mean"] == 5.0
    # first questions: B's (order-where) was first of its contextual suggestions; E clicked
    # order-where, second of its static ones: both hits
    assert got["question_prediction_top3"] == {"contextual": 1.0, "static": 1.0}


async def test_filters_by_entry_point_and_channel() -> None:
    store, clock = InMemoryInsightStore(), Clock()
    track = tracker(store, clock)
    clock.now = T0 + timedelta(days=2)
    for event in five_conversations():
        await track.handle(event)
    await track.flush()
    web = (await report(store, entry_point="web")).indicators()
    assert web["conversations"] == 2
    assert web["transfer_rate"] == 0.5
    assert (await report(store, channel="app")).indicators()["conversations"] == 3
    assert (await report(store, day_from="2026-12-01")).indicators()["conversations"] == 0


async def test_a_bot_answer_is_pending_for_its_quiet_window_then_resolved() -> None:
    store, clock = InMemoryInsightStore(), Clock()
    track = tracker(store, clock)
    conversation = (Conversation("B", "cust-b", T0).created().ask(5, "order_status")
                    .bot(10, "answer", "order-where").left(120))  # fmt: skip
    clock.now = T0 + timedelta(minutes=5)
    for event in conversation.events:
        await track.handle(event)
    await track.flush()
    early = (await report(store)).indicators()
    assert (early["pending"], early["settled"], early["bot_resolution_rate"]) == (1, 0, None)
    clock.now = T0 + timedelta(hours=23)
    assert await track.sweep() == 0
    clock.now = T0 + timedelta(hours=24, seconds=11)
    assert await track.sweep() == 1
    late = (await report(store)).indicators()
    assert (late["pending"], late["settled"], late["bot_resolution_rate"]) == (0, 1, 1.0)


async def test_a_thumbs_down_or_low_rating_makes_a_bot_answer_unresolved() -> None:
    store, clock = InMemoryInsightStore(), Clock()
    track = tracker(store, clock)
    clock.now = T0 + timedelta(days=2)
    rated = (Conversation("R", "cust-r", T0).created().ask(5, "refund")
             .bot(10, "answer", "refund-how").rated(30, 2).left(60))  # fmt: skip
    for event in rated.events:
        await track.handle(event)
    await track.flush()
    got = (await report(store)).indicators()
    assert (got["bot_resolution_rate"], got["self_service_rate"]) == (0.0, 0.0)


async def test_funnel_and_heatmaps() -> None:
    store, clock = InMemoryInsightStore(), Clock()
    track = tracker(store, clock)
    clock.now = T0 + timedelta(days=2)
    for event in five_conversations():
        await track.handle(event)
    await track.flush()
    r = await report(store)
    funnel = {row["stage"]: row["count"] for row in r.funnel()}
    assert funnel == {"entered": 5, "asked": 5, "answered": 3, "resolved": 3,
                      "handed_over": 1, "left": 2}  # fmt: skip
    hours = r.heatmap("hour_weekday")
    cell = {(c["row"], c["col"]): c["count"] for c in hours["cells"]}
    assert cell[("0", "10")] == 4 and cell[("0", "12")] == 1  # Monday 10:00 ×4, E at 12:07
    nodes = {(c["row"], c["col"]): c["count"] for c in r.heatmap("node_outcome")["cells"]}
    assert nodes[("orders", "abandoned")] == 1 and nodes[("orders", "self_service")] == 1
    intents = {(c["row"], c["col"]): c["count"] for c in r.heatmap("intent_entry")["cells"]}
    assert intents[("order_status", "app_home")] == 2


async def test_the_handler_never_writes_on_the_publishers_path_while_its_loop_runs() -> None:
    class SlowStore(InMemoryInsightStore):
        commits = 0

        async def commit(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            SlowStore.commits += 1
            await asyncio.sleep(0.2)
            await super().commit(*args, **kwargs)

    store, clock = SlowStore(), Clock()
    track = JourneyTracker(store, FakeKnowledge(), clock, account_id="a", batch=5,
                           flush_every_s=0.05)  # fmt: skip
    await track.start()
    try:
        began = asyncio.get_running_loop().time()
        for event in five_conversations():
            await track.handle(event)  # what the bus awaits for every committed event
        assert asyncio.get_running_loop().time() - began < 0.1
        for _ in range(100):
            if len(store.events) == len(five_conversations()):
                break
            await asyncio.sleep(0.05)
        assert len(store.events) == len(five_conversations())
    finally:
        await track.stop()
    assert SlowStore.commits >= 1
