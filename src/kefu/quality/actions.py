"""Quality's use cases that change state: ratings, thumbs, QA of closed conversations, NPS
surveys and outcome imports. Routes and handlers call these and nothing else."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from kefu.bot.events import ConversationRated
from kefu.domain.agent import Agent
from kefu.domain.conversation import Status
from kefu.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.domain.ids import new_id
from kefu.domain.message import Sender
from kefu.quality import csat, demo, nps, qa
from kefu.quality.events import BotAnswerRated, ConversationScored, CsatInvited, SurveyAnswered
from kefu.quality.model import BotFeedback, CsatRating, NpsJob, Outcome, QaReport, ServiceRecord
from kefu.quality.ports import EmotionReader, IntentReader, QualityStore, TranscriptSource
from kefu.quality.styles import ReplyStyleClassifier
from kefu.services import agents
from kefu.services import conversations as conv
from kefu.services.context import ServiceContext
from kefu.services.ports import EventBus

MAX_COMMENT = 1000


@dataclass
class QualityActions:
    ctx: ServiceContext
    bus: EventBus
    store: QualityStore
    transcripts: TranscriptSource
    styles: ReplyStyleClassifier
    emotion: EmotionReader
    intent: IntentReader | None = None
    limits: qa.QaLimits = dataclasses.field(default_factory=qa.QaLimits)
    csat_rules: csat.CsatRules = dataclasses.field(default_factory=csat.CsatRules)

    # --- CSAT and thumbs -------------------------------------------------------------------

    async def rate(self, conversation_id: str, score: int, comment: str | None) -> CsatRating:
        """The customer's satisfaction, once per conversation; not for an abandoned chat."""
        if not 1 <= score <= 5:
            raise InvalidInput(f"score must be 1 to 5, got {score}")
        found = await conv.get_conversation(self.ctx, conversation_id)
        if found.status is Status.ABANDONED:
            raise Conflict("an abandoned conversation cannot be rated")
        now = self.ctx.clock()
        rating = CsatRating(
            conversation_id=conversation_id,
            account_id=found.account_id,
            score=score,
            comment=(comment or "").strip()[:MAX_COMMENT] or None,
            created_at=now,
            agent_id=found.assignee_id,
            queue=found.queue,
            tier="bot_human" if found.had_human else "bot",
        )
        await self.store.add_rating(rating)
        await self.bus.publish(
            [
                ConversationRated(
                    occurred_at=now,
                    conversation_id=conversation_id,
                    status=found.status.value,
                    score=score,
                    comment=rating.comment,
                )
            ]
        )
        return rating

    async def rate_bot_answer(self, conversation_id: str, seq: int, helpful: bool) -> BotFeedback:
        found = await conv.get_conversation(self.ctx, conversation_id)
        messages = await conv.list_messages(self.ctx, conversation_id, after=seq - 1, limit=1)
        if not messages or messages[0].seq != seq or messages[0].sender is not Sender.BOT:
            raise NotFound(f"message {seq} of this conversation is not a bot answer")
        feedback = BotFeedback(conversation_id, seq, helpful, self.ctx.clock())
        await self.store.put_bot_feedback(found.account_id, feedback)
        await self.bus.publish(
            [
                BotAnswerRated(
                    occurred_at=feedback.created_at,
                    conversation_id=conversation_id,
                    status=found.status.value,
                    seq=seq,
                    helpful=helpful,
                )
            ]
        )
        return feedback

    # --- a conversation closed ------------------------------------------------------------

    async def on_closed(self, conversation_id: str) -> QaReport | None:
        """Score it, invite a rating when the rules say so, and schedule the NPS survey."""
        transcript = await self.transcripts.transcript(conversation_id)
        if transcript is None or transcript.status not in ("resolved", "abandoned"):
            return None
        turns = tuple(
            dataclasses.replace(t, emotion_index=self.emotion(t.text))
            if t.sender == "customer" and t.emotion_index is None
            else t
            for t in transcript.turns
        )
        assisted = await self.store.was_assisted(conversation_id)
        first = next((t.text for t in turns if t.sender == "customer"), None)
        intent = transcript.intent or (self.intent(first) if self.intent and first else None)
        transcript = dataclasses.replace(transcript, turns=turns, assisted=assisted, intent=intent)
        report = qa.score(transcript, self.styles.predict, self.limits)
        version = self.styles.manifest.model_version if self.styles.manifest else ""
        report = dataclasses.replace(report, model_version=version)
        record = ServiceRecord(
            conversation_id=transcript.conversation_id,
            account_id=transcript.account_id,
            customer_id=transcript.customer_id,
            customer_external_id=transcript.customer_external_id,
            agent_id=transcript.agent_id,
            queue=transcript.queue,
            channel=transcript.channel,
            intent=transcript.intent,
            tier=transcript.tier,
            resolved=transcript.status == "resolved",
            assisted=assisted,
            created_at=transcript.created_at,
            closed_at=transcript.closed_at,
            first_response_s=report.first_response_s,
            handling_s=report.handling_s,
            resolution_s=(transcript.closed_at - transcript.created_at).total_seconds(),
            qa_total=report.total,
            qa_scores=report.scores,
            end_emotion=report.end_emotion,
            empathy_expressions=report.empathy_expressions,
        )
        await self.store.save(record, report)
        now = self.ctx.clock()
        events: list[ConversationScored | CsatInvited] = [
            ConversationScored(
                occurred_at=now,
                conversation_id=conversation_id,
                status=transcript.status,
                account_id=transcript.account_id,
                agent_id=transcript.agent_id,
                total=report.total,
                scores=report.scores,
                stiff_policy=report.stiff_policy,
            )
        ]
        customer_messages = sum(1 for t in turns if t.sender == "customer")
        invite = csat.should_invite(
            status=transcript.status,
            channel=transcript.channel,
            customer_messages=customer_messages,
            rules=self.csat_rules,
        )
        if invite.invite:
            events.append(
                CsatInvited(
                    occurred_at=now,
                    conversation_id=conversation_id,
                    status=transcript.status,
                    channel=transcript.channel,
                    language=transcript.language,
                )
            )
            await self.schedule_nps(record, transcript.language)
        await self.bus.publish(events)
        return report

    async def schedule_nps(self, record: ServiceRecord, language: str) -> NpsJob | None:
        now = self.ctx.clock()
        ok, _ = nps.should_schedule(
            opted_out=await self.store.opted_out(record.account_id, record.customer_id),
            last_survey_at=await self.store.last_survey_at(record.account_id, record.customer_id),
            now=now,
        )
        if not ok:
            return None
        job = NpsJob(
            id=new_id(),
            token=secrets.token_urlsafe(18),
            account_id=record.account_id,
            conversation_id=record.conversation_id,
            customer_id=record.customer_id,
            language=language,
            due_at=nps.due_at(record.closed_at),
            status="pending",
            segment={
                "tier": record.tier,
                "channel": record.channel,
                "queue": record.queue,
                "language": language,
            },
        )
        return job if await self.store.schedule(job) else None

    async def mark_assisted(self, conversation_id: str) -> None:
        await self.store.mark_assisted(conversation_id)

    # --- NPS surveys ----------------------------------------------------------------------

    async def survey(self, token: str) -> NpsJob:
        job = await self.store.by_token(token)
        if job is None or job.status == "cancelled":
            raise NotFound("this survey link is not valid")
        return job

    async def answer_survey(self, token: str, score: int, comment: str | None) -> NpsJob:
        job = await self.survey(token)
        category = nps.category(score) if 0 <= score <= 10 else None
        if category is None:
            raise InvalidInput(f"score must be 0 to 10, got {score}")
        now = self.ctx.clock()
        text = (comment or "").strip()[:MAX_COMMENT] or None
        if not await self.store.answer(token, score, text, now):
            raise Conflict("this survey has already been answered")
        await self.bus.publish(
            [
                SurveyAnswered(
                    occurred_at=now,
                    account_id=job.account_id,
                    conversation_id=job.conversation_id,
                    score=score,
                    category=category,
                )
            ]
        )
        return dataclasses.replace(job, status="answered", score=score, comment=text)

    async def opt_out(self, token: str) -> int:
        """The customer asks never to be surveyed again: pending surveys are cancelled."""
        job = await self.survey(token)
        now = self.ctx.clock()
        await self.store.opt_out(job.account_id, job.customer_id, now)
        return await self.store.cancel_customer(job.account_id, job.customer_id, "opted_out", now)

    async def forget_customer(self, account_id: str, customer_id: str) -> int:
        """The customer was erased: no survey may reach them any more."""
        now = self.ctx.clock()
        return await self.store.cancel_customer(account_id, customer_id, "erased", now)

    # --- business outcomes ----------------------------------------------------------------

    async def load_demo_history(self, agent: Agent, customers: int = 1000) -> int:
        """Fills an empty account with generated history and outcomes in which the brief's
        effects are planted (`kefu.quality.demo`), spread over the account's agents."""
        if not agent.sees_everything:
            raise PermissionDenied("loading demo history needs a supervisor or admin")
        if not 1 <= customers <= 20_000:
            raise InvalidInput("customers must be 1 to 20000")
        now = self.ctx.clock()
        if await self.store.outcomes(agent.account_id):
            raise Conflict("this account has business outcomes already: demo data would mix in")
        members = [a for a in await agents.list_agents(self.ctx, agent.account_id) if a.active]
        team = [a.id for a in members if not a.sees_everything] or [a.id for a in members]
        start = now - timedelta(days=28)
        records, outcomes = demo.generate(customers, account_id=agent.account_id, start=start)
        for n, record in enumerate(records):
            who = team[n % len(team)] if team and record.agent_id else None
            report = QaReport(
                conversation_id=record.conversation_id,
                scores=record.qa_scores,
                total=record.qa_total or 0.0,
                evidence=(),
                stiff_policy=0,
                empathy_expressions=record.empathy_expressions,
                start_emotion=None,
                end_emotion=record.end_emotion,
                first_response_s=record.first_response_s,
                handling_s=record.handling_s,
                model_version="demo",
            )
            await self.store.save(dataclasses.replace(record, agent_id=who), report)
            if record.csat is not None and n % 3 == 0:
                await self.store.add_rating(
                    CsatRating(
                        conversation_id=record.conversation_id,
                        account_id=agent.account_id,
                        score=record.csat,
                        comment=None,
                        created_at=record.closed_at,
                        agent_id=who,
                        queue=record.queue,
                        tier=record.tier,
                    )
                )
        await self.store.add_outcomes(agent.account_id, outcomes, now)
        return len(records)

    async def import_outcomes(self, agent: Agent, outcomes: Sequence[Outcome]) -> int:
        if not agent.sees_everything:
            raise PermissionDenied("importing business outcomes needs a supervisor or admin")
        if not outcomes:
            raise InvalidInput("there are no outcome rows to import")
        return await self.store.add_outcomes(agent.account_id, outcomes, self.ctx.clock())
