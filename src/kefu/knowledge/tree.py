"""The category tree built from the entries' paths: the self-service menu, level 1 … n.

Category ids are global: a node has one parent, the one of the first path that names it,
and keeps the order in which entries first mention its children, so the demo file's order
is the menu's order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kefu.knowledge.model import Category, KnowledgeEntry

ROOT = "root"


@dataclass(slots=True)
class Node:
    category: Category
    parent: str | None
    level: int
    children: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CategoryTree:
    nodes: dict[str, Node]
    entries: dict[str, KnowledgeEntry]

    def node(self, node_id: str | None) -> Node | None:
        return self.nodes.get(node_id or ROOT)

    def path(self, node_id: str) -> list[Category]:
        """From level 1 down to `node_id` (the root is not part of it)."""
        trail: list[Category] = []
        node = self.nodes.get(node_id)
        while node is not None and node.parent is not None:
            trail.append(node.category)
            node = self.nodes.get(node.parent)
        return trail[::-1]

    def to_dict(self, language: str, node_id: str = ROOT) -> dict[str, Any]:
        node = self.nodes[node_id]
        return {
            "id": node_id,
            "label": node.category.label(language),
            "level": node.level,
            "children": [self.to_dict(language, child) for child in node.children],
            "entries": [
                {"id": e, "question": self.entries[e].question.in_language(language)}
                for e in node.entries
            ],
        }


def build_tree(entries: Iterable[KnowledgeEntry]) -> CategoryTree:
    nodes = {ROOT: Node(Category(ROOT, "全部", "All topics"), None, 0)}
    by_id: dict[str, KnowledgeEntry] = {}
    for entry in entries:
        by_id[entry.id] = entry
        parent = ROOT
        for level, category in enumerate(entry.category, start=1):
            if category.id not in nodes:
                nodes[category.id] = Node(category, parent, level)
                nodes[parent].children.append(category.id)
            parent = category.id
        nodes[parent].entries.append(entry.id)
    return CategoryTree(nodes, by_id)
