"""The demo campus food-delivery platform: customers, restaurants, orders and coupons.

Everything is derived from one ``now`` so that the story stays true whenever the demo runs:
the late order is always 25 minutes late, the fresh order is always two minutes old. Given
the same ``now`` the dataset (order ids included) is identical, which tests rely on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum

from kefu.domain.business import (
    BizCustomer,
    Coupon,
    CouponState,
    CouponUse,
    Language,
    LocalizedText,
    Order,
    OrderItem,
    OrderStatus,
    PaymentState,
    Refund,
    RefundState,
    Restaurant,
    Rider,
    payment_state_after_refunds,
)

CHINA_TZ = timezone(timedelta(hours=8), "CST")
# Monday lunchtime rush: the moment the demo story is written for.
DEMO_NOW = datetime(2026, 11, 23, 12, 30, tzinfo=CHINA_TZ)
DELIVERY_FEE_CENTS = 200


class DemoScenario(StrEnum):
    """Orders the demo and tests talk about by role rather than by id."""

    JUST_PLACED = "just_placed"
    PAYMENT_PENDING = "payment_pending"
    PAYMENT_FAILED = "payment_failed"
    ACCEPTED = "accepted"
    PREPARING = "preparing"
    PICKED_UP = "picked_up"
    LATE_DELIVERY = "late_delivery"
    ON_TIME_DELIVERY = "on_time_delivery"
    DELIVERED = "delivered"
    DELIVERED_LARGE = "delivered_large"
    COUPON_NOT_APPLIED = "coupon_not_applied"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUND_UNDER_REVIEW = "refund_under_review"
    CANCELLED_PAID = "cancelled_paid"
    CANCELLED_UNPAID = "cancelled_unpaid"


@dataclass(frozen=True)
class DemoDataset:
    customers: tuple[BizCustomer, ...]
    restaurants: tuple[Restaurant, ...]
    orders: tuple[Order, ...]  # oldest first
    coupons: Mapping[str, tuple[Coupon, ...]]  # by customer external id
    scenarios: Mapping[DemoScenario, str]  # order id playing each role


_V, _E, _S = "vip", "elderly", "student"
# (external id, name, phone, language, tags, usual delivery address)
_CUSTOMERS: tuple[tuple[str, str, str, Language, frozenset[str], str], ...] = (
    ("stu-1001", "张伟", "13800001001", "zh", frozenset({_S}), "紫荆公寓 3 号楼"),
    ("stu-1002", "李娜", "13800001002", "zh", frozenset({_S, _V}), "紫荆公寓 12 号楼"),
    ("stu-1003", "王芳", "13800001003", "zh", frozenset({_S}), "南区学生公寓 7 号楼"),
    ("stu-1004", "Emily Carter", "13800001004", "en", frozenset({_S}), "西门取餐点"),
    ("stu-1005", "刘洋", "13800001005", "zh", frozenset({_S}), "研究生公寓 A 座"),
    ("stu-1006", "Arjun Mehta", "13800001006", "en", frozenset({_S, _V}), "东门取餐点"),
    ("stu-1007", "周杰", "13800001007", "zh", frozenset({_S}), "紫荆公寓 5 号楼"),
    ("stu-1008", "吴敏", "13800001008", "zh", frozenset({_S}), "图书馆北侧取餐柜"),
    ("stu-1009", "Lucas Meyer", "13800001009", "en", frozenset({_S}), "西门取餐点"),
    ("stu-1010", "孙悦", "13800001010", "zh", frozenset({_S}), "紫荆公寓 3 号楼"),
    ("stf-2001", "陈建国", "13900002001", "zh", frozenset({_E}), "教工宿舍 2 号楼"),
    ("stf-2002", "赵秀英", "13900002002", "zh", frozenset({_E, _V}), "教工宿舍 6 号楼"),
    ("stf-2003", "Sarah Lin", "13900002003", "en", frozenset({_V}), "主楼 C 区取餐点"),
)

# (id, zh name, en name, location)
_RESTAURANTS: tuple[tuple[str, str, str, str], ...] = (
    ("r-01", "北区一食堂", "North Canteen No. 1", "北区一食堂 1 楼"),
    ("r-02", "清芬园小炒", "Qingfen Garden Stir-fry", "清芬园 2 楼"),
    ("r-03", "兰州牛肉面", "Lanzhou Beef Noodles", "学生活动中心 B1"),
    ("r-04", "麻辣香锅", "Spicy Stir-fry Pot", "南区商业街 12 号"),
    ("r-05", "校园奶茶铺", "Campus Milk Tea", "图书馆东侧"),
    ("r-06", "东门煎饼果子", "East Gate Jianbing", "东门外 20 米"),
    ("r-07", "桃李园西餐", "Taoli Western Kitchen", "桃李园 3 楼"),
    ("r-08", "首尔石锅拌饭", "Seoul Bibimbap House", "西区食堂 1 楼"),
)
# (restaurant id, zh, en, price in cents); orders pick dishes by their index within a menu.
_DISHES: tuple[tuple[str, str, str, int], ...] = (
    ("r-01", "黄焖鸡米饭", "Braised chicken with rice", 1800),
    ("r-01", "番茄炒蛋盖饭", "Tomato and egg rice bowl", 1200),
    ("r-01", "紫菜蛋花汤", "Seaweed and egg soup", 300),
    ("r-02", "宫保鸡丁", "Kung pao chicken", 2200),
    ("r-02", "鱼香肉丝", "Yu-xiang shredded pork", 2000),
    ("r-02", "米饭", "Steamed rice", 200),
    ("r-03", "牛肉拉面", "Hand-pulled beef noodles", 1600),
    ("r-03", "加肉", "Extra beef", 600),
    ("r-03", "凉拌黄瓜", "Smashed cucumber salad", 800),
    ("r-04", "麻辣香锅（两人份）", "Spicy stir-fry pot for two", 5800),
    ("r-04", "冰粉", "Ice jelly", 600),
    ("r-05", "珍珠奶茶", "Bubble milk tea", 1300),
    ("r-05", "杨枝甘露", "Mango pomelo sago", 1600),
    ("r-06", "煎饼果子", "Jianbing crepe", 900),
    ("r-06", "豆浆", "Soy milk", 300),
    ("r-07", "牛排套餐", "Steak set", 4800),
    ("r-07", "意大利面", "Spaghetti bolognese", 2600),
    ("r-07", "凯撒沙拉", "Caesar salad", 2200),
    ("r-08", "石锅拌饭", "Stone-pot bibimbap", 2300),
    ("r-08", "泡菜饼", "Kimchi pancake", 1500),
)

_RIDERS = ("王师傅", "李师傅", "张师傅", "赵师傅", "孙师傅")
_PAID, _PENDING, _FAILED = PaymentState.PAID, PaymentState.PENDING, PaymentState.FAILED
_APPROVED, _REVIEW = RefundState.APPROVED, RefundState.PENDING_REVIEW
_PREPAY = frozenset({OrderStatus.PLACED, OrderStatus.CANCELLED})
_WITH_RIDER = frozenset({OrderStatus.PICKED_UP, OrderStatus.DELIVERING, OrderStatus.DELIVERED})
_MINUTE, _HOUR, _DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


def _menu(restaurant_id: str) -> list[tuple[LocalizedText, int]]:
    return [
        (LocalizedText(zh, en), price) for rid, zh, en, price in _DISHES if rid == restaurant_id
    ]


class _Builder:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.customers = {c[0]: c for c in _CUSTOMERS}
        self.restaurants = {
            rid: Restaurant(rid, LocalizedText(zh, en), location, f"010-6278{i:04d}")
            for i, (rid, zh, en, location) in enumerate(_RESTAURANTS, start=1)
        }
        self.drafts: list[tuple[DemoScenario | None, Order]] = []

    def order(
        self,
        scenario: DemoScenario | None,
        customer_id: str,
        restaurant_id: str,
        picks: Sequence[tuple[int, int]],  # (dish index in the menu, quantity)
        status: OrderStatus,
        placed_ago: timedelta,
        *,
        payment: PaymentState = _PAID,
        method: str = "wechat_pay",
        eta_after: timedelta = 35 * _MINUTE,
        rider_at: str | None = None,
        coupon: CouponUse | None = None,
        refunds: Sequence[tuple[int, str, RefundState]] = (),
        cancel_reason: str | None = None,
        failure: str | None = None,
    ) -> None:
        menu = _menu(restaurant_id)
        items = tuple(OrderItem(menu[i][0], qty, menu[i][1]) for i, qty in picks)
        placed = self.now - placed_ago
        delivered = placed + 31 * _MINUTE if status is OrderStatus.DELIVERED else None
        rider = None
        if status in _WITH_RIDER:
            n = len(self.drafts)
            rider = Rider(
                _RIDERS[n % len(_RIDERS)],
                f"171 0000 {1000 + n:04d} 转 {8800 + n}",
                rider_at or ("已送达" if delivered else "正在前往您的地址"),
            )
        discount = coupon.discount_cents if coupon and coupon.applied else 0
        refunded_at = (delivered or placed) + _HOUR
        order = Order(
            order_id="",
            customer_id=customer_id,
            restaurant=self.restaurants[restaurant_id],
            items=items,
            status=status,
            placed_at=placed,
            address=self.customers[customer_id][5],
            contact_phone=self.customers[customer_id][2],
            payment_state=payment,
            payment_method=method,
            total_cents=sum(i.line_total_cents for i in items) + DELIVERY_FEE_CENTS - discount,
            delivery_fee_cents=DELIVERY_FEE_CENTS,
            accepted_at=None if status in _PREPAY else placed + 2 * _MINUTE,
            eta=None if status is OrderStatus.CANCELLED else placed + eta_after,
            delivered_at=delivered,
            cancelled_at=placed + 3 * _MINUTE if cancel_reason else None,
            cancel_reason=cancel_reason,
            rider=rider,
            coupon=coupon,
            refunds=tuple(Refund("", "", amt, why, st, refunded_at) for amt, why, st in refunds),
            payment_failure_reason=failure,
        )
        self.drafts.append((scenario, order))

    def finish(self) -> tuple[tuple[Order, ...], dict[DemoScenario, str]]:
        """Number orders like real ones (DD + local date + sequence of the day), oldest first."""
        orders: list[Order] = []
        scenarios: dict[DemoScenario, str] = {}
        per_day: dict[str, int] = {}
        for scenario, draft in sorted(self.drafts, key=lambda d: d[1].placed_at):
            day = draft.placed_at.astimezone(CHINA_TZ).strftime("%Y%m%d")
            per_day[day] = per_day.get(day, 0) + 1
            order_id = f"DD{day}{per_day[day]:03d}"
            refunds = tuple(
                dataclasses.replace(r, refund_id=f"RF{order_id[2:]}{n:02d}", order_id=order_id)
                for n, r in enumerate(draft.refunds, start=1)
            )
            order = dataclasses.replace(draft, order_id=order_id, refunds=refunds)
            state = payment_state_after_refunds(order)
            orders.append(dataclasses.replace(order, payment_state=state))
            if scenario is not None:
                scenarios[scenario] = order_id
        return tuple(orders), scenarios


_COUPON_NOT_APPLIED = LocalizedText(
    "商品金额 ¥18.00 未满 ¥20.00（配送费不计入满减门槛），优惠券已退回券包",
    "Items came to ¥18.00, under the ¥20.00 minimum (the delivery fee does not count); "
    "the coupon is back in your wallet",
)
_MJ2010 = LocalizedText("满20减10", "¥10 off ¥20")
_MJ3005 = LocalizedText("满30减5", "¥5 off ¥30")


def _story(b: _Builder) -> None:
    """The orders the demo is about, one per situation a customer contacts us about."""
    S, st, m, h, day = DemoScenario, OrderStatus, _MINUTE, _HOUR, _DAY
    # Tabular on purpose: one situation per row reads better than the formatter's layout.
    # fmt: off
    b.order(S.JUST_PLACED, "stu-1004", "r-06", [(0, 1), (1, 1)], st.PLACED, 2 * m)
    b.order(S.PAYMENT_PENDING, "stu-1009", "r-05", [(0, 2)], st.PLACED, 1 * m,
            payment=_PENDING, method="alipay")
    b.order(S.PAYMENT_FAILED, "stu-1007", "r-03", [(0, 1), (1, 1)], st.PLACED, 6 * m,
            payment=_FAILED, method="campus_card", failure="校园卡余额不足 (card balance too low)")
    b.order(S.ACCEPTED, "stu-1002", "r-02", [(0, 1), (2, 1)], st.ACCEPTED, 8 * m)
    b.order(S.PREPARING, "stu-1003", "r-01", [(1, 1), (2, 1)], st.PREPARING, 15 * m)
    b.order(S.PICKED_UP, "stu-1005", "r-08", [(0, 1)], st.PICKED_UP, 30 * m,
            rider_at="刚从西区食堂取餐出发")
    b.order(S.LATE_DELIVERY, "stu-1001", "r-01", [(0, 1), (2, 1)], st.DELIVERING, 80 * m,
            eta_after=55 * m, rider_at="东门外路口堵车，距您约 800 米")
    b.order(S.ON_TIME_DELIVERY, "stf-2001", "r-03", [(0, 1), (2, 1)], st.DELIVERING, 25 * m,
            rider_at="正在经过图书馆，预计 10 分钟送达")
    b.order(S.DELIVERED, "stu-1001", "r-05", [(1, 1)], st.DELIVERED, day - 5 * h)
    b.order(S.DELIVERED_LARGE, "stf-2003", "r-07", [(0, 2), (2, 2)], st.DELIVERED, 3 * h,
            method="alipay")
    b.order(S.COUPON_NOT_APPLIED, "stu-1006", "r-01", [(0, 1)], st.DELIVERED, 2 * h,
            coupon=CouponUse("MJ2010-1006", _MJ2010, 1000, False, _COUPON_NOT_APPLIED))
    b.order(S.REFUNDED, "stu-1008", "r-04", [(0, 1)], st.DELIVERED, day,
            refunds=[(6000, "汤汁洒漏，整单退款", _APPROVED)])
    b.order(S.PARTIALLY_REFUNDED, "stf-2002", "r-02", [(0, 1), (1, 1), (2, 2)], st.DELIVERED,
            4 * h, refunds=[(2000, "鱼香肉丝漏送", _APPROVED)])
    b.order(S.REFUND_UNDER_REVIEW, "stu-1002", "r-07", [(0, 1), (1, 1)], st.DELIVERED, 2 * day,
            refunds=[(7400, "Steak was cold and the pasta missing", _REVIEW)])
    b.order(S.CANCELLED_PAID, "stu-1003", "r-05", [(0, 1)], st.CANCELLED, 50 * m,
            cancel_reason="下错单了")
    b.order(S.CANCELLED_UNPAID, "stu-1009", "r-06", [(0, 2)], st.CANCELLED, day + 3 * h,
            payment=_FAILED, method="campus_card", cancel_reason="payment failed",
            failure="card expired")
    # fmt: on


def _history(b: _Builder) -> None:
    """Two weeks of ordinary orders, so that 'my recent orders' has something to show."""
    regulars = [c[0] for c in _CUSTOMERS if c[0] != "stu-1010"]  # stu-1010 is brand new
    for n in range(24):
        customer_id = regulars[n % len(regulars)]
        restaurant_id = _RESTAURANTS[(n * 3) % len(_RESTAURANTS)][0]
        (_, first_price), (_, second_price) = _menu(restaurant_id)[:2]
        # Lunch at the same time of day as now, or the evening before's dinner.
        placed_ago = timedelta(days=1 + n % 13) - timedelta(hours=6 * (n % 2))
        if n % 7 == 3:
            refund = (first_price + DELIVERY_FEE_CENTS, "取消订单退款", _APPROVED)
            b.order(None, customer_id, restaurant_id, [(0, 1)], OrderStatus.CANCELLED,
                    placed_ago, cancel_reason="点错了", refunds=[refund])  # fmt: skip
            continue
        qty = 1 + n % 2
        coupon = None
        if n % 3 == 0 and first_price * qty + second_price >= 3000:
            coupon = CouponUse(f"MJ3005-H{n:02d}", _MJ3005, 500, True)
        b.order(None, customer_id, restaurant_id, [(0, qty), (1, 1)], OrderStatus.DELIVERED,
                placed_ago, coupon=coupon)  # fmt: skip


def _coupons(now: datetime) -> dict[str, tuple[Coupon, ...]]:
    usable, used, expired = CouponState.USABLE, CouponState.USED, CouponState.EXPIRED
    wallets: dict[str, tuple[Coupon, ...]] = {}
    for i, (cid, *_rest) in enumerate(_CUSTOMERS):
        suffix = cid.split("-")[1]
        wallet = [Coupon(f"MJ3005-{suffix}", _MJ3005, 500, 3000, now + 7 * _DAY, usable)]
        if i % 2:
            title = LocalizedText("满15减3", "¥3 off ¥15")
            wallet.append(Coupon(f"MJ1503-{suffix}", title, 300, 1500, now - 3 * _DAY, expired))
        if i % 3 == 0:
            title = LocalizedText("晚餐立减8元", "¥8 off dinner")
            wallet.append(Coupon(f"WC8-{suffix}", title, 800, 0, now + 2 * _DAY, used))
        wallets[cid] = tuple(wallet)
    # fmt: off
    special = {
        "stu-1006": Coupon("MJ2010-1006", _MJ2010, 1000, 2000, now + 5 * _DAY, usable),
        "stu-1010": Coupon("NEW8-1010", LocalizedText("新人立减8元", "¥8 off your first order"),
                           800, 0, now + 30 * _DAY, usable),
        "stf-2002": Coupon("VIPFREE-2002", LocalizedText("会员免配送费", "Free delivery (VIP)"),
                           DELIVERY_FEE_CENTS, 0, now + 30 * _DAY, usable),
    }
    # fmt: on
    for cid, coupon in special.items():
        wallets[cid] = (coupon, *wallets[cid])
    return wallets


def build_demo_dataset(now: datetime = DEMO_NOW) -> DemoDataset:
    builder = _Builder(now)
    _story(builder)
    _history(builder)
    orders, scenarios = builder.finish()
    customers = tuple(
        BizCustomer(cid, name, phone, language, tags)
        for cid, name, phone, language, tags, _address in _CUSTOMERS
    )
    return DemoDataset(
        customers=customers,
        restaurants=tuple(builder.restaurants.values()),
        orders=orders,
        coupons=_coupons(now),
        scenarios=scenarios,
    )
