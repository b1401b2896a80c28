""" "Promote these questions": which knowledge entries to move up, from the journeys (pure).

Evidence per entry, from the rollups: how many customers reached it through the menu and how
deep it sits (`reached`, `depth`), how many asked it in their own words or through a
suggestion (`asked`), and how many gave up on the way — menu abandonments at the categories
above it (`gave_up_above`). Demand = reached + asked; the cost of its place = demand × (depth
− 1) + gave_up_above. An entry below the first level with a cost is proposed for the first
level; one already there with demand but no place in the static suggestions is proposed for
the suggestions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

FIRST_LEVEL = "first_level"
SUGGESTIONS = "suggestions"


@dataclass(frozen=True, slots=True)
class Proposal:
    knowledge_id: str
    action: str  # first_level | suggestions
    score: float
    reached: int
    asked: int
    depth: int
    gave_up_above: int
    path: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def propose(
    reached: Mapping[str, tuple[float, float]],
    asked: Mapping[str, float],
    abandons: Mapping[str, float],
    path_of: Callable[[str], Sequence[str] | None],
    suggested: frozenset[str] = frozenset(),
    limit: int = 10,
) -> list[Proposal]:
    """`reached`: entry → (count, sum of levels) reached through the menu; `asked`: entry →
    times answered; `abandons`: menu node → abandonments there; `path_of`: the category ids
    above an entry (None for an unknown entry)."""
    out: list[Proposal] = []
    for knowledge_id in set(reached) | set(asked):
        path = path_of(knowledge_id)
        if path is None:
            continue
        n_reached, _levels = reached.get(knowledge_id, (0.0, 0.0))
        n_asked = asked.get(knowledge_id, 0.0)
        depth = len(path) + 1
        gave_up = sum(abandons.get(node, 0.0) for node in path)
        demand = n_reached + n_asked
        if depth > 1:
            score = demand * (depth - 1) + gave_up
            action = FIRST_LEVEL
        elif knowledge_id not in suggested:
            score = demand
            action = SUGGESTIONS
        else:
            continue
        if score <= 0:
            continue
        out.append(
            Proposal(knowledge_id, action, round(score, 2), int(n_reached), int(n_asked),
                     depth, int(gave_up), list(path))
        )  # fmt: skip
    out.sort(key=lambda p: (-p.score, p.knowledge_id))
    return out[:limit]
