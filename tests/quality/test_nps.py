"""NPS 48 hours after a resolution, once, unless the customer was erased or opted out."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from kefu.domain.events import ConversationEvent, ConversationResolved
from kefu.quality import nps
from kefu.quality.model import NpsJob

from .conftest import Rig
from .factories import late_delivery


async def _resolve(rig: Rig, conversation_id: str = "c-1") -> None:
    rig.transcripts.items[conversation_id] = dataclasses.replace(
        late_delivery("非常抱歉让您久等了"), conversation_id=conversation_id
    )
    await rig.handlers.start()
    await rig.handlers.handle(
        ConversationResolved(
            occurred_at=rig.clock(),
            conversation_id=conversation_id,
            status="resolved",
            resolved_by="agent-1",
            agent_id="agent-1",
        )
    )
    await rig.handlers.drain()
    await rig.handlers.stop()


async def test_the_survey_goes_out_once_48_hours_after_the_resolution(rig: Rig) -> None:
    await _resolve(rig)
    [job] = rig.store.nps.values()
    closed = rig.transcripts.items["c-1"].closed_at
    assert job.due_at == closed + nps.DELAY
    rig.clock.now = closed
    rig.clock.move(hours=47, minutes=59)
    assert await rig.scheduler.tick() == 0
    rig.clock.move(minutes=1)
    assert await rig.scheduler.tick() == 1
    assert await rig.scheduler.tick() == 0
    assert rig.notifier.sent == [(job.id, f"https://kefu.example/survey/{job.token}")]


async def test_a_closed_conversation_is_scored_and_a_rating_invited(rig: Rig) -> None:
    await _resolve(rig)
    names = [e.name for e in rig.published]
    assert names == ["quality.scored", "csat.invited"]
    record, report = rig.store.rows["c-1"]
    assert record.tier == "human" and report.total > 0


async def test_an_erased_customer_is_never_surveyed(rig: Rig) -> None:
    await _resolve(rig)

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Erased(ConversationEvent):  # stands in for trust's `customer.erased`
        name = "customer.erased"
        account_id: str
        customer_id: str

    await rig.handlers.handle(
        Erased(
            occurred_at=rig.clock(),
            conversation_id="",
            status="",
            account_id="default",
            customer_id="cust-1",
        )
    )
    rig.clock.move(hours=49)
    assert await rig.scheduler.tick() == 0
    [job] = rig.store.nps.values()
    assert (job.status, job.cancelled_reason) == ("cancelled", "erased")


async def test_a_customer_who_opts_out_gets_no_further_surveys(rig: Rig) -> None:
    await _resolve(rig, "c-1")
    [job] = rig.store.nps.values()
    assert await rig.actions.opt_out(job.token) == 1
    rig.clock.move(days=40)
    await _resolve(rig, "c-2")
    assert len(rig.store.nps) == 1  # nothing scheduled for the second conversation


async def test_a_customer_is_asked_at_most_once_a_month(rig: Rig) -> None:
    await _resolve(rig, "c-1")
    await _resolve(rig, "c-2")
    assert len(rig.store.nps) == 1


async def test_a_failed_send_is_retried_on_the_next_tick(rig: Rig) -> None:
    await _resolve(rig)
    rig.clock.move(hours=49)
    rig.notifier.fail = True
    assert await rig.scheduler.tick() == 0
    rig.notifier.fail = False
    assert await rig.scheduler.tick() == 1


async def test_answers_add_up_to_nps_by_segment_with_response_rates() -> None:
    def job(i: int, score: int | None, tier: str) -> NpsJob:
        return NpsJob(
            id=str(i),
            token=str(i),
            account_id="a",
            conversation_id=str(i),
            customer_id=str(i),
            language="zh",
            due_at=datetime(2026, 12, 1, tzinfo=UTC),
            status="answered" if score is not None else "sent",
            segment={"tier": tier},
            score=score,
        )

    jobs = [
        job(1, 10, "bot"),
        job(2, 9, "bot"),
        job(3, 3, "human"),
        job(4, 8, "human"),
        job(5, None, "human"),
    ]
    summary = nps.by_segment(jobs, ["tier"])
    overall = summary["all"]
    assert isinstance(overall, dict)
    assert overall["nps"] == 25.0  # 2 promoters, 1 detractor of 4 answers
    assert overall["response_rate"] == 0.8
    tiers = summary["tier"]
    assert isinstance(tiers, dict)
    assert tiers["bot"]["nps"] == 100.0 and tiers["human"]["response_rate"] == 0.667
