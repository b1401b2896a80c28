"""The NPS survey fires once at +48 h on a hand-moved clock: across a restart, and with two
instances polling the same PostgreSQL schedule."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from tests.conftest import POSTGRES_URL, reset_postgres
from tests.factories import create_agent, login

from .app import app_on, serve, settle, surveys, tick
from .conftest import HandClock


def test_the_survey_survives_a_restart_and_fires_once_at_48_hours(database_url: str) -> None:
    clock = HandClock(datetime.now(UTC))  # tokens expire by the wall clock
    create_agent(database_url, "lina@example.com")
    with app_on(database_url, clock) as client:
        customer = serve(client, login(client, "lina@example.com"), clock)
        resolved_at = clock()
        assert surveys(customer) == []
    clock.move(hours=47, minutes=59)
    with app_on(database_url, clock) as client:  # a restart, a minute too early
        assert tick(client) == 0
        clock.now = resolved_at
        clock.move(hours=48)
        assert tick(client) == 1
        assert tick(client) == 0
        customer.client = client
        [survey] = surveys(customer)
    link = survey["payload"]["link"]
    assert link.startswith("/survey/") and link in survey["text"]
    clock.move(hours=1)
    with app_on(database_url, clock) as client:  # and after another restart, nothing more
        tick(client)
        customer.client = client
        assert len(surveys(customer)) == 1
        token = link.rsplit("/", 1)[1]
        answer = client.post(f"/api/v1/public/surveys/{token}", json={"score": 9})
        assert answer.status_code == 201
        again = client.post(f"/api/v1/public/surveys/{token}", json={"score": 2})
        assert again.status_code == 409


@pytest.mark.postgres
def test_two_instances_send_each_due_survey_once() -> None:
    from kefu.adapters.db import migrate

    reset_postgres(POSTGRES_URL)
    migrate.upgrade(POSTGRES_URL)
    create_agent(POSTGRES_URL, "lina@example.com")
    clock = HandClock(datetime.now(UTC))  # tokens expire by the wall clock
    with app_on(POSTGRES_URL, clock) as a, app_on(POSTGRES_URL, clock) as b:
        agent = login(a, "lina@example.com")
        customers = [serve(a, agent, clock, external_id=f"stu-{n}") for n in range(2001, 2009)]
        settle(b)
        clock.move(hours=48, minutes=5)
        with ThreadPoolExecutor(max_workers=2) as pool:
            sent = list(pool.map(tick, [a, b, a, b]))
        assert sum(sent) == len(customers)
        for customer in customers:
            assert len(surveys(customer)) == 1
