"""The bot's dialogue policy: one customer turn in, one decision out. Pure.

`plan_turn(turn, memory, rules)` makes exactly one decision per turn — answer an entry,
start or continue a flow, ask which entry the customer means, say honestly that the bot
does not know (and record the gap), or hand over — and returns it as a `TurnPlan` with the
memory after the turn. No I/O, no clock, no database: the actions execute the plan.

Selective answering: the bot answers only where its estimated precision (the engine's
score through the rules' calibration map) reaches `rules.precision_target`. Below it, a
plausible candidate is offered as a choice ("which of these do you mean?"); with none, the
bot says it does not know. A flow that acts on an order (refund, cancel, change address,
invoice) starts only on evidence of a request; a question about it gets the knowledge
answer. A flow never starts from an intent alone unless the message names its topic.
"""

from __future__ import annotations

from dataclasses import replace

from kefu.bot import cues, handover
from kefu.bot.flows import FLOW_FOR_INTENT, acts_on_order, flow_name
from kefu.bot.memory import BotMemory
from kefu.bot.model import Decision, Hit, Turn, TurnPlan
from kefu.bot.rules import BotRules
from kefu.bot.texts import flow_choice
from kefu.domain.business import Language

#: Intents that are small talk or a request for a person, never "the same question again".
NOT_COUNTED = frozenset({"oos", "greeting", "thanks", "human_agent"})
#: Flow steps where the customer types free text (an address, an invoice title).
FREE_TEXT_STEPS = frozenset({"value", "details"})
#: Look-up flows a fragment such as "还没到" repeats about the same order.
_LOOKUPS = frozenset({"order_status", "rider_contact", "coupon", "payment_failed"})


def plan_turn(turn: Turn, memory: BotMemory, rules: BotRules) -> TurnPlan:
    if (words := cues.simplified(turn.text)) != turn.text:
        turn = replace(turn, text=words)  # the cues are written in simplified script
    m = memory.copy()
    m.attempts += 1
    analysis = turn.analysis
    intent = analysis.intent
    free_text = m.flow is not None and m.flow.step in FREE_TEXT_STEPS
    filler = cues.is_filler(turn.text) and turn.action is None
    if turn.action is None and not free_text and not filler and intent.label not in NOT_COUNTED:
        m.count_intent(intent.label)
    scores = dict(analysis.emotion.scores)
    # An out-of-scope information question ("宇宙的尽头是什么") says nothing about how the
    # customer feels about their situation: it never counts towards an emotion hand-over.
    situational = not (intent.is_oos and cues.is_question(turn.text))
    m.anxious_in_row = (
        m.anxious_in_row + 1 if situational and handover.is_anxious(rules, scores) else 0
    )
    m.angry_in_row = m.angry_in_row + 1 if situational and handover.is_angry(rules, scores) else 0
    top = turn.hits[0] if turn.hits else None
    # A cross customer with a clear question gets the answer — or the choice of answers —
    # first; a second angry message hands over.
    confident = top is not None and (
        _answerable(turn.hits, rules)
        or (cues.is_question(turn.text) and top.score >= rules.clarify_threshold)
        or _shows_status(turn, rules)
    )
    decided = handover.decide(
        rules,
        handover.Turn(
            text=turn.text,
            intent=intent.label,
            emotion_scores=scores if situational else {},
            customer_tags=turn.customer_tags,
            action=turn.action,
            category=top.category if top else None,
            confidence=intent.confidence,
            confident_answer=confident,
        ),
        m,
    )
    if decided is None:
        decided = _still_late(turn, m, rules, scores if situational else {})
    if decided is not None:
        m.flow = None
        return TurnPlan("handover", m, handover=decided, confidence=intent.confidence)
    plan = _choose(turn, m, rules, filler)
    if plan.decision != "prompt":
        m.fillers_in_row = 0
    if plan.decision not in ("ack", "prompt", "greeting", "thanks") and not turn.with_context:
        m.last_text = turn.text[:200]
    return plan


def _choose(turn: Turn, m: BotMemory, rules: BotRules, filler: bool) -> TurnPlan:
    record = turn.action_value if turn.action == "suggestion" else None
    choice = _choice(turn, m)
    if turn.chosen is not None and (choice or "").startswith("kb:"):
        m.flow = None
        plan = _entry(turn.chosen, turn, m, request=True, confidence=1.0)
        plan.record_click = record
        return plan
    if choice == "keep_bot":
        return TurnPlan("greeting", m)
    if choice is not None and choice.startswith("flow:"):
        return _start(choice[5:], turn, m, confidence=1.0)
    pending, m.pending = m.pending, None
    if cues.is_affirmation(turn.text) and choice is None:
        if m.flow is not None:
            return TurnPlan("flow", m, flow=m.flow.name, confidence=1.0)
        return _affirmed(pending, turn, m)
    if m.flow is not None and not _switching(turn, m, rules, choice):
        return TurnPlan("flow", m, flow=m.flow.name, choice=choice, confidence=1.0)
    m.flow = None
    if filler:
        m.fillers_in_row += 1
        return TurnPlan("prompt", m)
    if turn.with_context and m.last_topic and m.last_topic.startswith("flow:"):
        last = m.last_topic[5:]
        if last in _LOOKUPS:
            return _start(last, turn, m, confidence=1.0, hint=m.last_order_id)
    plan = _decide(turn, m, rules)
    plan.record_click = record
    return plan


def _decide(turn: Turn, m: BotMemory, rules: BotRules) -> TurnPlan:
    intent = turn.analysis.intent
    text = turn.text
    request = cues.requests_action(text)
    hits = turn.hits
    top = hits[0] if hits else None
    if top is not None and _answerable(hits, rules):
        confidence = 1.0 if top.exact else _answer_confidence(rules, hits)
        return _entry(top, turn, m, request=request, confidence=confidence)
    p_intent = 0.0 if intent.is_oos else rules.precision("intent", intent.confidence)
    wanted = FLOW_FOR_INTENT.get(intent.label)
    if wanted is not None and p_intent >= rules.precision_target and cues.names_topic(wanted, text):
        if not acts_on_order(wanted):
            return _start(wanted, turn, m, confidence=p_intent)
        if request and not cues.about_something_else(text):
            return _start(wanted, turn, m, confidence=p_intent)
    if (
        wanted == "order_status"
        and not intent.is_oos
        and intent.confidence >= rules.status_intent_threshold
        and cues.names_topic(wanted, text)
        and not cues.before_ordering(text)
        and not cues.gives_up(text)
    ):
        # The order's status answers "where is it / when will it come" however it is put;
        # a look-up changes nothing (calib split: 6 of 7 such messages wanted it).
        return _start(wanted, turn, m, confidence=p_intent)
    if wanted is not None and _asked_outright(turn, wanted, rules):
        return _start(wanted, turn, m, confidence=max(p_intent, _p(rules, top.score) if top else 0))
    # Small talk is read from the intent itself: the calibration map is for flow intents.
    small_talk = (
        intent.label in ("greeting", "thanks")
        and intent.confidence >= handover.SURE
        and (cues.is_short(text) or not cues.is_question(text))
    )
    weak = top is None or top.score < rules.clarify_threshold or cues.is_short(text)
    if small_talk and weak and not turn.greeted:
        said: Decision = "greeting" if intent.label == "greeting" else "thanks"
        return TurnPlan(said, m, confidence=p_intent)
    candidates = _candidates(hits, rules)
    offered_flow = _flow_choice(turn, candidates, rules)
    if candidates or offered_flow:
        return _clarify(candidates, m, rules, offered_flow, turn.language)
    if turn.greeted and not text.strip():
        return TurnPlan("greeting", m)
    vague = intent.is_oos or p_intent < 0.5
    if vague and cues.is_short(text) and not turn.with_context and m.fillers_in_row < 2:
        # "我想问" / "订单" typed as separate short messages: ask for the rest, once or
        # twice, rather than "I don't know" for each piece.
        m.fillers_in_row += 1
        return TurnPlan("prompt", m)
    return TurnPlan("unknown", m, knowledge_gap=True, confidence=_p(rules, top.score) if top else 0)


def _shows_status(turn: Turn, rules: BotRules) -> bool:
    """A cross customer whose order is late ("四天了都不给我发货", "it's an hour late") is
    shown the order's status, or offered it, first: the best entry stands for the status
    look-up, or a sure order-status intent names its topic. Told once that the order is
    late, a second upset message gets a person (`_still_late`)."""
    top = turn.hits[0] if turn.hits else None
    if (
        top is not None
        and top.flow is not None
        and top.score >= rules.clarify_threshold
        and flow_name(top.flow) == "order_status"
    ):
        return True
    intent = turn.analysis.intent
    return (
        not intent.is_oos
        and FLOW_FOR_INTENT.get(intent.label) == "order_status"
        and intent.confidence >= rules.status_intent_threshold
        and cues.names_topic("order_status", turn.text)
        and not cues.before_ordering(turn.text)
    )


def _asked_outright(turn: Turn, wanted: str, rules: BotRules) -> bool:
    """A short, plain request ("帮我取消订单", "cancel my order") that the intent and the best
    knowledge entry agree on. On real messages a sure flow intent alone is right about one
    time in two (the calib split), mostly wrong on long messages that tell a story or ask
    about the thing; two signals agreeing on a short request are what is left."""
    intent = turn.analysis.intent
    text = turn.text
    if intent.is_oos or intent.confidence < handover.SURE or not turn.hits:
        return False
    top = turn.hits[0]
    if top.flow is None or flow_name(top.flow) != flow_name(wanted):
        return False
    if top.score < rules.clarify_threshold or not cues.names_topic(wanted, text):
        return False
    if not cues.is_short_request(text) or cues.about_something_else(text):
        return False
    return not acts_on_order(wanted) or not cues.asks_about(text)


def _entry(hit: Hit, turn: Turn, m: BotMemory, *, request: bool, confidence: float) -> TurnPlan:
    """Answer with an entry, or start the flow it stands for — an acting flow only when the
    customer asks for it to be done ("我要退款"), never for a question about it."""
    if hit.flow is not None:
        name = flow_name(hit.flow)
        acting = acts_on_order(name)
        asked_how = cues.asks_about(turn.text) and not request
        if not acting or (request and not asked_how and not cues.about_something_else(turn.text)):
            plan = _start(hit.flow, turn, m, confidence=confidence)
            plan.knowledge_id = hit.entry_id
            return plan
    m.last_topic = f"kb:{hit.entry_id}"
    m.answered.append(hit.entry_id)
    return TurnPlan("answer", m, knowledge_id=hit.entry_id, confidence=confidence)


def _start(
    name: str, turn: Turn, m: BotMemory, *, confidence: float, hint: str | None = None
) -> TurnPlan:
    flow = FLOW_FOR_INTENT.get(name, name)
    m.last_topic = f"flow:{flow_name(flow)}"
    return TurnPlan("flow", m, flow=flow, start_flow=True, confidence=confidence, order_hint=hint)


def _clarify(
    candidates: list[Hit],
    m: BotMemory,
    rules: BotRules,
    offered_flow: str | None = None,
    language: Language = "zh",
) -> TurnPlan:
    choices = [{"label": c.question, "value": f"kb:{c.entry_id}"} for c in candidates]
    if offered_flow is not None:
        # The flow the customer's words point at, as one of at most three choices.
        choices = [
            *choices[:2],
            {"label": flow_choice(offered_flow, language), "value": f"flow:{offered_flow}"},
        ]
    m.pending = "clarify"
    confidence = _p(rules, candidates[0].score) if candidates else 0.0
    return TurnPlan("clarify", m, choices=choices, confidence=confidence)


def _flow_choice(turn: Turn, candidates: list[Hit], rules: BotRules) -> str | None:
    """The task flow the customer's words point at, when no candidate entry already stands
    for it: offered as a choice, never started on a guess. First the flow of a confident
    intent whose topic the message names; else — the intent reading one thing, the words
    naming another ("已经发货了还能改收货人手机号吗" read as order status) — the flow whose
    topic the words name."""
    intent = turn.analysis.intent
    text = turn.text
    if intent.confidence < rules.flow_choice_threshold or cues.about_something_else(text):
        return None
    # Out of scope for the intent model can still name a flow's topic ("明天能送到吗"):
    # its nearest intent is then offered, never started.
    wanted = FLOW_FOR_INTENT.get(intent.best_guess if intent.is_oos else intent.label)
    stood_for = {flow_name(c.flow) for c in candidates if c.flow is not None}
    if wanted is not None and cues.names_topic(wanted, text) and flow_name(wanted) not in stood_for:
        return _contact(wanted, text)
    for flow in cues.named_acts(text):
        if flow_name(flow) not in stood_for:
            return _contact(flow, text)
    return None


def _contact(flow: str, text: str) -> str:
    """The contact flow on the phone when the words name a phone number."""
    if flow == "change_address" and cues.names_phone(text):
        return "change_phone"
    return flow


def _affirmed(pending: str | None, turn: Turn, m: BotMemory) -> TurnPlan:
    """ "yes" answers the question the bot just asked, and nothing else."""
    offered = [c for c in m.offered if c.get("value") not in ("human", None)]
    if pending == "clarify" and len(offered) == 1 and offered[0]["value"].startswith("kb:"):
        entry_id = offered[0]["value"][3:]
        m.last_topic = f"kb:{entry_id}"
        m.answered.append(entry_id)
        return TurnPlan("answer", m, knowledge_id=entry_id, confidence=1.0)
    if pending == "clarify" and len(offered) == 1 and offered[0]["value"].startswith("flow:"):
        return _start(offered[0]["value"][5:], turn, m, confidence=1.0)
    if pending == "offer_human":
        return TurnPlan("handover", m, handover=handover.Handover(handover.CUSTOMER_CHOICE))
    return TurnPlan("ack", m)


def _choice(turn: Turn, m: BotMemory) -> str | None:
    if turn.action in ("choice", "menu", "suggestion") and turn.action_value:
        value = turn.action_value
        return (
            f"kb:{value}" if turn.action in ("menu", "suggestion") and ":" not in value else value
        )
    typed = turn.text.strip()
    if typed.isdigit() and m.offered:
        index = int(typed) - 1
        if 0 <= index < len(m.offered):
            return m.offered[index]["value"]
    return None


def _switching(turn: Turn, m: BotMemory, rules: BotRules, choice: str | None) -> bool:
    """A customer in the middle of a flow who clearly asks something else leaves it."""
    assert m.flow is not None
    if m.flow.step in FREE_TEXT_STEPS or choice is not None:
        return False
    intent = turn.analysis.intent
    strong = (
        not intent.is_oos
        and rules.precision("intent", intent.confidence) >= rules.precision_target
        and FLOW_FOR_INTENT.get(intent.label, intent.label) != m.flow.name
        and intent.label not in ("thanks", "greeting")
    )
    other_entry = (
        bool(turn.hits)
        and _answerable(turn.hits, rules)
        and flow_name(turn.hits[0].flow or "") != m.flow.name
    )
    return strong or other_entry


def _still_late(
    turn: Turn, m: BotMemory, rules: BotRules, scores: dict[str, float]
) -> handover.Handover | None:
    """Told once that the order is late, an upset customer ("this is ridiculous, it's an
    hour late") gets a person, not the same status text again."""
    if m.last_topic != "flow:order_status" or m.last_order_id is None or not m.last_order_late:
        return None
    if not handover.wants_soothing(rules, scores):
        return None
    return handover.Handover(handover.NEGATIVE_EMOTION, rules.complaint_priority, soothe=True)


def _answerable(hits: tuple[Hit, ...], rules: BotRules) -> bool:
    top = hits[0]
    if top.exact:
        return True
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    lead = top.score - runner_up
    if _p(rules, top.score) >= rules.precision_target:
        return lead >= rules.clarify_margin or runner_up < rules.clarify_threshold
    return _p_separated(rules, hits) >= rules.precision_target


def _p_separated(rules: BotRules, hits: tuple[Hit, ...]) -> float:
    """The estimated precision of a clear winner (0 when the runner-up is close)."""
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if hits[0].score - runner_up < rules.answer_separation:
        return 0.0
    return rules.precision("separated", hits[0].score)


def _answer_confidence(rules: BotRules, hits: tuple[Hit, ...]) -> float:
    return max(_p(rules, hits[0].score), _p_separated(rules, hits))


def _candidates(hits: tuple[Hit, ...], rules: BotRules) -> list[Hit]:
    if not hits:
        return []
    best = hits[0]
    if best.score < rules.clarify_threshold:
        # A weak score can still be a clear winner over the runner-up: offered alone, never
        # answered. (With no runner-up there is nothing to be clear of.)
        if len(hits) < 2 or best.score < rules.lone_floor:
            return []
        return [best] if best.score >= rules.lone_ratio * hits[1].score else []
    close = [
        h
        for h in hits[1:3]
        if h.score >= rules.clarify_threshold and best.score - h.score < rules.clarify_spread
    ]
    return [best, *close]


def _p(rules: BotRules, score: float) -> float:
    return rules.precision("knowledge", score)
