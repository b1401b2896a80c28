"""The demo knowledge base of a campus food-delivery platform, and held-out paraphrases."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from kefu.knowledge.model import KnowledgeEntry
from kefu.knowledge.transfer import parse_yaml


@cache
def demo_entries() -> tuple[KnowledgeEntry, ...]:
    text = resources.files(__name__).joinpath("knowledge.yaml").read_text("utf-8")
    return tuple(parse_yaml(text))


def heldout_questions() -> dict[str, list[str]]:
    """Entry id → paraphrases that are not phrasings of the entry (for benchmarks)."""
    text = resources.files(__name__).joinpath("heldout.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {str(k): [str(q) for q in v] for k, v in data.items()}
