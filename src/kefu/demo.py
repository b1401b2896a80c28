"""Demo data for the campus food-delivery business: the team, and a few conversations.

Seeding is idempotent: it recognises its own team by e-mail and adds only what is missing,
so `kefu serve --demo` can start any number of times on the same database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kefu.domain.agent import Role
from kefu.services import conversations as conv
from kefu.services.agents import NewAgent, create_agent
from kefu.services.context import ServiceContext
from kefu.services.conversations import CustomerInfo

log = logging.getLogger(__name__)

DEMO_PASSWORD = "kefu-demo-2026"

DEMO_TEAM = (
    NewAgent("admin@kefu.local", "管理员 Admin", DEMO_PASSWORD, Role.ADMIN, [], ["zh", "en"], 5),
    NewAgent(
        "lead@kefu.local", "王芳 Wang Fang", DEMO_PASSWORD, Role.SUPERVISOR, [], ["zh", "en"], 5
    ),
    NewAgent(
        "lina@kefu.local",
        "林娜 Lin Na",
        DEMO_PASSWORD,
        Role.AGENT,
        ["orders", "refunds"],
        ["zh", "en"],
        4,
    ),
    NewAgent(
        "wei@kefu.local",
        "陈伟 Chen Wei",
        DEMO_PASSWORD,
        Role.AGENT,
        ["payments", "delivery"],
        ["zh"],
        5,
    ),
    NewAgent(
        "emma@kefu.local",
        "Emma Clark",
        DEMO_PASSWORD,
        Role.AGENT,
        ["orders", "delivery"],
        ["en", "zh"],
        3,
    ),
)


@dataclass(frozen=True, slots=True)
class _DemoChat:
    customer: CustomerInfo
    entry_point: str
    lines: tuple[str, ...]
    hand_over_reason: str | None


DEMO_CHATS = (
    _DemoChat(
        CustomerInfo("stu-1001", "张伟", "13800001001", "zh", ["student"]),
        "order_page",
        ("我的外卖到哪了？已经超时二十分钟了", "麻烦帮我催一下骑手"),
        "customer_request",
    ),
    _DemoChat(
        CustomerInfo("stu-1006", "Arjun Mehta", "13800001006", "en", ["student", "vip"]),
        "help_center",
        ("My coupon was not applied to my last order",),
        None,
    ),
)


async def seed(ctx: ServiceContext) -> int:
    """Adds what is missing; returns how many agents were created."""
    created = 0
    async with ctx.uow() as uow:
        known = {email for email in [a.email for a in await uow.agents.list("default")]}
    for member in DEMO_TEAM:
        if member.email not in known:
            await create_agent(ctx, member)
            created += 1
    if created == len(DEMO_TEAM):
        # A fresh database: give the team something to look at.
        for chat in DEMO_CHATS:
            started = await conv.start_conversation(
                ctx, chat.customer, entry_point=chat.entry_point
            )
            for n, line in enumerate(chat.lines):
                await conv.post_customer_message(ctx, started.conversation.id, line, f"demo-{n}")
            if chat.hand_over_reason:
                await conv.hand_over(
                    ctx, started.conversation.id, reason=chat.hand_over_reason, queue="orders"
                )
    log.info("demo data ready", extra={"agents_created": created})
    return created
