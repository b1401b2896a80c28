"""The bot's use cases: take one customer turn (understand, plan, execute), greet.

`BotActions.take_turn` reads what the plan needs (the conversation, the customer, the
bot's memory, cached rules), matches the knowledge base once, asks the pure
`policy.plan_turn` what to do, executes it (a knowledge answer, a flow step over the
business port, a hand-over), lets the pure `aftercare.settle` add soothing, a remedy or a
give-up, and sends the reply with the turn record. Every bot message's payload says what the
bot did: `decision`, `knowledge_id`, `flow`, `confidence` (and `kind`, as before).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from kefu.bot import aftercare, cues, policy, trials
from kefu.bot.caches import CustomerCache, MemoryCache
from kefu.bot.drafts import DraftActions
from kefu.bot.flows import (
    FLOWS,
    FlowContext,
    FlowReply,
    Input,
    start_state,
)
from kefu.bot.flows.cards import order_variables
from kefu.bot.memory import BotMemory
from kefu.bot.model import Hit, Turn, TurnPlan
from kefu.bot.ports import (
    BotStore,
    Conversations,
    HandoverCards,
    Knowledge,
    Language,
    Suggestions,
    TurnPoster,
)
from kefu.bot.records import Reply, TurnContext, analysed_event, hit_of, plain, turn_row
from kefu.bot.rules import BotRules
from kefu.bot.rules_cache import RulesCache
from kefu.bot.sending import Sender
from kefu.bot.texts import say
from kefu.domain.business import BusinessError, BusinessSystem, Order
from kefu.domain.business import Language as Lang
from kefu.domain.clock import Clock
from kefu.domain.conversation import Conversation, Status
from kefu.domain.customer import Customer
from kefu.domain.events import MessageCreated
from kefu.knowledge.ports import Shown
from kefu.services.ports import EventBus

log = logging.getLogger(__name__)
_TEMPLATE_ORDER = re.compile(r"\{order\.")
_CANNED = {"greeting": "greeting", "thanks": "thanks", "ack": "ack", "prompt": "prompt"}


class BotActions:
    def __init__(
        self,
        *,
        store: BotStore,
        conversations: Conversations,
        nlu: Language,
        business: BusinessSystem,
        bus: EventBus,
        clock: Clock,
        knowledge: Knowledge,
        suggestions: Suggestions | None,
        cards: HandoverCards | None,
        drafts: DraftActions,
        rules: RulesCache,
        refund_review_limit_cents: int,
        joined: TurnPoster | None = None,
    ) -> None:
        self.store = store
        self.conversations = conversations
        self.nlu = nlu
        self.business = business
        self.bus = bus
        self.clock = clock
        self.knowledge = knowledge
        self.suggestions = suggestions
        self.cards = cards
        self.drafts = drafts
        self.rules = rules
        self.refund_review_limit_cents = refund_review_limit_cents
        self.sender = Sender(store, conversations, bus, clock, cards, joined, suggestions)
        self.memories = MemoryCache()
        self.customers = CustomerCache()

    # -- greeting ---------------------------------------------------------------------------

    async def greet(self, conversation_id: str) -> None:
        conversation, customer = await self._conversation(conversation_id)
        if conversation.status != Status.BOT:
            return
        rules = await self.rules.get(conversation.account_id)
        tags = set(customer.tags) if customer else set()
        language: Lang = "en" if conversation.language == "en" else "zh"
        human = {"label": say("human", language), "value": "human"}
        payload: dict[str, Any] = {"kind": "greeting", "decision": "greeting"}
        if tags & set(rules.protected_tags):
            keep = {"label": say("keep_bot", language), "value": "keep_bot"}
            payload |= {"offer_human": True, "choices": [human, keep]}
            text = say("greeting_protected", language)
        else:
            payload["choices"] = [human] if rules.offer_human_up_front else []
            text = say("greeting", language)
        payload |= {"knowledge_id": None, "flow": None, "confidence": 1.0}
        shown = await self._suggest(conversation, customer, language)
        payload["suggestions"] = suggestion_items(shown)
        seq = await self.sender.greet(conversation_id, text, payload, shown)
        if conversation.last_seq == 0:
            # A new conversation has no memory yet: its first turn need not read it.
            self.memories.put(conversation_id, seq, BotMemory())

    # -- one customer message ---------------------------------------------------------------

    async def take_turn(self, event: MessageCreated) -> None:
        conversation, customer = await self._conversation(event.conversation_id)
        with_bot = conversation.status == Status.BOT
        memory = await self._memory(conversation.id, event.seq) if with_bot else BotMemory()
        text = event.text
        split = cues.opening(text)
        # Off the event loop: other conversations' messages are stored and streamed while
        # the encoder runs (and share its batch when they arrive together).
        analysis = await self.nlu.analyse_async(split.query, top_k=0)
        split = split.read_as_greeting(analysis.greeting)
        greeted = split.greeted
        language: Lang = (
            analysis.language
            if analysis.language in ("zh", "en")
            else ("en" if conversation.language == "en" else "zh")
        )
        action = (event.payload or {}).get("action") or {}
        action_type, action_value = action.get("type"), action.get("value")
        if action_type == "choice" and action_value == "human":
            action_type = "human"
        tags = tuple(customer.tags) if customer else ()
        with_context = (
            with_bot
            and not greeted
            and memory.last_text is not None
            and cues.leans_on_context(text)
        )
        query = f"{memory.last_text} {text}" if with_context else split.query
        rules = await self.rules.get(conversation.account_id)
        hits, exposure = self._match(query, language, tags, rules, conversation.customer_id)
        top = hits[0] if hits else None
        category = top.category if top else None
        row = turn_row(conversation, event, analysis, language, category)
        analysed = analysed_event(event, conversation, analysis, category, language)
        if not with_bot or self.sender.joined is None:
            await self.bus.publish([analysed])
        if not with_bot:
            # A human has it: the bot stays silent until handed back, but remembers the turn
            # for the card and agent assist.
            await self.store.record_turn(row, None, self.clock())
            return
        turn = Turn(
            text=split.query,
            language=language,
            analysis=analysis,
            hits=hits,
            action=action_type,
            action_value=action_value,
            customer_tags=tags,
            chosen=self._chosen(action_type, action_value, text, memory, language, rules),
            greeted=greeted,
            with_context=with_context,
        )
        plan = policy.plan_turn(turn, memory, rules)
        ctx = TurnContext(
            conversation, event, turn, customer.external_id if customer else None, rules, row
        )
        if self.sender.joined is not None:
            ctx.pending.append(analysed)  # committed with the reply: one transaction
        if exposure is not None:
            await self.sender.exposed(ctx, exposure)
        await self._execute(ctx, plan, customer)

    async def _execute(self, ctx: TurnContext, plan: TurnPlan, customer: Customer | None) -> None:
        memory = plan.memory
        if plan.handover is not None:
            self.memories.forget(ctx.conversation.id)
            await self.sender.hand_over(ctx, plan, plan.handover, memory)
            return
        if plan.record_click and self.suggestions is not None:
            await self.suggestions.record_click(ctx.conversation.id, plan.record_click)
        reply = await self._reply(ctx, plan, memory)
        scores = dict(ctx.turn.analysis.emotion.scores)
        settled = aftercare.settle(
            aftercare.Outcome(
                outcome=reply.outcome,
                intent=ctx.turn.analysis.intent.label,
                language=ctx.turn.language,
                emotion_scores=scores,
                customer_tags=ctx.turn.customer_tags,
                order_late=reply.order.is_late(self.clock()) if reply.order else None,
                refundable_cents=reply.order.refundable_cents if reply.order else None,
            ),
            memory,
            ctx.rules,
            ctx.turn.text,
        )
        if settled.give_up is not None:
            await self.sender.gap(ctx, plan, "handover")
            self.memories.forget(ctx.conversation.id)
            await self.sender.hand_over(ctx, plan, settled.give_up, memory)
            return
        if reply.outcome == "unknown" and plan.knowledge_gap:
            await self.sender.gap(ctx, plan, "unknown")
        sep = "" if ctx.turn.language == "zh" else " "
        if settled.prefix:
            reply.text = f"{settled.prefix}{sep}{reply.text}"
        if settled.suffix:
            reply.text = f"{reply.text}{sep}{settled.suffix}"
        if settled.human_choice:
            reply.payload.setdefault("choices", []).append(
                {"label": say("human", ctx.turn.language), "value": "human"}
            )
        if reply.outcome in ("answered", "flow_done", "greeting", "prompt"):
            # After an answer: what people ask next; after "hi" or a fragment that says
            # nothing yet: the questions this customer most likely has.
            reply.shown = await self._suggest(ctx.conversation, customer, ctx.turn.language)
            reply.payload["suggestions"] = suggestion_items(reply.shown)
        if settled.draft:
            await self.drafts.create(
                ctx.conversation,
                ctx.event.seq,
                ctx.turn.analysis.intent.label,
                reply.text,
                reply.payload,
            )
            reply = Reply(say("draft_pending", ctx.turn.language), "drafted", {"kind": "drafted"})
        memory.offered = list(reply.payload.get("choices", []))
        seq = await self.sender.send(ctx, plan, reply, memory)
        self.memories.put(ctx.conversation.id, seq, memory)

    async def _reply(self, ctx: TurnContext, plan: TurnPlan, memory: BotMemory) -> Reply:
        language = ctx.turn.language
        if plan.decision == "flow":
            return await self._flow_step(ctx, plan, memory)
        if plan.decision == "answer" and plan.knowledge_id is not None:
            return await self._answer(ctx, plan.knowledge_id, memory)
        if plan.decision == "clarify":
            return Reply(
                say("clarify", language),
                "clarified",
                {"kind": "clarify", "choices": list(plan.choices)},
            )
        if plan.decision in _CANNED:
            return Reply(
                say(_CANNED[plan.decision], language), plan.decision, {"kind": plan.decision}
            )
        return Reply(say("unknown", language), "unknown", {"kind": "unknown"})

    async def _answer(self, ctx: TurnContext, entry_id: str, memory: BotMemory) -> Reply:
        entry = self.knowledge.get(entry_id)
        if entry is None:
            return Reply(say("unknown", ctx.turn.language), "unknown", {"kind": "unknown"})
        language = ctx.turn.language
        variables: dict[str, object] = {}
        order: Order | None = None
        if _TEMPLATE_ORDER.search(entry.answer.in_language(language)) and ctx.customer_ref:
            order = await self._latest_order(ctx.customer_ref)
            if order is not None:
                variables = order_variables(order, language, self.clock())
        text = self.knowledge.render_answer(entry, language, variables)
        return Reply(text, "answered", {"kind": "answer"}, knowledge_id=entry.id, order=order)

    async def _flow_step(self, ctx: TurnContext, plan: TurnPlan, memory: BotMemory) -> Reply:
        if plan.start_flow or memory.flow is None:
            memory.flow = start_state(plan.flow or "order_status", ctx.turn.text, plan.order_hint)
        state = memory.flow
        flow = FLOWS[state.name]
        entities = ctx.turn.analysis.entities
        order_ids = [e.value for e in entities if e.label == "order_id"]
        flow_ctx = FlowContext(
            business=self.business,
            customer_ref=ctx.customer_ref,
            language=ctx.turn.language,
            now=self.clock(),
            auto_refund_limit_cents=self.refund_review_limit_cents,
        )
        fresh = state.step == "order" and plan.choice is None and not order_ids
        text = "" if fresh and not state.slots.get("asked") else ctx.turn.text
        result: FlowReply = await flow.step(flow_ctx, state, Input(text, plan.choice, order_ids))
        state.slots["asked"] = True
        memory.pending = result.asks
        if result.promise:
            memory.promises.append(result.promise)
        if result.order is not None:
            memory.last_order_id = result.order.order_id
            memory.last_order_late = result.order.is_late(self.clock())
        if result.done:
            memory.answered.append(f"flow:{state.name}")
            memory.last_topic = f"flow:{state.name}"
            memory.flow = None
            outcome = "unknown" if result.failed else "flow_done"
        else:
            outcome = "flow_step"
        payload = {"kind": "flow", **result.payload}
        return Reply(
            result.text, outcome, payload, knowledge_id=plan.knowledge_id, order=result.order
        )

    # -- helpers ----------------------------------------------------------------------------

    def _match(
        self, text: str, language: str, tags: tuple[str, ...], rules: BotRules, customer_id: str
    ) -> tuple[tuple[Hit, ...], trials.Exposure | None]:
        """The top 3 entries this customer may get (one more is asked for, in case one is on
        trial and this customer is in its control arm), and the trial exposure, if any."""
        found = self.knowledge.match(
            text, language=language, customer_tags=list(tags), now=self.clock(), top_k=4
        )
        kept, exposure = trials.for_customer(found, customer_id, 3)
        said = plain(text)
        hits = tuple(
            hit_of(h.entry, h.score, language, rules, exact=plain(h.matched_text) == said)
            for h in kept
        )
        return hits, exposure

    def _chosen(
        self,
        action: str | None,
        value: str | None,
        text: str,
        memory: BotMemory,
        language: str,
        rules: BotRules,
    ) -> Hit | None:
        picked = value if action in ("choice", "menu", "suggestion") else None
        typed = text.strip()
        if picked is None and typed.isdigit() and memory.offered:
            index = int(typed) - 1
            if 0 <= index < len(memory.offered):
                picked = memory.offered[index]["value"]
        if picked is None:
            return None
        entry_id = picked[3:] if picked.startswith("kb:") else picked
        entry = (
            self.knowledge.get(entry_id) if action != "choice" or picked.startswith("kb:") else None
        )
        return hit_of(entry, 1.0, language, rules) if entry is not None else None

    async def _memory(self, conversation_id: str, seq: int) -> BotMemory:
        cached = self.memories.get(conversation_id, seq)
        if cached is not None:
            return cached
        return BotMemory.from_dict(await self.store.load_state(conversation_id))

    async def _conversation(self, conversation_id: str) -> tuple[Conversation, Customer | None]:
        """The conversation, read now, and its customer (cached for a while): one read."""
        conversation, customer, read = await self.conversations.get_with_customer(
            conversation_id, self.customers.get
        )
        if read:
            self.customers.put(conversation.customer_id, customer)
        return conversation, customer

    async def _latest_order(self, customer_ref: str) -> Order | None:
        try:
            orders = await self.business.recent_orders(customer_ref, limit=1)
        except BusinessError:
            return None
        return orders[0] if orders else None

    async def _suggest(
        self, conversation: Conversation, customer: Customer | None, language: str
    ) -> Shown | None:
        """The questions to show with this reply; their impression is stored with it."""
        if self.suggestions is None:
            return None
        try:
            return await self.suggestions.choose(conversation.id, customer, language, self.clock())
        except Exception:
            log.exception("suggestions failed")
            return None


def suggestion_items(shown: Shown | None) -> list[dict[str, Any]]:
    """The suggestions as a bot message's payload shows them."""
    chosen = shown.chosen if shown is not None else ()
    return [{"id": s.id, "text": s.text, "knowledge_id": s.knowledge_id} for s in chosen]
