"""Self-service menus, journey drop-off and suggested questions, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kefu.adapters.bus.memory import InMemoryBus
from kefu.adapters.business import DemoScenario, FakeFoodDelivery, build_demo_dataset
from kefu.domain.customer import Customer
from kefu.domain.errors import InvalidInput, NotFound
from kefu.knowledge.demo import demo_entries
from kefu.knowledge.journeys import MenuService
from kefu.knowledge.memory import MemoryJourneyLog, MemoryKnowledgeStore, MemorySuggestionLog
from kefu.knowledge.menu import dropoff
from kefu.knowledge.ports import JourneyRecord
from kefu.knowledge.service import KnowledgeService
from kefu.knowledge.suggestion_service import SuggestionService
from kefu.knowledge.suggestions import (
    Burst,
    Candidate,
    ContextualStrategy,
    Experiment,
    OrderState,
    StaticStrategy,
    SuggestionContext,
)
from kefu.nlu.matcher import KnowledgeMatcher

NOW = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)  # 12:30 in Beijing: lunch


async def knowledge() -> KnowledgeService:
    kb = KnowledgeService(
        MemoryKnowledgeStore(), InMemoryBus(), KnowledgeMatcher(), clock=lambda: NOW
    )
    await kb.load(seed=demo_entries())
    return kb


# -- menus ---------------------------------------------------------------------------------


async def test_a_customer_walks_the_menu_down_to_an_answer_in_their_language() -> None:
    menus = MenuService(await knowledge(), MemoryJourneyLog(), InMemoryBus())
    top = menus.menu(None, language="en", channel="web", customer_tags=[])
    labels = {c["id"]: c["label"] for c in top["children"]}
    assert labels["refunds"] == "Refunds" and labels["dorm"] == "Dorms and pick-up points"
    refunds = menus.menu("refunds", language="en", channel="web", customer_tags=[])
    assert refunds["path"] == [{"id": "refunds", "label": "Refunds"}]
    progress = menus.menu("refund-progress", language="zh", channel="web", customer_tags=[])
    leaf = next(c for c in progress["children"] if c["id"] == "refund-time")
    assert leaf["kind"] == "entry" and "到账" in leaf["answer"]
    with pytest.raises(NotFound):
        menus.menu("no-such-node", language="zh", channel="web", customer_tags=[])


async def test_menus_hide_what_this_customer_may_not_see() -> None:
    menus = MenuService(await knowledge(), MemoryJourneyLog(), InMemoryBus())

    def ids(node: str, tags: list[str], channel: str = "web") -> set[str]:
        view = menus.menu(node, language="zh", channel=channel, customer_tags=tags)
        return {c["id"] for c in view["children"]}

    assert "vip-benefits" in ids("coupons", ["vip"]) and "vip-join" not in ids("coupons", ["vip"])
    assert "vip-join" in ids("coupons", []) and "vip-benefits" not in ids("coupons", [])
    assert "policy-remedy-limits" not in ids("policies", [])
    assert "app-notifications" in ids("service", [], "app")
    assert "app-notifications" not in ids("service", [], "web")


def step(conversation: str, action: str, node: str, level: int, minute: int) -> JourneyRecord:
    return JourneyRecord(
        conversation, action, node, level, "help_center", NOW + timedelta(minutes=minute)
    )


def test_drop_off_shows_where_customers_give_up() -> None:
    leaves = {"refund-time", "refund-how"}
    records = [
        # Found the answer.
        step("c1", "open", "root", 0, 0),
        step("c1", "click", "refunds", 1, 1),
        step("c1", "click", "refund-progress", 2, 2),
        step("c1", "click", "refund-time", 3, 3),
        # Gave up at refund progress: went back, then left.
        step("c2", "open", "root", 0, 0),
        step("c2", "click", "refunds", 1, 1),
        step("c2", "click", "refund-progress", 2, 2),
        step("c2", "back", "refunds", 1, 3),
        step("c2", "exit", "refunds", 1, 4),
        # Stopped without a word at refund progress.
        step("c3", "open", "root", 0, 0),
        step("c3", "click", "refunds", 1, 1),
        step("c3", "click", "refund-progress", 2, 2),
    ]
    report = {n.node: n for n in dropoff(records, leaves)}
    assert report["refunds"].exits == 1 and report["refunds"].visits == 4
    assert report["refund-progress"].abandons == 1 and report["refund-progress"].backs == 1
    assert report["refund-time"].drop_offs == 0
    assert report["root"].drop_offs == 0


async def test_journey_steps_are_checked_recorded_and_announced() -> None:
    bus = InMemoryBus()
    bus.keep_history = True
    log = MemoryJourneyLog()
    menus = MenuService(await knowledge(), log, bus)
    await menus.record("c1", "open", "root", 0, "order_page")
    await menus.record("c1", "exit", "root", 0, "order_page")
    assert [e.name for e in bus.published] == ["journey.step", "journey.step"]
    assert (await menus.dropoff())[0].node == "root"
    with pytest.raises(InvalidInput):
        await menus.record("c1", "jump", "root", 0, None)


# -- suggestions ---------------------------------------------------------------------------


def context(**changes: object) -> SuggestionContext:
    candidates = {e.id: Candidate(e.id, e.intent, e.question.en) for e in demo_entries()}
    values: dict[str, object] = {
        "language": "en",
        "local_hour": 15,
        "orders": (),
        "candidates": candidates,
    }
    values.update(changes)
    return SuggestionContext(**values)  # type: ignore[arg-type]


def test_a_late_order_puts_where_is_my_order_first() -> None:
    late = OrderState("DD1", "delivering", is_late=True)
    chosen = ContextualStrategy().suggest(context(orders=[late], local_hour=12))
    assert chosen[0].knowledge_id == "order-where"
    assert 3 <= len(chosen) <= 5 and chosen[0].text == "Where is my order?"


def test_a_cancelled_or_refunding_order_puts_refunds_first() -> None:
    cancelled = OrderState("DD2", "cancelled", payment_state="paid")
    assert (
        ContextualStrategy().suggest(context(orders=[cancelled]))[0].knowledge_id
        == "refund-cancelled"
    )
    refunding = OrderState("DD3", "delivered", refund_pending=True)
    assert (
        ContextualStrategy().suggest(context(orders=[refunding]))[0].knowledge_id
        == "refund-progress"
    )


def test_time_of_day_bursts_pins_and_popularity_shape_the_rest() -> None:
    night = ContextualStrategy().suggest(context(local_hour=23))
    assert night[0].knowledge_id == "dorm-curfew"
    burst = ContextualStrategy().suggest(context(bursts=[Burst("payment_failed")]))
    assert burst[0].knowledge_id == "payment-failed"
    popular = ContextualStrategy().suggest(context(popularity={"rider-tip": 40}))
    assert "rider-tip" in [s.knowledge_id for s in popular]


def test_a_static_strategy_shows_its_list_and_ab_assignment_is_stable() -> None:
    static = StaticStrategy(
        ("coupon-how", "vip-benefits", "locker-how", "order-cancel", "refund-how", "x")
    )
    shown = static.suggest(
        context(candidates={k: v for k, v in context().candidates.items() if k != "vip-benefits"})
    )
    assert [s.id for s in shown] == ["coupon-how", "locker-how", "order-cancel", "refund-how"]
    experiment = Experiment(ContextualStrategy(), static, treatment_share=0.5)
    variants = [experiment.variant(f"conv-{n}").name for n in range(400)]
    assert variants == [experiment.variant(f"conv-{n}").name for n in range(400)]
    assert 150 < variants.count("contextual") < 250
    everyone = Experiment(ContextualStrategy(), static, treatment_share=1.0)
    assert {everyone.variant(f"conv-{n}").name for n in range(50)} == {"contextual"}


async def suggestion_service(
    external_id: str, tags: list[str] | None = None
) -> tuple[SuggestionService, MemorySuggestionLog, InMemoryBus]:
    kb = await knowledge()
    dataset = build_demo_dataset(NOW)
    business = FakeFoodDelivery(now=lambda: NOW, dataset=dataset)
    customer = Customer("cust-1", "default", NOW, external_id=external_id, tags=tags or ["student"])

    async def lookup(customer_id: str) -> Customer | None:
        return customer if customer_id == "cust-1" else None

    log, bus = MemorySuggestionLog(), InMemoryBus()
    bus.keep_history = True
    everyone = Experiment(
        ContextualStrategy(), StaticStrategy(("coupon-how",)), treatment_share=1.0
    )
    return SuggestionService(kb, log, bus, business, lookup, experiment=everyone), log, bus


async def test_a_student_whose_order_is_late_is_asked_about_it_first() -> None:
    late_owner = "stu-1001"  # owns the demo's late delivery
    assert build_demo_dataset(NOW).scenarios[DemoScenario.LATE_DELIVERY]
    service, log, bus = await suggestion_service(late_owner)
    chosen = await service.suggest("conv-1", "cust-1", "zh", NOW)
    assert chosen[0].knowledge_id == "order-where" and chosen[0].text == "我的外卖到哪了？"
    await service.record_click("conv-1", chosen[0].id)
    assert [r.kind for r in log.records].count("clicked") == 1
    assert [e.name for e in bus.published] == ["suggestion.shown", "suggestion.clicked"]
    report = await service.report()
    assert report[0].variant == "contextual" and report[0].clicks == 1
    assert report[0].ctr == round(1 / len(chosen), 4)


async def test_pinned_topics_follow_the_customers_own_order_trouble() -> None:
    service, _log, _bus = await suggestion_service("stu-1001")
    pin = service.pin("payment_failed")
    assert pin.knowledge_id == "payment-failed"
    chosen = await service.suggest("conv-1", "cust-1", "en", NOW)
    ids = [s.id for s in chosen]
    assert ids[0] == "order-where" and "payment-failed" in ids[:4]
    free = service.pin("食堂三楼今天停业", text_en="Canteen 3F is closed today")
    assert free.knowledge_id is None
    chosen = await service.suggest("conv-1", "cust-1", "en", NOW)
    assert "Canteen 3F is closed today" in [s.text for s in chosen]
    assert service.unpin("食堂三楼今天停业") and not service.unpin("食堂三楼今天停业")


async def test_suggestions_survive_the_order_system_being_down() -> None:
    service, _log, _bus = await suggestion_service("stu-1001")
    assert isinstance(service.business, FakeFoodDelivery)
    service.business.go_down()
    chosen = await service.suggest("conv-1", "cust-1", "zh", NOW)
    assert 3 <= len(chosen) <= 5
