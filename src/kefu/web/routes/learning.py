"""The learning loop over HTTP: topics of knowledge gaps and the review queue
(supervisors and admins)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from kefu.domain.errors import InvalidInput, NotFound
from kefu.learning.actions import Learning
from kefu.learning.edits import ProposalEdit
from kefu.learning.model import (
    GAP_KIND_LABELS,
    PROPOSAL_KIND_LABELS,
    PROPOSAL_STATUS_LABELS,
    GapKind,
    ImportReport,
    Proposal,
    ProposalStatus,
    Topic,
)
from kefu.learning.precheck import (
    DECISION_LABELS,
    SOURCE_LABELS,
    VERDICT_LABELS,
    Change,
    Outcome,
    Precheck,
)
from kefu.learning.transcripts import TranscriptError, read_transcripts
from kefu.learning.trials import ARM_LABELS, TRIAL_VERDICT_LABELS, RunningTrial
from kefu.web.deps import ContainerDep, SupervisorDep

router = APIRouter(prefix="/api/v1/admin/learning", tags=["learning"])

MAX_UPLOAD = 50 * 1024 * 1024


async def learning_actions(container: ContainerDep) -> Learning:
    if container.learning is None:
        raise NotFound("this instance runs without the learning loop")
    return container.learning.actions


LearningDep = Annotated[Learning, Depends(learning_actions)]


class AcceptBody(BaseModel):
    question: str | None = Field(default=None, max_length=4000)
    answer: str | None = Field(default=None, max_length=4000)
    question_en: str | None = Field(default=None, max_length=4000)
    answer_en: str | None = Field(default=None, max_length=4000)
    phrasings: list[str] | None = Field(default=None, max_length=200)
    entry_id: str | None = Field(default=None, max_length=64)
    confirm_risky: bool = False  # accept although the pre-check says it takes questions
    #: A new entry live for this share of customers only, as an experiment's treatment arm.
    trial_share: float | None = Field(default=None, ge=0.05, le=0.95)


class MergeBody(BaseModel):
    entry_id: str = Field(min_length=1, max_length=64)
    confirm_risky: bool = False


class EndTrialBody(BaseModel):
    keep: bool  # true: the entry answers every customer; false: it is taken out


class RejectBody(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


def _labels(pair: tuple[str, str]) -> dict[str, str]:
    return {"zh": pair[0], "en": pair[1]}


#: Steals and gains listed per pre-check (the counts are always complete).
MAX_EXAMPLES = 10


def outcome_out(o: Outcome, learning: Learning) -> dict[str, Any]:
    entry = learning.knowledge.get(o.entry_id) if o.entry_id else None
    return {
        "decision": o.decision,
        "decision_label": _labels(DECISION_LABELS.get(o.decision, (o.decision, o.decision))),
        "entry_id": o.entry_id,
        "entry_question": {"zh": entry.question.zh, "en": entry.question.en} if entry else None,
        "flow": o.flow,
        "choices": list(o.choices),
    }


def change_out(c: Change, learning: Learning) -> dict[str, Any]:
    return {
        "question": c.question.text,
        "source": c.question.source,
        "source_label": _labels(SOURCE_LABELS[c.question.source]),
        "before": outcome_out(c.before, learning),
        "after": outcome_out(c.after, learning),
    }


def precheck_out(c: Precheck | None, learning: Learning) -> dict[str, Any]:
    if c is None:
        return {"status": "checking", "status_label": _labels(("预检中…", "Checking…"))}
    return {
        "status": "done",
        "verdict": c.verdict.value,
        "verdict_label": _labels(VERDICT_LABELS[c.verdict]),
        "entry_id": c.entry_id,
        "questions": c.questions,
        "sources": [
            {"source": k, "count": n, "label": _labels(SOURCE_LABELS[k])}
            for k, n in c.sources.items()
        ],
        "missing": [{"source": k, "label": _labels(SOURCE_LABELS[k])} for k in c.missing],
        "newly_answered": c.newly_answered,
        "newly_right": c.newly_right,
        "steals": c.steals,
        "changed": c.changed,
        "seconds": c.seconds,
        "culprits": list(c.culprits),
        "trimmable": c.trimmable,
        "taken": [change_out(x, learning) for x in c.taken[:MAX_EXAMPLES]],
        "gained": [change_out(x, learning) for x in c.gained[:MAX_EXAMPLES]],
    }


def proposal_out(p: Proposal, learning: Learning | None = None) -> dict[str, Any]:
    pending = learning is not None and p.status is ProposalStatus.PENDING
    out = _proposal_fields(p)
    out["precheck"] = (
        precheck_out(learning.known_precheck(p), learning) if pending and learning else None
    )
    return out


def _proposal_fields(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "kind": p.kind.value,
        "kind_label": _labels(PROPOSAL_KIND_LABELS[p.kind]),
        "status": p.status.value,
        "status_label": _labels(PROPOSAL_STATUS_LABELS[p.status]),
        "question": p.question,
        "answer": p.answer,
        "phrasings": list(p.phrasings),
        "language": p.language,
        "category": p.category,
        "entry_id": p.entry_id,
        "sources": list(p.sources),
        "support": p.support,
        "created_at": p.created_at.isoformat(),
        "decided_by": p.decided_by,
        "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        "reason": p.reason,
        "result_entry_id": p.result_entry_id,
    }


def topic_out(t: Topic) -> dict[str, Any]:
    return {
        "id": t.id,
        "label": t.label,
        "size": t.size,
        "examples": list(t.examples),
        "kinds": {
            k: {"count": n, "label": _labels(GAP_KIND_LABELS[GapKind(k)])}
            for k, n in t.kinds.items()
        },
        "recent": t.recent,
        "before": t.before,
        "growing": t.growing,
        "first_at": t.first_at.isoformat(),
        "last_at": t.last_at.isoformat(),
    }


def report_out(r: ImportReport) -> dict[str, Any]:
    return {
        "transcripts": r.transcripts,
        "pairs": r.pairs,
        "usable_pairs": r.usable,
        "proposals": r.proposals,
        "new_proposals": r.new,
        "by_kind": r.by_kind,
    }


@router.get("/topics")
async def topics(agent: SupervisorDep, learning: LearningDep, days: int = 30) -> dict[str, Any]:
    """Knowledge gaps of the last `days` days grouped by meaning, biggest first."""
    found = await learning.topics(agent, days=days)
    return {"topics": [topic_out(t) for t in found]}


@router.get("/proposals")
async def proposals(
    agent: SupervisorDep, learning: LearningDep, status: ProposalStatus | None = None
) -> dict[str, Any]:
    found = await learning.proposals(agent, status)
    return {"proposals": [proposal_out(p, learning) for p in found]}


@router.get("/proposals/{proposal_id}/precheck")
async def proposal_precheck(
    proposal_id: str, agent: SupervisorDep, learning: LearningDep
) -> dict[str, Any]:
    """What accepting the proposal as it stands would change: the frozen questions replayed
    with and without it (the first check of a process also prepares them, ≈20 s)."""
    return precheck_out(await learning.precheck(agent, proposal_id), learning)


@router.post("/proposals/{proposal_id}/accept")
async def accept(
    proposal_id: str, body: AcceptBody, agent: SupervisorDep, learning: LearningDep
) -> dict[str, Any]:
    """Accepts a proposal, optionally edited; the knowledge base changes at once. 409
    `proposal_risky` when the pre-check says it takes questions, unless `confirm_risky`."""
    edit = ProposalEdit(
        question=body.question,
        answer=body.answer,
        question_en=body.question_en,
        answer_en=body.answer_en,
        phrasings=tuple(body.phrasings) if body.phrasings is not None else None,
        entry_id=body.entry_id,
    )
    accepted = await learning.accept(
        agent,
        proposal_id,
        edit,
        confirm_risky=body.confirm_risky,
        trial_share=body.trial_share,
    )
    return proposal_out(accepted)


@router.post("/proposals/{proposal_id}/merge")
async def merge(
    proposal_id: str, body: MergeBody, agent: SupervisorDep, learning: LearningDep
) -> dict[str, Any]:
    """Adds the proposal's questions to an existing entry as phrasings."""
    merged = await learning.merge(
        agent, proposal_id, body.entry_id, confirm_risky=body.confirm_risky
    )
    return proposal_out(merged)


@router.post("/proposals/{proposal_id}/reject")
async def reject(
    proposal_id: str, body: RejectBody, agent: SupervisorDep, learning: LearningDep
) -> dict[str, Any]:
    return proposal_out(await learning.reject(agent, proposal_id, body.reason))


@router.get("/proposals/{proposal_id}/decisions")
async def decisions(
    proposal_id: str, agent: SupervisorDep, learning: LearningDep
) -> dict[str, Any]:
    found = await learning.decisions(agent, proposal_id)
    return {
        "decisions": [
            {
                "action": d.action,
                "by": d.by,
                "at": d.at.isoformat(),
                "reason": d.reason,
                "entry_id": d.entry_id,
            }
            for d in found
        ]
    }


def trial_out(t: RunningTrial) -> dict[str, Any]:
    r = t.results
    return {
        "entry_id": t.entry.id,
        "question": t.entry.question.to_dict(),
        "experiment_id": t.trial.experiment_id,
        "share": t.trial.share,
        "arms": [
            {
                "variant": a.variant,
                "variant_label": _labels(ARM_LABELS.get(a.variant, (a.variant, a.variant))),
                "customers": a.customers,
                "bot_resolution": a.bot_resolution,
            }
            for a in r.arms
        ],
        "verdict": r.verdict,
        "verdict_label": _labels(
            TRIAL_VERDICT_LABELS.get(r.verdict, TRIAL_VERDICT_LABELS["too_early"])
        ),
        "still_needed": r.still_needed,
    }


@router.get("/trials")
async def trials(agent: SupervisorDep, learning: LearningDep) -> dict[str, Any]:
    """New entries on trial, with each arm's customers and bot resolution so far."""
    return {"trials": [trial_out(t) for t in await learning.trials(agent)]}


@router.post("/trials/{entry_id}/end")
async def end_trial(
    entry_id: str, body: EndTrialBody, agent: SupervisorDep, learning: LearningDep
) -> dict[str, Any]:
    """Ends a trial: the entry answers every customer (`keep`) or is taken out."""
    entry = await learning.end_trial(agent, entry_id, keep=body.keep)
    return {"entry_id": entry.id, "enabled": entry.enabled, "trial": None}


@router.post("/transcripts")
async def import_transcripts(
    request: Request, agent: SupervisorDep, learning: LearningDep, language: str = "zh"
) -> dict[str, Any]:
    """Mines proposals from a CSV of past conversations (see `kefu learn import-transcripts`)."""
    if language not in ("zh", "en"):
        raise InvalidInput("language must be zh or en")
    raw = await request.body()
    if not raw:
        raise InvalidInput("the file is empty")
    if len(raw) > MAX_UPLOAD:
        raise InvalidInput(f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MiB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "transcripts.csv"
        path.write_bytes(raw)
        try:
            found = read_transcripts(path)
        except TranscriptError as exc:
            raise InvalidInput(str(exc)) from exc
    return report_out(await learning.import_upload(agent, found, language=language))
