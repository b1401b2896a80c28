"""The learning loop's use cases: what routes, the CLI and handlers call.

Reading topics and proposals and deciding on them is for supervisors and admins. An accepted
proposal is a knowledge-base edit like any other (versioned and audited by the knowledge
package, with the reviewer as author), so it goes live on the next customer message; the
review decision itself is audited here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from kefu.domain.agent import Agent
from kefu.domain.clock import Clock
from kefu.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.knowledge.model import KnowledgeEntry
from kefu.learning import clustering, edits, mining, precheck, transcripts
from kefu.learning.checks import Prechecks
from kefu.learning.edits import MAX_TEXT, NO_EDIT, ProposalEdit
from kefu.learning.encoders import HashingEncoder
from kefu.learning.masking import mask
from kefu.learning.model import (
    Gap,
    ImportReport,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Topic,
    Transcript,
)
from kefu.learning.ports import Decision, Encoder, KnowledgeWriter, LearningStore, Replay, Trials
from kefu.learning.precheck import Precheck, RiskyProposal, Verdict
from kefu.learning.tracker import Signal, SignalKind
from kefu.learning.trials import RunningTrial, TrialReview


def check_reviewer(agent: Agent) -> None:
    if not agent.sees_everything:
        raise PermissionDenied("only supervisors and admins review what the bot learns")


class Learning:
    def __init__(
        self,
        store: LearningStore,
        knowledge: KnowledgeWriter,
        encoder: Encoder,
        clock: Clock,
        *,
        rule: mining.MiningRule | None = None,
        reply_encoder: Encoder | None = None,
        replay: Replay | None = None,
        trials: Trials | None = None,
    ) -> None:
        self.store = store
        #: New entries on trial: starting, listing and ending them.
        self.trial_review = TrialReview(knowledge, trials)
        self.checks = Prechecks(replay, knowledge)
        self.knowledge = knowledge
        self.encoder = encoder
        self.clock = clock
        # Agents reuse scripted replies, so "the same reply" is a matter of wording: the
        # character encoder groups replies unless another is given.
        self.reply_encoder = reply_encoder or HashingEncoder()
        t, r = encoder.thresholds, self.reply_encoder.thresholds
        self.rule = rule or mining.MiningRule(
            question_threshold=t.same,
            known_threshold=t.known,
            category_threshold=t.related,
            answer_threshold=r.reply,
        )
        self.topic_threshold = t.same
        self._seq = 0

    # -- recording (handlers) -------------------------------------------------------------

    async def record(
        self, account_id: str, conversation_id: str, signals: Sequence[Signal]
    ) -> list[Gap]:
        """Stores the gaps of `signals`, and queues phrasings and corrections for review."""
        now = self.clock()
        gaps, proposals = [], []
        for s in signals:
            text = mask(s.text.strip())[:MAX_TEXT]
            if not text:
                continue
            if s.kind is SignalKind.GAP and s.gap_kind is not None:
                self._seq += 1
                gaps.append(
                    Gap(
                        id=f"g-{now.strftime('%Y%m%d%H%M%S%f')}-{self._seq}",
                        account_id=account_id,
                        conversation_id=conversation_id,
                        kind=s.gap_kind,
                        text=text,
                        language=s.language,
                        decision=s.decision,
                        knowledge_id=s.knowledge_id,
                        at=now,
                    )
                )
            elif s.knowledge_id is not None and self.knowledge.get(s.knowledge_id) is not None:
                kind = (
                    ProposalKind.PHRASING
                    if s.kind is SignalKind.PHRASING
                    else ProposalKind.CORRECTION
                )
                proposals.append(
                    Proposal(
                        id=mining.proposal_id(kind, s.knowledge_id, text),
                        account_id=account_id,
                        kind=kind,
                        question=text,
                        answer="",
                        phrasings=(text,),
                        language=s.language,
                        category=None,
                        entry_id=s.knowledge_id,
                        sources=(conversation_id,),
                        support=1,
                        created_at=now,
                    )
                )
        if gaps:
            await self.store.add_gaps(gaps)
        if proposals:
            await self.store.add_proposals(proposals)
        return gaps

    # -- reading ----------------------------------------------------------------------------

    async def topics(
        self, agent: Agent, *, days: int = 30, trend: clustering.TrendRule | None = None
    ) -> list[Topic]:
        check_reviewer(agent)
        if not 1 <= days <= 366:
            raise InvalidInput("days must be between 1 and 366")
        now = self.clock()
        gaps = await self.store.gaps(agent.account_id, since=now - timedelta(days=days))
        if not gaps:
            return []
        vectors = self.encoder.encode([g.text for g in gaps])
        return clustering.topics(
            gaps,
            vectors,
            now=now,
            threshold=self.topic_threshold,
            trend=trend or clustering.TrendRule(),
        )

    async def proposals(self, agent: Agent, status: ProposalStatus | None) -> list[Proposal]:
        check_reviewer(agent)
        return await self.store.proposals(agent.account_id, status=status)

    async def decisions(self, agent: Agent, proposal_id: str) -> list[Decision]:
        check_reviewer(agent)
        await self._pending_or_decided(agent, proposal_id)
        return await self.store.decisions(agent.account_id, proposal_id)

    # -- mining -----------------------------------------------------------------------------

    async def import_upload(
        self, agent: Agent, found: Sequence[Transcript], *, language: str = "zh"
    ) -> ImportReport:
        check_reviewer(agent)
        return await self.import_transcripts(agent.account_id, found, language=language)

    async def import_transcripts(
        self,
        account_id: str,
        found: Sequence[Transcript],
        *,
        language: str = "zh",
    ) -> ImportReport:
        """Mines proposals from past human conversations and queues the new ones."""
        qa = transcripts.pairs(found)
        good = mining.usable(qa, self.rule)
        proposals: list[Proposal] = []
        if good:
            questions = self.encoder.encode([p.question for p in good])
            answers = self.reply_encoder.encode([p.answer for p in good])
            proposals = mining.mine(
                good,
                questions,
                answers,
                self.known_entries(),
                account_id=account_id,
                language=language,
                now=self.clock(),
                rule=self.rule,
            )
        new = await self.store.add_proposals(proposals) if proposals else 0
        kinds: dict[str, int] = {}
        for p in proposals:
            kinds[p.kind.value] = kinds.get(p.kind.value, 0) + 1
        return ImportReport(len(found), len(qa), len(good), len(proposals), new, kinds)

    def known_entries(self) -> list[mining.KnownEntry]:
        """The enabled entries as mining compares topics with them (their texts encoded)."""
        entries = [e for e in self.knowledge.all() if e.enabled]
        known = []
        for e in entries:
            texts = e.texts
            vectors = self.encoder.encode(list(texts)) if texts else self.encoder.encode([])
            path = "/".join(c.id for c in e.category) or None
            known.append(mining.KnownEntry(e.id, texts, path, vectors))
        return known

    # -- reviewing --------------------------------------------------------------------------

    async def precheck(self, agent: Agent, proposal_id: str) -> Precheck:
        """What accepting the proposal as it stands would change (computed on the current
        knowledge base; kept until it changes)."""
        check_reviewer(agent)
        proposal = await self._pending_or_decided(agent, proposal_id)
        return await self._check(proposal, self._candidate(agent, proposal, NO_EDIT))

    def known_precheck(self, proposal: Proposal) -> Precheck | None:
        """The pre-check of the unedited proposal if it was computed on the current
        knowledge base, else None ("checking…")."""
        if not self.checks.available or proposal.status is not ProposalStatus.PENDING:
            return None
        try:
            candidate = self._candidate(None, proposal, NO_EDIT)
        except (InvalidInput, NotFound):
            return None
        if candidate is None:
            return precheck.answer_only(proposal.entry_id)
        return self.checks.known(proposal.account_id, candidate)

    async def _check(self, proposal: Proposal, candidate: KnowledgeEntry | None) -> Precheck:
        if candidate is None:
            return precheck.answer_only(proposal.entry_id)
        return await self.checks.check(proposal.account_id, candidate)

    def _candidate(
        self, agent: Agent | None, proposal: Proposal, edit: ProposalEdit, target: str | None = None
    ) -> KnowledgeEntry | None:
        """The entry as accepting (or merging into `target`) would leave it; None when
        nothing would be matched differently."""
        if proposal.kind is ProposalKind.NEW_ENTRY and target is None:
            return self._new_entry(agent, proposal, edit)
        if proposal.kind is ProposalKind.PHRASING or target is not None:
            entry, added = self._with_phrasings(proposal, edit, target or proposal.entry_id)
            return replace(entry, phrasings=(*entry.phrasings, *added)) if added else None
        return None

    async def _check_risk(
        self, proposal: Proposal, candidate: KnowledgeEntry | None, confirm_risky: bool
    ) -> Precheck:
        check = await self._check(proposal, candidate)
        if check.verdict is Verdict.RISKY and not confirm_risky:
            raise RiskyProposal(check)
        return check

    async def accept(
        self,
        agent: Agent,
        proposal_id: str,
        edit: ProposalEdit = NO_EDIT,
        *,
        confirm_risky: bool = False,
        trial_share: float | None = None,
    ) -> Proposal:
        """Refuses a proposal the pre-check calls risky unless `confirm_risky`. With
        `trial_share`, a new entry goes live for that share of customers only, as the
        treatment arm of an experiment (`kefu.learning.trials`)."""
        check_reviewer(agent)
        proposal = await self._pending(agent, proposal_id)
        if trial_share is not None:
            self.trial_review.check(proposal, trial_share)
        if proposal.kind in (ProposalKind.NEW_ENTRY, ProposalKind.PHRASING):
            target = edit.entry_id if proposal.kind is ProposalKind.PHRASING else None
            candidate = self._candidate(agent, proposal, edit, target)
            await self._check_risk(proposal, candidate, confirm_risky)
        if proposal.kind is ProposalKind.NEW_ENTRY:
            entry_id = await self._create_entry(agent, proposal, edit, trial_share)
        elif proposal.kind is ProposalKind.PHRASING:
            entry_id = await self._add_phrasings(agent, proposal, edit, proposal.entry_id)
        elif proposal.kind is ProposalKind.CORRECTION:
            entry_id = await self._correct(agent, proposal, edit)
        else:
            entry_id = None  # kept as an out-of-scope training example
        return await self._decide(
            agent, proposal, ProposalStatus.ACCEPTED, "accept", None, entry_id
        )

    async def merge(
        self, agent: Agent, proposal_id: str, entry_id: str, *, confirm_risky: bool = False
    ) -> Proposal:
        """Adds the proposal's question and phrasings to an existing entry (refused when
        the pre-check calls that risky, unless `confirm_risky`)."""
        check_reviewer(agent)
        proposal = await self._pending(agent, proposal_id)
        candidate = self._candidate(agent, proposal, NO_EDIT, entry_id)
        await self._check_risk(proposal, candidate, confirm_risky)
        target = await self._add_phrasings(agent, proposal, NO_EDIT, entry_id)
        return await self._decide(agent, proposal, ProposalStatus.MERGED, "merge", None, target)

    async def trials(self, agent: Agent) -> list[RunningTrial]:
        check_reviewer(agent)
        return await self.trial_review.running()

    async def end_trial(self, agent: Agent, entry_id: str, *, keep: bool) -> KnowledgeEntry:
        """Keeps a new entry on trial for every customer, or takes it out."""
        check_reviewer(agent)
        return await self.trial_review.end(agent, entry_id, keep=keep)

    async def reject(self, agent: Agent, proposal_id: str, reason: str) -> Proposal:
        check_reviewer(agent)
        reason = reason.strip()
        if not reason:
            raise InvalidInput("say why the proposal is rejected")
        if len(reason) > 500:
            raise InvalidInput("the reason is longer than 500 characters")
        proposal = await self._pending(agent, proposal_id)
        return await self._decide(agent, proposal, ProposalStatus.REJECTED, "reject", reason, None)

    async def _pending_or_decided(self, agent: Agent, proposal_id: str) -> Proposal:
        proposal = await self.store.get_proposal(agent.account_id, proposal_id)
        if proposal is None:
            raise NotFound(f"no proposal {proposal_id}")
        return proposal

    async def _pending(self, agent: Agent, proposal_id: str) -> Proposal:
        proposal = await self._pending_or_decided(agent, proposal_id)
        if proposal.status is not ProposalStatus.PENDING:
            raise Conflict(f"proposal {proposal_id} was already decided ({proposal.status.value})")
        return proposal

    async def _decide(
        self,
        agent: Agent,
        proposal: Proposal,
        status: ProposalStatus,
        action: str,
        reason: str | None,
        entry_id: str | None,
    ) -> Proposal:
        now = self.clock()
        decided = replace(
            proposal,
            status=status,
            decided_by=agent.id,
            decided_at=now,
            reason=reason,
            result_entry_id=entry_id,
        )
        await self.store.decide(
            decided, Decision(proposal.id, action, agent.id, now, reason, entry_id)
        )
        return decided

    async def _create_entry(
        self, agent: Agent, proposal: Proposal, edit: ProposalEdit, trial_share: float | None
    ) -> str:
        entry = self._new_entry(agent, proposal, edit)
        if trial_share is not None:
            entry = await self.trial_review.start(entry, trial_share)
        await self.knowledge.create(entry, agent.email)
        return entry.id

    def _new_entry(
        self, agent: Agent | None, proposal: Proposal, edit: ProposalEdit
    ) -> KnowledgeEntry:
        category = edits.category_of(proposal.category, self.knowledge.all())
        return edits.new_entry(proposal, edit, category, agent.id if agent is not None else "")

    async def _add_phrasings(
        self, agent: Agent, proposal: Proposal, edit: ProposalEdit, entry_id: str | None
    ) -> str:
        entry, added = self._with_phrasings(proposal, edit, entry_id)
        if added:
            await self.knowledge.update(
                replace(entry, phrasings=(*entry.phrasings, *added)), agent.email
            )
        return entry.id

    def _with_phrasings(
        self, proposal: Proposal, edit: ProposalEdit, entry_id: str | None
    ) -> tuple[KnowledgeEntry, tuple[str, ...]]:
        target_id = edit.entry_id or entry_id
        entry = self.knowledge.get(target_id) if target_id else None
        if entry is None:
            raise NotFound(f"no knowledge entry {target_id!r}")
        return entry, edits.added_phrasings(entry, proposal, edit)

    async def _correct(self, agent: Agent, proposal: Proposal, edit: ProposalEdit) -> str:
        entry = self.knowledge.get(proposal.entry_id or "")
        if entry is None:
            raise NotFound(f"no knowledge entry {proposal.entry_id!r}")
        await self.knowledge.update(edits.corrected(entry, proposal, edit), agent.email)
        return entry.id
