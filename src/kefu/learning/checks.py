"""The pre-checks of proposals, kept per knowledge-base version: the replay runs once per
candidate entry until the knowledge base changes (which makes every verdict stale)."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

from kefu.knowledge.model import KnowledgeEntry
from kefu.learning import precheck
from kefu.learning.ports import KnowledgeWriter, Replay
from kefu.learning.precheck import Precheck, Verdict

#: Pre-checks kept for the current knowledge base (a queue page's worth and more).
MAX_PRECHECKS = 500


class Prechecks:
    def __init__(self, replay: Replay | None, knowledge: KnowledgeWriter) -> None:
        self.replay = replay
        self.knowledge = knowledge
        self._checks: dict[Hashable, Precheck] = {}
        # One replay at a time: they are CPU-bound and share the frozen questions' cache.
        self._replaying = asyncio.Lock()

    @property
    def available(self) -> bool:
        return self.replay is not None

    def known(self, account_id: str, candidate: KnowledgeEntry) -> Precheck | None:
        """The check of `candidate` made on the current knowledge base, if any."""
        if self.replay is None:
            return None
        return self._checks.get(self._key(self.replay, account_id, candidate))

    async def check(self, account_id: str, candidate: KnowledgeEntry) -> Precheck:
        """What adding `candidate` (a new entry, or an entry with more phrasings) changes."""
        if self.replay is None:
            return precheck.Precheck(Verdict.UNCHECKED, candidate.id, 0)
        async with self._replaying:
            key = self._key(self.replay, account_id, candidate)
            found = self._checks.get(key)
            if found is None:
                replayed = await self.replay.replay(account_id, candidate)
                found = precheck.judge(replayed, candidate.id, self._removable(candidate))
                if len(self._checks) >= MAX_PRECHECKS:
                    self._checks.clear()
                self._checks[key] = found
            return found

    def _removable(self, candidate: KnowledgeEntry) -> frozenset[str]:
        """The wordings accepting would add that a reviewer may leave out: the phrasings
        of a new entry (not its question), the added phrasings of an existing one."""
        before = self.knowledge.get(candidate.id)
        have = set(before.texts) if before is not None else set()
        return frozenset(p for p in candidate.phrasings if p not in have)

    @staticmethod
    def _key(replay: Replay, account_id: str, candidate: KnowledgeEntry) -> Hashable:
        return (replay.version(account_id), candidate.id, candidate.texts)
