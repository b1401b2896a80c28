"""Self-service menus and their journeys: what a customer sees at a node of the category
tree, and where customers give up (drop-off per node). Pure functions over values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kefu.domain.errors import InvalidInput, NotFound
from kefu.knowledge.model import KnowledgeEntry
from kefu.knowledge.ports import JourneyRecord
from kefu.knowledge.tree import ROOT, CategoryTree

JOURNEY_ACTIONS = ("open", "click", "back", "exit")
MAX_LEVEL = 20

Available = Callable[[KnowledgeEntry], bool]
Render = Callable[[KnowledgeEntry], str]


def menu_view(
    tree: CategoryTree, node_id: str | None, language: str, available: Available, render: Render
) -> dict[str, Any]:
    """The node (a category, or an entry as a leaf) and what the customer can click next.

    Categories with nothing this customer may see below them are left out, so a menu
    never leads to an empty page."""
    node_id = node_id or ROOT
    node = tree.node(node_id)
    if node is None:
        entry = tree.entries.get(node_id)
        if entry is None or not available(entry):
            raise NotFound(f"no menu node {node_id!r}")
        parent = entry.category[-1].id if entry.category else ROOT
        path = tree.path(parent)
        return {
            "node": {
                "id": entry.id,
                "kind": "entry",
                "label": entry.question.in_language(language),
                "level": len(path) + 1,
                "answer": render(entry),
            },
            "path": [{"id": c.id, "label": c.label(language)} for c in path],
            "children": [],
        }
    visible = _visible_nodes(tree, available)
    children: list[dict[str, Any]] = [
        {"id": child, "kind": "category", "label": tree.nodes[child].category.label(language)}
        for child in node.children
        if child in visible
    ]
    for entry_id in node.entries:
        entry = tree.entries[entry_id]
        if available(entry):
            children.append(
                {
                    "id": entry_id,
                    "kind": "entry",
                    "label": entry.question.in_language(language),
                    "answer": render(entry),
                }
            )
    return {
        "node": {
            "id": node_id,
            "kind": "category",
            "label": node.category.label(language),
            "level": node.level,
        },
        "path": [{"id": c.id, "label": c.label(language)} for c in tree.path(node_id)],
        "children": children,
    }


def _visible_nodes(tree: CategoryTree, available: Available) -> set[str]:
    visible: set[str] = set()

    def visit(node_id: str) -> bool:
        node = tree.nodes[node_id]
        shown = any(available(tree.entries[e]) for e in node.entries)
        for child in node.children:
            shown = visit(child) or shown
        if shown:
            visible.add(node_id)
        return shown

    visit(ROOT)
    return visible


def check_step(action: str, node: str, level: int) -> None:
    if action not in JOURNEY_ACTIONS:
        raise InvalidInput(f"action must be one of {', '.join(JOURNEY_ACTIONS)}, got {action!r}")
    if not node.strip() or len(node) > 64:
        raise InvalidInput("node must be 1 to 64 characters")
    if not 0 <= level <= MAX_LEVEL:
        raise InvalidInput(f"level must be between 0 and {MAX_LEVEL}")


@dataclass(frozen=True, slots=True)
class NodeDropoff:
    """At one node: how many times customers arrived, went back from it, left from it
    (`exits`), or stopped there without a word (`abandons`)."""

    node: str
    level: int
    visits: int
    backs: int
    exits: int
    abandons: int

    @property
    def drop_offs(self) -> int:
        return self.exits + self.abandons

    @property
    def drop_off_rate(self) -> float:
        return round(self.drop_offs / self.visits, 4) if self.visits else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "level": self.level,
            "visits": self.visits,
            "backs": self.backs,
            "exits": self.exits,
            "abandons": self.abandons,
            "drop_offs": self.drop_offs,
            "drop_off_rate": self.drop_off_rate,
        }


def dropoff(records: Iterable[JourneyRecord], leaves: set[str]) -> list[NodeDropoff]:
    """Drop-off per node, worst first. A step's `node` is where the customer is after it
    (for `exit`, the node they left from). A journey that ends on a category node, by
    `exit` or by silence, is a drop-off there; one that ends on an entry (a leaf) got its
    answer. Going back counts against the node the customer went back from."""
    by_conversation: dict[str, list[JourneyRecord]] = defaultdict(list)
    for record in records:
        by_conversation[record.conversation_id].append(record)
    visits: dict[str, int] = defaultdict(int)
    backs: dict[str, int] = defaultdict(int)
    exits: dict[str, int] = defaultdict(int)
    abandons: dict[str, int] = defaultdict(int)
    levels: dict[str, int] = {}
    for steps in by_conversation.values():
        _walk(steps, leaves, visits, backs, exits, abandons, levels)
    nodes = set(visits) | set(exits) | set(abandons) | set(backs)
    report = [
        NodeDropoff(n, levels.get(n, 0), visits[n], backs[n], exits[n], abandons[n]) for n in nodes
    ]
    return sorted(report, key=lambda r: (-r.drop_offs, -r.drop_off_rate, r.level, r.node))


def _walk(
    steps: Sequence[JourneyRecord],
    leaves: set[str],
    visits: dict[str, int],
    backs: dict[str, int],
    exits: dict[str, int],
    abandons: dict[str, int],
    levels: dict[str, int],
) -> None:
    here: str | None = None
    for step in steps:
        levels.setdefault(step.node, step.level)
        if step.action == "exit":
            if step.node not in leaves:
                exits[step.node] += 1
            here = None
            continue
        if step.action == "back" and here is not None:
            backs[here] += 1
        visits[step.node] += 1
        here = step.node
    if here is not None and here not in leaves:
        abandons[here] += 1
