"""The customer as the agent needs to see them: our profile plus the business's view."""

from __future__ import annotations

from dataclasses import dataclass

from kefu.domain.agent import Agent
from kefu.domain.business import BizCustomer, BusinessError, BusinessSystem, Order
from kefu.domain.customer import Customer
from kefu.domain.errors import NotFound
from kefu.services import access
from kefu.services.context import ServiceContext


@dataclass(frozen=True, slots=True)
class CustomerContext:
    customer: Customer
    business_profile: BizCustomer | None
    orders: list[Order]
    business_error: str | None
    #: The asking agent handles the conversation (its assignee): they see the name in full.
    handling: bool = False


async def customer_context(
    ctx: ServiceContext, business: BusinessSystem, agent: Agent, conversation_id: str
) -> CustomerContext:
    """The business system being down must not hide the rest: the agent still sees who the
    customer is, and a message saying the orders could not be fetched."""
    conversation = await access.access_conversation(ctx, agent, conversation_id)
    async with ctx.uow(read_only=True) as uow:
        customer = await uow.customers.get(conversation.customer_id)
    if customer is None:
        raise NotFound(f"no customer {conversation.customer_id}")
    handling = conversation.assignee_id == agent.id
    if customer.external_id is None:
        return CustomerContext(customer, None, [], None, handling)
    try:
        profile = await business.get_customer(customer.external_id)
        orders = await business.recent_orders(customer.external_id, limit=5)
    except BusinessError as exc:
        return CustomerContext(customer, None, [], exc.message, handling)
    return CustomerContext(customer, profile, orders, None, handling)
