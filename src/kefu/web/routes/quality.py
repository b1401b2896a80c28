"""Feedback and quality over HTTP: CSAT and thumbs from customers, the NPS survey page's
API, outcome imports, and the supervisors' reports. Each route calls one action."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from kefu.domain.errors import InvalidInput, NotFound
from kefu.quality.model import OUTCOME_KINDS, Outcome
from kefu.quality.outcomes import MAX_ROWS, check_outcome, parse_csv
from kefu.quality.wiring import Quality
from kefu.web.deps import AgentDep, ContainerDep, CustomerDep, SupervisorDep
from kefu.web.schemas import RequestBody

router = APIRouter(tags=["quality"])
pages = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parent.parent / "static"
MAX_UPLOAD = 8 * 1024 * 1024
Days = Annotated[int, Query(ge=1, le=400, description="Look back this many days")]


def _quality(container: object) -> Quality:
    quality: Quality | None = getattr(container, "quality", None)
    if quality is None:
        raise NotFound("quality is not running on this server")
    return quality


class RatingIn(RequestBody):
    score: int = Field(ge=1, le=5, description="1 (very unhappy) to 5 (very happy)")
    comment: str | None = Field(default=None, max_length=1000)


class RatingOut(BaseModel):
    conversation_id: str
    score: int
    comment: str | None


class FeedbackIn(RequestBody):
    helpful: bool = Field(description="Thumbs up (true) or down (false)")


class SurveyAnswerIn(RequestBody):
    score: int = Field(ge=0, le=10, description="How likely to recommend us, 0 to 10")
    comment: str | None = Field(default=None, max_length=1000)


class OutcomeIn(RequestBody):
    customer_external_id: str = Field(min_length=1, max_length=128)
    date: date
    kind: Literal["renewal", "repeat_order", "complaint", "refund", "order_value"]
    value: float


class OutcomesIn(RequestBody):
    outcomes: list[OutcomeIn] = Field(min_length=1, max_length=MAX_ROWS)


@router.post(
    "/api/v1/public/conversations/{conversation_id}/rating",
    status_code=status.HTTP_201_CREATED,
    response_model=RatingOut,
)
async def rate(
    conversation_id: str, body: RatingIn, container: ContainerDep, _customer: CustomerDep
) -> RatingOut:
    """The customer's satisfaction (CSAT), once per conversation, with an optional comment."""
    rating = await _quality(container).actions.rate(conversation_id, body.score, body.comment)
    return RatingOut(conversation_id=conversation_id, score=rating.score, comment=rating.comment)


@router.put("/api/v1/public/conversations/{conversation_id}/messages/{seq}/feedback")
async def rate_bot_answer(
    conversation_id: str,
    seq: int,
    body: FeedbackIn,
    container: ContainerDep,
    _customer: CustomerDep,
) -> dict[str, object]:
    """Thumbs up or down on one bot answer; voting again replaces the vote."""
    vote = await _quality(container).actions.rate_bot_answer(conversation_id, seq, body.helpful)
    return {"conversation_id": conversation_id, "seq": vote.seq, "helpful": vote.helpful}


@router.get("/api/v1/public/surveys/{token}")
async def get_survey(token: str, container: ContainerDep) -> dict[str, object]:
    """The survey behind a link: its language and whether it was answered."""
    job = await _quality(container).actions.survey(token)
    return {"language": job.language, "answered": job.score is not None, "score": job.score}


@router.post("/api/v1/public/surveys/{token}", status_code=status.HTTP_201_CREATED)
async def answer_survey(
    token: str, body: SurveyAnswerIn, container: ContainerDep
) -> dict[str, object]:
    job = await _quality(container).actions.answer_survey(token, body.score, body.comment)
    return {"answered": True, "score": job.score}


@router.post("/api/v1/public/surveys/{token}/opt-out")
async def opt_out(token: str, container: ContainerDep) -> dict[str, object]:
    """No more surveys for this customer; pending ones are cancelled."""
    cancelled = await _quality(container).actions.opt_out(token)
    return {"opted_out": True, "cancelled": cancelled}


@router.post("/api/v1/quality/outcomes", status_code=status.HTTP_201_CREATED)
async def import_outcomes(
    body: OutcomesIn, container: ContainerDep, supervisor: SupervisorDep
) -> dict[str, object]:
    """Business outcomes per customer (`customer_external_id, date, kind, value`)."""
    rows = [
        check_outcome(o.model_dump(mode="json"), n) for n, o in enumerate(body.outcomes, start=1)
    ]
    written = await _quality(container).actions.import_outcomes(supervisor, rows)
    return {"imported": written}


@router.post("/api/v1/quality/outcomes.csv", status_code=status.HTTP_201_CREATED)
async def import_outcomes_csv(
    request: Request, container: ContainerDep, supervisor: SupervisorDep
) -> dict[str, object]:
    """The same as a CSV body (UTF-8, header `customer_external_id,date,kind,value`)."""
    raw = await request.body()
    if len(raw) > MAX_UPLOAD:
        raise InvalidInput(f"the upload is larger than {MAX_UPLOAD} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the CSV must be UTF-8") from exc
    rows: list[Outcome] = parse_csv(text)
    written = await _quality(container).actions.import_outcomes(supervisor, rows)
    return {"imported": written, "kinds": list(OUTCOME_KINDS)}


@router.post("/api/v1/quality/demo", status_code=status.HTTP_201_CREATED)
async def load_demo(
    container: ContainerDep,
    supervisor: SupervisorDep,
    customers: Annotated[int, Query(ge=1, le=20_000)] = 1000,
) -> dict[str, object]:
    """Generated history and outcomes with known effects, for an account that has none."""
    loaded = await _quality(container).actions.load_demo_history(supervisor, customers)
    return {"conversations": loaded}


@router.get("/api/v1/quality/csat")
async def csat_report(
    container: ContainerDep, supervisor: SupervisorDep, days: Days = 30
) -> dict[str, object]:
    """CSAT overall and per agent, queue, intent and tier, with thumbs on bot answers."""
    return await _quality(container).reports.csat(supervisor, days)


@router.get("/api/v1/quality/nps")
async def nps_report(
    container: ContainerDep, supervisor: SupervisorDep, days: Days = 90
) -> dict[str, object]:
    return await _quality(container).reports.nps(supervisor, days)


@router.get("/api/v1/quality/outcomes")
async def outcome_report(
    container: ContainerDep, supervisor: SupervisorDep, days: Days = 90
) -> dict[str, object]:
    """Outcome rates by service figures with 95 % intervals, and the regression effects."""
    return await _quality(container).reports.outcomes(supervisor, days)


@router.get("/api/v1/quality/scorecards")
async def scorecards(
    container: ContainerDep,
    agent: AgentDep,
    period: Annotated[str, Query(pattern="^(day|week)$")] = "day",
    days: Days = 14,
    agent_id: str | None = None,
) -> dict[str, object]:
    """Per agent per day or week; an agent gets their own rows only."""
    rows = await _quality(container).reports.scorecards(
        agent, period=period, days=days, agent_id=agent_id
    )
    return {"period": period, "scorecards": rows}


@router.get("/api/v1/quality/team")
async def team(
    container: ContainerDep, supervisor: SupervisorDep, days: Days = 14
) -> dict[str, object]:
    """The team's figures and the human-machine collaboration coefficient."""
    return await _quality(container).reports.team(supervisor, days)


@router.get("/api/v1/quality/reviews")
async def review_queue(
    container: ContainerDep,
    supervisor: SupervisorDep,
    days: Days = 14,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, object]:
    rows = await _quality(container).reports.review_queue(supervisor, days, limit)
    return {"reviews": rows}


@router.get("/api/v1/quality/reviews/{conversation_id}")
async def review(
    conversation_id: str, container: ContainerDep, agent: AgentDep
) -> dict[str, object]:
    """The QA report of one conversation with the sentences behind each score."""
    return await _quality(container).reports.review(agent, conversation_id)


@router.post("/api/v1/quality/reviews/{conversation_id}/rescore")
async def rescore(
    conversation_id: str, container: ContainerDep, supervisor: SupervisorDep
) -> dict[str, object]:
    """Scores the conversation again now (after the model or the limits changed)."""
    quality = _quality(container)
    await quality.reports.review(supervisor, conversation_id)
    await quality.actions.on_closed(conversation_id)
    return await quality.reports.review(supervisor, conversation_id)


def _page(folder: str) -> FileResponse:
    return FileResponse(
        STATIC / folder / "index.html",
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


@pages.get("/quality")
async def quality_page() -> FileResponse:
    """Supervisors' quality page: scorecards, CSAT/NPS/outcomes, conversation review."""
    return _page("quality")


@pages.get("/survey/{token}")
async def survey_page(token: str) -> FileResponse:
    return _page("survey")


# The pages ride on the API router so that the app includes quality with one line.
router.include_router(pages)
