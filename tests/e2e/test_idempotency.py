"""Retries racing each other: many concurrent POSTs of one client_id store one message."""

from __future__ import annotations

import pytest

from tests.e2e._kefu import KefuServer, client, retry_storm

pytestmark = pytest.mark.slow


async def test_concurrent_retries_of_one_client_id_store_one_message(
    demo_server: KefuServer,
) -> None:
    async with client(demo_server) as http:
        await retry_storm([http])
