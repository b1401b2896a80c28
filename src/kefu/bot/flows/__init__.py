"""Task flows that act on the business system, one module per flow.

`FLOWS` by name; `FLOW_FOR_INTENT` (late deliveries are tracked like order status);
`flow_for_entry` finds the flow a knowledge entry stands for, from its `flow.<name>` tag or
the rules' `entry_flows` (never from ids written into code); `start_state` begins one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kefu.bot.flows.base import Flow, FlowContext, FlowReply, Input
from kefu.bot.flows.cancel import CancelFlow
from kefu.bot.flows.cards import order_card, order_variables
from kefu.bot.flows.change_contact import ChangeContactFlow
from kefu.bot.flows.coupon import CouponFlow
from kefu.bot.flows.invoice import InvoiceFlow
from kefu.bot.flows.order_status import OrderStatusFlow
from kefu.bot.flows.payment import PaymentFlow
from kefu.bot.flows.refund import RefundFlow
from kefu.bot.flows.rider_contact import RiderContactFlow
from kefu.bot.memory import FlowState

__all__ = [
    "FLOWS",
    "FLOW_FOR_INTENT",
    "Flow",
    "FlowContext",
    "FlowReply",
    "Input",
    "acts_on_order",
    "flow_for_entry",
    "order_card",
    "order_variables",
    "start_state",
]

FLOWS: dict[str, Flow] = {
    flow.name: flow
    for flow in (
        OrderStatusFlow(),
        RiderContactFlow(),
        CancelFlow(),
        RefundFlow(),
        ChangeContactFlow(),
        CouponFlow(),
        PaymentFlow(),
        InvoiceFlow(),
    )
}
FLOW_FOR_INTENT = {name: name for name in FLOWS} | {"delivery_late": "order_status"}
_PHONE_WORDS = ("电话", "手机", "phone", "number")


def flow_name(name: str) -> str:
    """`change_phone` is the contact flow on the phone."""
    name = FLOW_FOR_INTENT.get(name, name)
    return "change_address" if name == "change_phone" else name


def acts_on_order(name: str) -> bool:
    flow = FLOWS.get(flow_name(name))
    return flow is not None and flow.acts


def flow_for_entry(
    entry_id: str, tags: Sequence[str], entry_flows: Mapping[str, str]
) -> str | None:
    for tag in tags:
        if tag.startswith("flow.") and (tag[5:] in FLOWS or tag[5:] == "change_phone"):
            return tag[5:]
    return entry_flows.get(entry_id)


def start_state(name: str, text: str, order_hint: str | None = None) -> FlowState:
    """A new flow by intent or flow name, optionally about an order already in question."""
    flow = FLOW_FOR_INTENT.get(name, name)
    if flow == "change_phone":
        state = FlowState(name="change_address", step="order", slots={"field": "phone"})
    else:
        state = FlowState(name=flow, step="order")
        if flow == "change_address" and any(w in text.lower() for w in _PHONE_WORDS):
            state.slots["field"] = "phone"
    if order_hint:
        state.slots["hint"] = order_hint
    return state
