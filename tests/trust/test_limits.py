"""Abuse limits count across instances when they share Redis, and in memory otherwise."""

from __future__ import annotations

import uuid

import pytest

from kefu.web.abuse import Limit, Limiter, MemoryCounter, RedisCounter, TooManyRequests
from tests.conftest import REDIS_URL

LIMIT = Limit("test:login", hits=3, window_s=60)


async def test_the_fourth_try_in_a_window_is_refused_with_a_wait() -> None:
    limiter = Limiter(MemoryCounter())
    for _ in range(3):
        await limiter.hit(LIMIT, "wang@example.com", "slow down")
    with pytest.raises(TooManyRequests) as refused:
        await limiter.hit(LIMIT, "wang@example.com", "slow down")
    assert 1 <= refused.value.retry_after_s <= 60
    await limiter.hit(LIMIT, "li@example.com", "slow down")  # someone else is not affected


@pytest.mark.redis
async def test_two_instances_share_one_count_through_redis() -> None:
    subject = f"wang-{uuid.uuid4().hex}@example.com"
    first, second = RedisCounter(REDIS_URL), RedisCounter(REDIS_URL)
    try:
        a, b = Limiter(first), Limiter(second)
        await a.hit(LIMIT, subject, "slow down")
        await b.hit(LIMIT, subject, "slow down")
        await a.hit(LIMIT, subject, "slow down")
        with pytest.raises(TooManyRequests):
            await b.hit(LIMIT, subject, "slow down")
    finally:
        await first.close()
        await second.close()
