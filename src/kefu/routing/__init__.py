"""Routing: queues, skills and capacity, priority, overflow, business hours and SLA timers.

The policy modules (`model`, `assignment`, `priority`, `estimate`, `overflow`, `hours`,
`sla`, `index`) are pure: every function takes data and returns a decision, time comes in
as an argument, and nothing there imports storage, the web framework or the bus. The use
cases sit beside them and load `AgentState`/`WaitingItem` snapshots through the unit of
work, ask the policy, and record the events: `dispatch` (assigning waiting customers, and the
`Dispatcher` loop), `queues` (queue settings), `overflow_actions` (what a full queue does to
a hand-over) and `sla_watch` (announcing SLA warnings and breaches).
"""

from kefu.routing.assignment import (
    assign_in_order,
    choose_agent,
    eligible_agents,
    plan_assignments,
)
from kefu.routing.estimate import (
    ServingCapacity,
    average_handling_time,
    estimate_wait_s,
    serving_capacity,
    wait_minutes,
)
from kefu.routing.hours import BusinessHours, Interval
from kefu.routing.index import AgentIndex, agent_order_key
from kefu.routing.model import (
    AfterHours,
    AgentState,
    Assignment,
    OverflowAction,
    OverflowRule,
    Presence,
    QueueConfig,
    Strategy,
    WaitingItem,
)
from kefu.routing.overflow import (
    OverflowDecision,
    OverflowTally,
    QueueStats,
    decide_for_queue,
    decide_outside_hours,
    decide_overflow,
    in_share,
)
from kefu.routing.priority import (
    DEFAULT_RULES,
    PriorityRules,
    Tier,
    in_priority_order,
    priority_key,
    queue_positions,
    tier_of,
)
from kefu.routing.sla import (
    SlaEvent,
    SlaEventKind,
    SlaPolicy,
    SlaState,
    SlaStatus,
    SlaTarget,
    TargetStatus,
    due_events,
    next_due,
    pick_policy,
    sla_status,
)

__all__ = [
    "DEFAULT_RULES",
    "AfterHours",
    "AgentIndex",
    "AgentState",
    "Assignment",
    "BusinessHours",
    "Interval",
    "OverflowAction",
    "OverflowDecision",
    "OverflowRule",
    "OverflowTally",
    "Presence",
    "PriorityRules",
    "QueueConfig",
    "QueueStats",
    "ServingCapacity",
    "SlaEvent",
    "SlaEventKind",
    "SlaPolicy",
    "SlaState",
    "SlaStatus",
    "SlaTarget",
    "Strategy",
    "TargetStatus",
    "Tier",
    "WaitingItem",
    "agent_order_key",
    "assign_in_order",
    "average_handling_time",
    "choose_agent",
    "decide_for_queue",
    "decide_outside_hours",
    "decide_overflow",
    "due_events",
    "eligible_agents",
    "estimate_wait_s",
    "in_priority_order",
    "in_share",
    "next_due",
    "pick_policy",
    "plan_assignments",
    "priority_key",
    "queue_positions",
    "serving_capacity",
    "sla_status",
    "tier_of",
    "wait_minutes",
]
