"""What a turn would otherwise read from the database every time.

* The bot's memory of a conversation, kept after this instance answered it: valid for the
  next customer message when nothing was written in between (its seq follows our reply),
  so a conversation whose turns another instance took, or that a person had, is read again.
  The database stays the record (every turn writes the memory); this only saves the read.
* Customers (tags, external id), for a short while: they change rarely, and a stale tag for
  a few seconds is no worse than the rules cache.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from kefu.bot.memory import BotMemory
from kefu.domain.customer import Customer

MAX_ENTRIES = 20_000
CUSTOMER_TTL_S = 30.0


class MemoryCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[int, BotMemory]] = OrderedDict()

    def get(self, conversation_id: str, seq: int) -> BotMemory | None:
        """The memory after our last reply, if the message `seq` comes right after it (or
        was already queued when we replied)."""
        found = self._entries.get(conversation_id)
        if found is None or seq > found[0] + 1:
            return None
        self._entries.move_to_end(conversation_id)
        return found[1]

    def put(self, conversation_id: str, seq: int, memory: BotMemory) -> None:
        self._entries[conversation_id] = (seq, memory)
        self._entries.move_to_end(conversation_id)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, conversation_id: str) -> None:
        self._entries.pop(conversation_id, None)


class CustomerCache:
    def __init__(self, ttl_s: float = CUSTOMER_TTL_S, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Customer | None]] = OrderedDict()

    def get(self, customer_id: str) -> tuple[bool, Customer | None]:
        found = self._entries.get(customer_id)
        if found is None or time.monotonic() - found[0] > self.ttl_s:
            return False, None
        return True, found[1]

    def put(self, customer_id: str, customer: Customer | None) -> None:
        self._entries[customer_id] = (time.monotonic(), customer)
        self._entries.move_to_end(customer_id)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
