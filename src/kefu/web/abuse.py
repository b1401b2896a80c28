"""Abuse limits: fixed-window counters shared by every instance (Redis) or kept in memory.

A limit is a key ("login:account:<e-mail>"), a number of hits and a window. `hit` counts one
and says how long to wait when the limit is passed; `blocked` only looks. With Redis the
count is one INCR + EXPIRE run as a script, so two instances never both let the 6th wrong
password through.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Protocol

from kefu.domain.errors import DomainError


class TooManyRequests(DomainError):
    code = "too_many_requests"

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = max(1, math.ceil(retry_after_s))


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    hits: int
    window_s: float


class Counter(Protocol):
    async def incr(self, key: str, window_s: float) -> tuple[int, float]:
        """Counts a hit; returns (hits in the window, seconds until the window ends)."""

    async def peek(self, key: str) -> tuple[int, float]: ...

    async def reset(self, key: str) -> None: ...


class MemoryCounter:
    """One instance's counters (the fake of `RedisCounter`, and the default without Redis)."""

    def __init__(self, clock: object = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[int, float]] = {}

    def _now(self) -> float:
        now = self._clock()  # type: ignore[operator]
        assert isinstance(now, float)
        return now

    async def incr(self, key: str, window_s: float) -> tuple[int, float]:
        now = self._now()
        count, ends = self._windows.get(key, (0, 0.0))
        if ends <= now:
            count, ends = 0, now + window_s
            if len(self._windows) > 100_000:
                self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
        self._windows[key] = (count + 1, ends)
        return count + 1, ends - now

    async def peek(self, key: str) -> tuple[int, float]:
        now = self._now()
        count, ends = self._windows.get(key, (0, 0.0))
        return (count, ends - now) if ends > now else (0, 0.0)

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)


_INCR = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
"""


class RedisCounter:
    def __init__(self, url: str, prefix: str = "kefu:limit:") -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url)
        self._prefix = prefix
        self._script = self._redis.register_script(_INCR)

    async def incr(self, key: str, window_s: float) -> tuple[int, float]:
        count, ttl_ms = await self._script(keys=[self._prefix + key], args=[int(window_s * 1000)])
        return int(count), max(0, int(ttl_ms)) / 1000

    async def peek(self, key: str) -> tuple[int, float]:
        full = self._prefix + key
        raw = await self._redis.get(full)
        if raw is None:
            return 0, 0.0
        return int(raw), max(0, int(await self._redis.pttl(full))) / 1000

    async def reset(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def close(self) -> None:
        await self._redis.aclose()


class Limiter:
    """Applies limits; `enabled=False` (tests, loopback benchmarks) lets everything through."""

    def __init__(self, counter: Counter, *, enabled: bool = True) -> None:
        self.counter = counter
        self.enabled = enabled

    async def hit(self, limit: Limit, subject: str, message: str) -> None:
        """Counts one; refuses (429) once `limit.hits` is passed within the window."""
        if not self.enabled:
            return
        count, left = await self.counter.incr(f"{limit.name}:{subject}", limit.window_s)
        if count > limit.hits:
            raise TooManyRequests(message, left)

    async def check(self, limit: Limit, subject: str, message: str) -> None:
        """Refuses (429) if the limit is already used up, without counting."""
        if not self.enabled:
            return
        count, left = await self.counter.peek(f"{limit.name}:{subject}")
        if count >= limit.hits:
            raise TooManyRequests(message, left)

    async def count(self, limit: Limit, subject: str) -> None:
        if self.enabled:
            await self.counter.incr(f"{limit.name}:{subject}", limit.window_s)

    async def reset(self, limit: Limit, subject: str) -> None:
        if self.enabled:
            await self.counter.reset(f"{limit.name}:{subject}")
