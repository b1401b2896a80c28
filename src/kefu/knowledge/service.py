"""`KnowledgeService`: the knowledge base the bot, agent assist and admins use.

Reads are synchronous and in memory (`match`, `get`, `render_answer`, `category_tree`,
`search`): the whole knowledge base lives in this process and in the live matcher. Writes
are async: stored with a new version row, applied to the matcher at once, then announced as
`knowledge.changed` so that every other instance reloads the entry from the database.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from kefu.domain.clock import Clock, system_clock
from kefu.domain.errors import Conflict, InvalidInput, NotFound
from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID
from kefu.knowledge import template
from kefu.knowledge.events import KnowledgeChanged
from kefu.knowledge.history import Action, Version
from kefu.knowledge.model import KnowledgeEntry
from kefu.knowledge.ports import Change, KnowledgeStore
from kefu.knowledge.tree import CategoryTree, build_tree
from kefu.nlu import matcher as nlu
from kefu.services.ports import EventBus

log = logging.getLogger(__name__)

#: Above this many changes at once the matcher is rebuilt instead of edited entry by entry.
_BULK = 50


@dataclass(frozen=True, slots=True)
class KnowledgeHit:
    entry: KnowledgeEntry
    score: float  # probability in [0, 1] that the text asks what the entry answers
    matched_text: str = ""


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def matcher_entry(entry: KnowledgeEntry) -> nlu.KnowledgeEntry:
    """The matcher's view of an entry: both standard questions and every phrasing."""
    texts = entry.texts
    return nlu.KnowledgeEntry(
        id=entry.id, question=texts[0], phrasings=texts[1:], answer=entry.answer.zh
    )


class KnowledgeService:
    def __init__(
        self,
        store: KnowledgeStore,
        bus: EventBus,
        matcher: nlu.KnowledgeMatcher,
        *,
        clock: Clock = system_clock,
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> None:
        self.store = store
        self.bus = bus
        self.matcher = matcher
        self.clock = clock
        self.account_id = account_id
        self._entries: dict[str, KnowledgeEntry] = {}
        self._versions: dict[str, int] = {}
        self._tree: CategoryTree | None = None

    # -- start-up and other instances -----------------------------------------------------

    async def load(self, *, seed: Sequence[KnowledgeEntry] = ()) -> None:
        """Read the knowledge base from the database into memory and the live matcher,
        replacing whatever the matcher held. `seed` is written first if the knowledge base
        has never had an entry (so an emptied one stays empty)."""
        if seed and not await self.store.ever_written(self.account_id):
            try:
                await self.store.save(
                    self.account_id,
                    [Change(e.id, Action.CREATE, e) for e in seed],
                    "kefu-demo",
                    self.clock(),
                )
                log.info("knowledge base seeded", extra={"entries": len(seed)})
            except Conflict:
                log.info("another instance seeded the knowledge base first")
        stored = await self.store.load_all(self.account_id)
        self._entries = {s.entry.id: s.entry for s in stored}
        self._versions = {s.entry.id: s.version for s in stored}
        self._rebuild()

    async def on_changed(self, event: KnowledgeChanged) -> None:
        """Keeps this instance in step with changes made through any instance."""
        if event.account_id != self.account_id:
            return
        if self._versions.get(event.entry_id, 0) >= event.version:
            return  # made here, or already reloaded
        stored = await self.store.get(self.account_id, event.entry_id)
        if stored is None:
            self._forget(event.entry_id)
            self._versions[event.entry_id] = event.version
        else:
            self._apply(stored.entry, stored.version)

    # -- what the bot calls -----------------------------------------------------------------

    def match(
        self,
        text: str,
        *,
        language: str = "zh",
        channel: str | None = None,
        customer_tags: Iterable[str] = (),
        now: datetime | None = None,
        top_k: int = 3,
    ) -> list[KnowledgeHit]:
        """Entries that may answer `text`, best first. Matching runs across both languages
        (`language` is the customer's, kept for callers' symmetry with `render_answer`);
        entries not valid `now`, not for this `channel` or not for a customer with these
        tags are dropped after matching, so they never crowd out the ones that remain."""
        del language
        moment = now or self.clock()
        tags = frozenset(customer_tags)
        total = len(self.matcher.entries)
        # Most entries pass the filters: look a little deeper than asked, and only rank the
        # whole knowledge base when the filters dropped too many.
        depth = min(total, max(4 * top_k, top_k + 8))
        while True:
            hits: list[KnowledgeHit] = []
            for found in self.matcher.match(text, depth):
                entry = self._entries.get(found.entry_id)
                if entry is None or not entry.available(
                    now=moment, channel=channel, customer_tags=tags
                ):
                    continue
                hits.append(KnowledgeHit(entry, found.score, found.matched_text))
                if len(hits) >= top_k:
                    return hits
            if depth >= total:
                return hits
            depth = total

    def get(self, entry_id: str) -> KnowledgeEntry | None:
        return self._entries.get(entry_id)

    def version_of(self, entry_id: str) -> int | None:
        return self._versions.get(entry_id) if entry_id in self._entries else None

    def render_answer(
        self, entry: KnowledgeEntry, language: str, variables: Mapping[str, object] | None = None
    ) -> str:
        """The entry's answer in `language` with its variables filled; a variable the caller
        does not know becomes a readable phrase, never `{order.eta}` and never an error."""
        return template.render(entry.answer.in_language(language), language, variables or {})

    def category_tree(self, language: str = "zh") -> dict[str, object]:
        """The menu tree, labels and questions in `language` (enabled entries only)."""
        return self.tree().to_dict(language)

    def tree(self) -> CategoryTree:
        if self._tree is None:
            self._tree = build_tree(e for e in self._entries.values() if e.enabled)
        return self._tree

    def all(self) -> list[KnowledgeEntry]:
        return sorted(self._entries.values(), key=lambda e: e.id)

    def search(
        self,
        query: str = "",
        *,
        category: str | None = None,
        tag: str | None = None,
        enabled: bool | None = None,
    ) -> list[KnowledgeEntry]:
        """Entries whose id, questions, phrasings or answers contain `query` (any case)."""
        needle = query.strip().lower()
        found = []
        for entry in self.all():
            if enabled is not None and entry.enabled is not enabled:
                continue
            if category and category not in {c.id for c in entry.category}:
                continue
            if tag and tag not in entry.tags:
                continue
            if needle:
                haystack = " ".join(
                    (entry.id, *entry.texts, entry.answer.zh, entry.answer.en)
                ).lower()
                if needle not in haystack:
                    continue
            found.append(entry)
        return found

    # -- writes -------------------------------------------------------------------------

    async def create(self, entry: KnowledgeEntry, author: str) -> KnowledgeEntry:
        if entry.id in self._entries:
            raise Conflict(f"knowledge entry {entry.id!r} already exists")
        await self._save([Change(entry.id, Action.CREATE, entry)], author)
        return entry

    async def update(self, entry: KnowledgeEntry, author: str) -> KnowledgeEntry:
        if entry.id not in self._entries:
            raise NotFound(f"no knowledge entry {entry.id!r}")
        await self._save([Change(entry.id, Action.UPDATE, entry)], author)
        return entry

    async def delete(self, entry_id: str, author: str) -> None:
        if entry_id not in self._entries:
            raise NotFound(f"no knowledge entry {entry_id!r}")
        await self._save([Change(entry_id, Action.DELETE, None)], author)

    async def import_entries(self, entries: Sequence[KnowledgeEntry], author: str) -> ImportResult:
        """Creates new entries and updates changed ones, all in one transaction."""
        if not entries:
            raise InvalidInput("the file holds no entries")
        created, updated, unchanged, changes = [], [], [], []
        for entry in entries:
            old = self._entries.get(entry.id)
            if old is None:
                created.append(entry.id)
                changes.append(Change(entry.id, Action.CREATE, entry))
            elif old != entry:
                updated.append(entry.id)
                changes.append(Change(entry.id, Action.UPDATE, entry))
            else:
                unchanged.append(entry.id)
        if changes:
            await self._save(changes, author)
        return ImportResult(created, updated, unchanged)

    async def history(self, entry_id: str) -> list[Version]:
        versions = await self.store.history(self.account_id, entry_id)
        if not versions:
            raise NotFound(f"no knowledge entry {entry_id!r} has ever existed")
        return versions

    async def _save(self, changes: Sequence[Change], author: str) -> None:
        author = author.strip() or "unknown"
        versions = await self.store.save(self.account_id, changes, author, self.clock())
        bulk = len(changes) > _BULK
        for change, version in zip(changes, versions, strict=True):
            if change.entry is None:
                self._forget(change.entry_id, rebuild=not bulk)
            else:
                self._apply(change.entry, version.version, rebuild=not bulk)
            self._versions[change.entry_id] = version.version
        if bulk:
            self._rebuild()
        await self.bus.publish(
            [
                KnowledgeChanged(
                    occurred_at=v.created_at,
                    account_id=self.account_id,
                    entry_id=v.entry_id,
                    action=v.action.value,
                    version=v.version,
                    author=author,
                )
                for v in versions
            ]
        )

    # -- the live matcher ----------------------------------------------------------------

    def _apply(self, entry: KnowledgeEntry, version: int, *, rebuild: bool = True) -> None:
        self._entries[entry.id] = entry
        self._versions[entry.id] = version
        self._tree = None
        if not rebuild:
            return
        if entry.enabled:
            self.matcher.add(matcher_entry(entry))
        elif entry.id in self.matcher.entries:
            self.matcher.remove(entry.id)

    def _forget(self, entry_id: str, *, rebuild: bool = True) -> None:
        self._entries.pop(entry_id, None)
        self._tree = None
        if rebuild and entry_id in self.matcher.entries:
            self.matcher.remove(entry_id)

    def _rebuild(self) -> None:
        self.matcher.train([matcher_entry(e) for e in self._entries.values() if e.enabled])
        self._tree = None
