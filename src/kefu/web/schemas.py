"""Request and response bodies of the HTTP API (kept apart from the domain objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kefu.domain.agent import Agent, Presence, Role
from kefu.domain.conversation import Conversation
from kefu.domain.customer import MAX_TAG_LENGTH, MAX_TAGS, Customer
from kefu.domain.message import MAX_TEXT_LENGTH, Message
from kefu.privacy.policy import mask_phone, shown_name

MAX_SEQ = 2**31 - 1
PHONE_PATTERN = r"^\+?[0-9][0-9 \-]{5,30}$"  # as kefu.domain.callback checks it
Tag = Annotated[str, StringConstraints(max_length=MAX_TAG_LENGTH)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class RequestBody(BaseModel):
    """Base of every request body: NUL characters are refused up front (PostgreSQL cannot
    store them, and no person types one)."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("text fields must not contain NUL (\\u0000) characters")
        return data


class CustomerIn(RequestBody):
    external_id: str | None = Field(default=None, max_length=128)
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    language: Literal["zh", "en"] | None = None
    tags: list[Tag] | None = Field(default=None, max_length=MAX_TAGS)


class StartConversationIn(CustomerIn):
    """Customer fields may come flat or inside `customer`; `customer` wins where both are set."""

    customer: CustomerIn | None = None
    identity_signature: str | None = Field(
        default=None,
        max_length=128,
        pattern="^[0-9a-fA-F]{64}$",
        description="HMAC-SHA256 of external_id with the widget identity secret (hex)",
    )
    channel: Literal["web_widget", "app", "api"] = "web_widget"
    entry_point: str | None = Field(
        default=None, max_length=64, description="Where the customer came from, e.g. order_page"
    )


class StartConversationOut(BaseModel):
    conversation_id: str
    customer_id: str
    customer_token: str
    token_expires_at: datetime
    status: str
    channel: str
    entry_point: str | None
    created_at: datetime


class MessageIn(RequestBody):
    text: str = Field(max_length=MAX_TEXT_LENGTH * 4, description="1 to 4,000 characters")
    client_id: str | None = Field(
        default=None, max_length=100, description="Idempotency key chosen by the client"
    )


class CustomerAction(RequestBody):
    """The button behind a customer message: a quick reply, a suggested question, a menu
    node or the human button. The bot reads it instead of guessing from the text."""

    type: Literal["choice", "suggestion", "menu", "human"]
    value: str = Field(default="", max_length=200)


class CustomerMessageIn(MessageIn):
    action: CustomerAction | None = None


class AgentMessageIn(MessageIn):
    internal: bool = Field(
        default=False, description="An internal note, never shown to the customer"
    )


class MessageOut(BaseModel):
    id: str
    conversation_id: str
    seq: int
    sender: str
    text: str
    client_id: str | None
    created_at: datetime
    internal: bool = False
    author_id: str | None = None
    payload: dict[str, Any] | None = None

    @classmethod
    def of(cls, m: Message) -> MessageOut:
        return cls(
            id=m.id,
            conversation_id=m.conversation_id,
            seq=m.seq,
            sender=m.sender.value,
            text=m.text,
            client_id=m.client_id,
            created_at=m.created_at,
            internal=m.internal,
            author_id=m.author_id,
            payload=m.payload,
        )


class MessagesOut(BaseModel):
    messages: list[MessageOut]


class PublicConversationOut(BaseModel):
    conversation_id: str
    status: str
    handover_reason: str | None
    queue: str | None
    queue_position: int | None
    estimated_wait_s: float | None = Field(
        default=None, description="While queued; null when no agent who serves it is online"
    )
    offer: str | None = Field(
        default=None,
        description="When the queue overflowed: offer_callback or leave_message",
    )
    language: str
    channel: str
    entry_point: str | None
    last_seq: int
    created_at: datetime
    updated_at: datetime


class HandOverIn(RequestBody):
    reason: str = Field(default="customer_request", max_length=64)


class ConversationOut(BaseModel):
    id: str
    status: str
    customer_id: str
    channel: str
    language: str
    entry_point: str | None
    queue: str
    priority: int
    assignee_id: str | None
    handover_reason: str | None
    tags: list[str]
    last_seq: int
    reopen_count: int
    created_at: datetime
    updated_at: datetime
    queued_at: datetime | None
    assigned_at: datetime | None
    resolved_at: datetime | None
    customer_name: str | None = None

    @classmethod
    def of(cls, c: Conversation, *, customer_name: str | None = None) -> ConversationOut:
        return cls(
            customer_name=customer_name,
            id=c.id,
            status=c.status.value,
            customer_id=c.customer_id,
            channel=c.channel,
            language=c.language,
            entry_point=c.entry_point,
            queue=c.queue,
            priority=c.priority,
            assignee_id=c.assignee_id,
            handover_reason=c.handover_reason,
            tags=list(c.tags),
            last_seq=c.last_seq,
            reopen_count=c.reopen_count,
            created_at=c.created_at,
            updated_at=c.updated_at,
            queued_at=c.queued_at,
            assigned_at=c.assigned_at,
            resolved_at=c.resolved_at,
        )


class ConversationsOut(BaseModel):
    conversations: list[ConversationOut]


class LoginIn(RequestBody):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class AgentOut(BaseModel):
    model_config = ConfigDict(use_enum_values=True)

    id: str
    email: str
    name: str
    role: Role
    skills: list[str]
    languages: list[str]
    max_concurrent: int
    presence: Presence

    @classmethod
    def of(cls, a: Agent) -> AgentOut:
        return cls(
            id=a.id,
            email=a.email,
            name=a.name,
            role=a.role,
            skills=a.skills,
            languages=a.languages,
            max_concurrent=a.max_concurrent,
            presence=a.presence,
        )


class LoginOut(BaseModel):
    token: str
    expires_at: datetime
    agent: AgentOut


class PresenceIn(RequestBody):
    presence: Presence


class TransferIn(RequestBody):
    """Exactly one target: `to_agent_id`, `to_queue` or `to_bot: true`."""

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["to_agent_id"], "properties": {"to_agent_id": {"type": "string"}}},
                {"required": ["to_queue"], "properties": {"to_queue": {"type": "string"}}},
                {"required": ["to_bot"], "properties": {"to_bot": {"const": True}}},
            ]
        }
    )

    to_agent_id: str | None = Field(default=None, max_length=32)
    to_queue: str | None = Field(default=None, max_length=64)
    to_bot: bool = Field(default=False, description="Give the conversation back to the bot")
    note: str | None = Field(default=None, max_length=MAX_TEXT_LENGTH)


class QueuesOut(BaseModel):
    queues: dict[str, int]


class CustomerOut(BaseModel):
    id: str
    external_id: str | None
    name: str | None
    phone: str | None
    language: str
    tags: list[str]

    @classmethod
    def of(cls, c: Customer, *, handling: bool = False) -> CustomerOut:
        """`handling`: the viewer is the conversation's assignee (`shown_name`)."""
        return cls(
            id=c.id,
            external_id=c.external_id,
            name=shown_name(c.name, handling=handling),
            phone=mask_phone(c.phone),
            language=c.language,
            tags=list(c.tags),
        )


class CustomerContextOut(BaseModel):
    customer: CustomerOut
    business_profile: dict[str, Any] | None
    orders: list[dict[str, Any]]
    business_error: str | None = None


class CallbackIn(RequestBody):
    phone: str = Field(max_length=40, pattern=PHONE_PATTERN, description="e.g. 13812341234")
    preferred_time: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=MAX_TEXT_LENGTH)


class CallbackOut(BaseModel):
    callback_id: str
    conversation_id: str
    phone: str
    preferred_time: str | None
    created_at: datetime


class OverflowRuleIn(RequestBody):
    action: Literal["offer_callback", "back_to_bot_busy", "spill_over"]
    max_waiting: int | None = Field(default=None, ge=0)
    max_wait_s: float | None = Field(default=None, ge=0)
    share: float = Field(default=1.0, ge=0, le=1)
    simple_only: bool = True
    spill_to: str | None = Field(default=None, max_length=64)


class BusinessHoursIn(RequestBody):
    timezone: str = "Asia/Shanghai"
    weekly: dict[int, list[str]] = Field(
        description='0 = Monday … 6 = Sunday → ["09:00-12:00", "13:00-21:00"]'
    )
    holidays: list[str] = Field(default_factory=list, description="ISO dates")


class SlaSettingsIn(RequestBody):
    first_response_s: float = Field(gt=0, description="First human reply due after queueing")
    resolution_s: float = Field(gt=0, description="Resolution due after queueing")
    warn_at: float = Field(default=0.8, gt=0, lt=1, description="Warn at this share")


class QueueSettingsIn(RequestBody):
    skills: list[str] | None = None
    language: Literal["zh", "en"] | None = None
    strategy: Literal["least_loaded", "longest_idle"] = "least_loaded"
    overflow: list[OverflowRuleIn] = Field(default_factory=list)
    hours: BusinessHoursIn | None = None
    after_hours: Literal["leave_message", "offer_callback"] = "leave_message"
    sla: SlaSettingsIn | None = Field(default=None, description="Overrides the default SLA")


class QueueSettingsOut(QueueSettingsIn):
    name: str
