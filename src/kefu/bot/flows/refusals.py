"""The business system's refusal codes, each as a sentence in zh and en."""

from __future__ import annotations

from kefu.bot.texts import pick
from kefu.domain.business import Language, NotAllowed

REFUSALS: dict[str, tuple[str, str]] = {
    "already_cancelled": ("这个订单已经取消了。", "That order is already cancelled."),
    "already_delivered": (
        "订单已送达，无法取消；如有问题可申请退款。",
        "It was delivered already, so it can't be cancelled; you can ask for a refund instead.",
    ),
    "already_accepted": (
        "商家已接单，无法直接取消，我可以帮您转人工协商。",
        "The restaurant has accepted it, so I can't cancel it myself; a colleague can try for you.",
    ),
    "already_refunded": ("这个订单已经全额退款了。", "That order has been fully refunded."),
    "order_closed": ("订单已完成，无法修改。", "The order is finished and can't be changed."),
    "already_picked_up": (
        "骑手已取餐，地址无法修改，可以联系骑手沟通。",
        "The rider has the food already, so the address can't change; you can contact the rider.",
    ),
    "order_in_progress": (
        "订单还在配送中，送达后才能申请退款；如果不想要了，可以先取消订单。",
        "The order is still on its way: a refund can be requested once it is delivered, or "
        "you can cancel it first.",
    ),
    "not_paid": (
        "这个订单还没有付款，所以无需退款。",
        "That order was never paid, so there is nothing to refund.",
    ),
    "invalid_amount": ("退款金额不正确。", "That refund amount isn't valid."),
    "amount_exceeds_refundable": (
        "这个金额超过了订单还能退的部分。",
        "That is more than can still be refunded on this order.",
    ),
    "invalid_address": ("这个地址不完整，请再发一次。", "That address looks incomplete."),
    "invalid_phone": ("这不像是手机号，请再发一次。", "That doesn't look like a mobile number."),
    "invalid_title": ("发票需要抬头。", "An invoice needs a title."),
    "invalid_tax_id": ("税号格式不正确。", "That taxpayer id doesn't look right."),
    "invalid_email": ("邮箱地址不正确。", "That e-mail address doesn't look right."),
    "not_delivered": (
        "订单送达后才能开发票。",
        "An invoice can be issued once the order is delivered.",
    ),
    "invoice_already_requested": (
        "这个订单已经申请过发票了，开具后会发到您的邮箱。",
        "An invoice was already requested for that order; it will be e-mailed once issued.",
    ),
}
_GENERAL = (
    "抱歉，这个操作我暂时无法完成，可以转人工帮您处理。",
    "Sorry, I can't do that myself; a colleague can help you with it.",
)


def refusal(exc: NotAllowed, language: Language) -> str:
    """A sentence for the refusal; never the code itself."""
    return pick(language, *REFUSALS.get(exc.code or "", _GENERAL))
