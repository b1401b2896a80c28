"""Properties of assignment over random teams and backlogs (hypothesis).

The indexed planner is checked against a plain reference: scan every agent for every
conversation. Both must agree exactly, never exceed a capacity and never pick an agent
who could not take the conversation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.routing import (
    AgentIndex,
    AgentState,
    Assignment,
    Presence,
    QueueConfig,
    Strategy,
    WaitingItem,
    choose_agent,
    in_priority_order,
    plan_assignments,
)
from kefu.routing.model import CAPACITY_EPSILON
from tests.unit.routing.builders import NOW

SKILLS = ("orders", "refunds", "tech")
LANGUAGES = ("zh", "en")
CHANNELS = ("web_widget", "phone", "email")

agents_st = st.builds(
    AgentState,
    agent_id=st.just(""),
    presence=st.sampled_from([Presence.ONLINE] * 3 + list(Presence)),
    skills=st.frozensets(st.sampled_from(SKILLS), min_size=1),
    languages=st.frozensets(st.sampled_from(LANGUAGES), min_size=1),
    max_concurrent=st.sampled_from([0, 1, 2, 3, 4, 2.5]),
    load=st.sampled_from([0, 0, 0, 0.5, 1, 2, 3, 5]),
    last_assigned_at=st.one_of(
        st.none(), st.integers(1, 120).map(lambda m: NOW - timedelta(minutes=m))
    ),
    channel_weights=st.dictionaries(
        st.sampled_from(CHANNELS), st.sampled_from([0.5, 1.0, 1.5, 2.0]), max_size=2
    ),
)

queues_st = st.lists(
    st.builds(
        QueueConfig,
        name=st.just("q"),
        skills=st.frozensets(st.sampled_from(SKILLS), max_size=1),
        language=st.one_of(st.none(), st.sampled_from(LANGUAGES)),
        channels=st.one_of(st.just(frozenset()), st.frozensets(st.sampled_from(CHANNELS))),
        strategy=st.sampled_from(list(Strategy)),
    ),
    min_size=1,
    max_size=3,
)


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[list[AgentState], dict[str, QueueConfig], list[WaitingItem]]:
    agents = [
        replace(a, agent_id=f"a{i}")
        for i, a in enumerate(draw(st.lists(agents_st, min_size=1, max_size=12)))
    ]
    queues = {f"q{i}": replace(q, name=f"q{i}") for i, q in enumerate(draw(queues_st))}
    items = draw(
        st.lists(
            st.builds(
                WaitingItem,
                conversation_id=st.just(""),
                queue=st.sampled_from([*queues, "unknown"]),
                queued_at=st.integers(0, 60).map(lambda m: NOW - timedelta(minutes=m)),
                channel=st.sampled_from(CHANNELS),
                language=st.one_of(st.none(), st.sampled_from(LANGUAGES)),
                tags=st.frozensets(st.sampled_from(["vip", "elderly", "new"])),
                emotion=st.sampled_from(["anger", "anxiety", "neutral", "joy"]),
                emotion_index=st.integers(1, 5),
            ),
            max_size=30,
        )
    )
    return agents, queues, [replace(w, conversation_id=f"c{i}") for i, w in enumerate(items)]


def reference_plan(
    agents: list[AgentState], queues: dict[str, QueueConfig], waiting: list[WaitingItem]
) -> list[Assignment]:
    state = {a.agent_id: a for a in agents}
    plan = []
    for item in in_priority_order(waiting):
        queue = queues.get(item.queue)
        if queue is None:
            continue
        chosen = choose_agent(item, list(state.values()), queue, NOW)
        if chosen is not None:
            state[chosen.agent_id] = chosen.with_assignment(item.channel, NOW)
            weight = chosen.weight_for(item.channel)
            plan.append(Assignment(item.conversation_id, chosen.agent_id, queue.name, weight))
    return plan


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_plan_never_exceeds_capacity_and_never_picks_an_ineligible_agent(
    scenario: tuple[list[AgentState], dict[str, QueueConfig], list[WaitingItem]],
) -> None:
    agents, queues, waiting = scenario
    plan = plan_assignments(waiting, agents, queues, NOW)

    by_id = {a.agent_id: a for a in agents}
    items = {w.conversation_id: w for w in waiting}
    added: defaultdict[str, float] = defaultdict(float)
    assert len({a.conversation_id for a in plan}) == len(plan)
    for assignment in plan:
        original, item = by_id[assignment.agent_id], items[assignment.conversation_id]
        queue = queues[item.queue]
        assert original.presence is Presence.ONLINE
        assert queue.accepts(item.channel)
        assert original.serves(queue.skills, queue.language_for(item))
        assert assignment.weight == original.weight_for(item.channel)
        added[assignment.agent_id] += assignment.weight
        assert original.load + added[assignment.agent_id] <= (
            original.max_concurrent + CAPACITY_EPSILON
        )
    assert plan == reference_plan(agents, queues, waiting)


@settings(max_examples=200, deadline=None)
@given(
    scenarios(),
    st.lists(
        st.tuples(
            st.sampled_from(["assign", "assign", "assign", "release", "presence", "skills"]),
            st.integers(0, 11),
            st.sampled_from(list(Presence)),
            st.integers(-150, 10),  # minutes from NOW: clocks may disagree and go backwards
        ),
        max_size=40,
    ),
)
def test_the_live_index_agrees_with_a_full_scan_after_any_changes(
    scenario: tuple[list[AgentState], dict[str, QueueConfig], list[WaitingItem]],
    changes: list[tuple[str, int, Presence, int]],
) -> None:
    agents, queues, waiting = scenario
    index = AgentIndex(agents)
    probes = [w for w in waiting if w.queue in queues]
    for step, (what, n, presence, minutes) in enumerate(changes):
        for item in probes[step % 3 :: 3]:
            queue = queues[item.queue]
            assert index.choose(item, queue) == choose_agent(item, list(index), queue, NOW)
        if not agents:
            break
        agent = index.get(f"a{n % len(agents)}")
        assert agent is not None
        channel = CHANNELS[n % len(CHANNELS)]
        if what == "assign" and agent.fits(channel):
            index.assign(agent.agent_id, channel, NOW + timedelta(minutes=minutes))
        elif what == "release":
            index.release(agent.agent_id, channel)
        elif what == "presence":
            index.upsert(replace(agent, presence=presence))
        elif what == "skills":
            index.upsert(replace(agent, skills=frozenset(SKILLS[: 1 + n % 3])))
    for item in probes:
        queue = queues[item.queue]
        assert index.choose(item, queue) == choose_agent(item, list(index), queue, NOW)
