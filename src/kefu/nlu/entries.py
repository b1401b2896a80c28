"""What the language engine knows of a knowledge-base entry: its id, its texts and the
intent and category it is filed under (the knowledge package's full entry maps onto it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KnowledgeEntry:
    """A knowledge-base entry: a standard question, similar phrasings, an answer."""

    id: str
    question: str
    phrasings: tuple[str, ...] = ()
    answer: str = ""

    @property
    def texts(self) -> tuple[str, ...]:
        seen: dict[str, None] = dict.fromkeys((self.question, *self.phrasings))
        return tuple(t for t in seen if t.strip())

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "question": self.question,
            "phrasings": list(self.phrasings),
            "answer": self.answer,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> KnowledgeEntry:
        phrasings = data.get("phrasings") or []
        assert isinstance(phrasings, list)
        return cls(
            id=str(data["id"]),
            question=str(data["question"]),
            phrasings=tuple(str(p) for p in phrasings),
            answer=str(data.get("answer", "")),
        )
