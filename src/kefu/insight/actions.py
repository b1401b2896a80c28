"""The use cases of insight, each checking that the caller may see reports (supervisors and
admins). Routes and the CLI call these and nothing else."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kefu.domain.agent import Agent
from kefu.domain.errors import InvalidInput, NotFound, PermissionDenied
from kefu.insight import experiments as ex
from kefu.insight import rollup
from kefu.insight.export import mask_name, mask_phone
from kefu.insight.handlers import JourneyTracker
from kefu.insight.ports import CustomerDirectory, Filters, InsightStore, KnowledgeView
from kefu.insight.promote import FIRST_LEVEL, SUGGESTIONS, propose
from kefu.insight.summary import Summary, abandonment_node, resolution_at

HEATMAPS = ("hour_weekday", "intent_entry", "node_outcome")
DRILL_SCAN = 20_000  # conversations read at most to list those behind one number
DRILL_LIMIT = 500


class KnowledgeEditor(Protocol):
    """Knowledge-base edits insight may make (through the knowledge package's service,
    so each is versioned and audited like any other edit)."""

    async def promote(self, entry_id: str, action: str, author: str) -> dict[str, Any]: ...

    def path_of(self, entry_id: str) -> Sequence[str] | None: ...

    def suggested(self) -> frozenset[str]: ...


def access_reports(agent: Agent) -> None:
    if not agent.sees_everything:
        raise PermissionDenied("reports need a supervisor or admin")


@dataclass
class InsightActions:
    store: InsightStore
    tracker: JourneyTracker
    people: CustomerDirectory
    knowledge: KnowledgeView
    editor: KnowledgeEditor
    clock: Callable[[], datetime]
    account_id: str

    # -- reports ----------------------------------------------------------------------------

    async def _report(self, filters: Filters) -> rollup.Report:
        await self.tracker.flush()  # what just happened is in the report
        return rollup.Report(await self.store.rollup(self.account_id, filters))

    async def journeys(self, agent: Agent, filters: Filters) -> dict[str, Any]:
        access_reports(agent)
        report = await self._report(filters)
        return {
            "filters": _filters_out(filters),
            "indicators": report.indicators(),
            "funnel": report.funnel(),
        }

    async def heatmap(self, agent: Agent, name: str, filters: Filters) -> dict[str, Any]:
        access_reports(agent)
        if name not in HEATMAPS:
            raise InvalidInput(f"heat-map must be one of {', '.join(HEATMAPS)}")
        return (await self._report(filters)).heatmap(name)

    async def drill(
        self, agent: Agent, metric: str, key: str, filters: Filters, limit: int = DRILL_LIMIT
    ) -> dict[str, Any]:
        """The conversations behind one number: those whose contribution to the rollup has
        `(metric, key)`, newest first."""
        access_reports(agent)
        if not metric:
            raise InvalidInput("metric is required")
        await self.tracker.flush()
        found = [
            s
            for s in await self.store.summaries(self.account_id, filters, DRILL_SCAN)
            if rollup.decode(s.contributions).get((metric, key), (0.0, 0.0))[0] > 0
        ]
        chosen = found[:limit]
        people = await self.people.people([s.customer_id for s in chosen if s.customer_id])
        rows = []
        for s in chosen:
            person = people.get(s.customer_id or "")
            rows.append(_conversation_row(s, person.name if person else None,
                                          person.phone if person else None))  # fmt: skip
        return {"metric": metric, "key": key, "total": len(found), "conversations": rows}

    # -- promotions -------------------------------------------------------------------------

    async def proposals(
        self, agent: Agent, filters: Filters, language: str = "zh"
    ) -> list[dict[str, Any]]:
        access_reports(agent)
        report = await self._report(filters)
        reached = {k: report.sums[("kb_reached", k)] for k in report.keyed("kb_reached")}
        found = propose(
            reached,
            report.keyed("kb_asked"),
            report.keyed("abandon_node"),
            self.editor.path_of,
            self.editor.suggested(),
        )
        return [
            p.to_dict() | {"question": self.knowledge.question(p.knowledge_id, language)}
            for p in found
        ]

    async def apply_proposal(self, agent: Agent, knowledge_id: str, action: str) -> dict[str, Any]:
        access_reports(agent)
        if action not in (FIRST_LEVEL, SUGGESTIONS):
            raise InvalidInput(f"action must be {FIRST_LEVEL} or {SUGGESTIONS}")
        if self.editor.path_of(knowledge_id) is None:
            raise NotFound(f"no knowledge entry {knowledge_id!r}")
        return await self.editor.promote(knowledge_id, action, agent.email)

    # -- experiments ------------------------------------------------------------------------

    async def _experiment(self, experiment_id: str) -> ex.Experiment:
        docs = await self.store.experiments(self.account_id)
        if experiment_id not in docs:
            raise NotFound(f"no experiment {experiment_id!r}")
        return ex.check_experiment(docs[experiment_id])

    async def ensure_experiment(self, experiment: ex.Experiment) -> None:
        """Registers an experiment defined in code (the demo's) unless already stored."""
        docs = await self.store.experiments(self.account_id)
        if experiment.id not in docs:
            await self.store.save_experiment(self.account_id, experiment.id, experiment.to_doc())

    async def save_experiment(self, agent: Agent, doc: dict[str, Any]) -> dict[str, Any]:
        access_reports(agent)
        experiment = ex.check_experiment(doc)
        await self.store.save_experiment(self.account_id, experiment.id, experiment.to_doc())
        return experiment.to_doc()

    async def assign(self, experiment_id: str, unit_id: str) -> str:
        """The unit's variant (sticky), for features that run an experiment."""
        return ex.assign(await self._experiment(experiment_id), unit_id)

    async def start_trial(self, experiment_id: str, name: str, share: float) -> None:
        """Starts the experiment of a knowledge entry on trial (the caller, the review queue,
        has checked the reviewer): `share` of customers get the entry, the rest are the
        control; the primary metric is bot resolution, with transfers and CSAT as guards."""
        experiment = ex.trial_experiment(experiment_id, name, share)
        await self.store.save_experiment(self.account_id, experiment.id, experiment.to_doc())

    async def end_experiment(self, experiment_id: str) -> None:
        """Marks the experiment ended; its exposures and results stay readable."""
        doc = (await self._experiment(experiment_id)).to_doc() | {"status": "ended"}
        await self.store.save_experiment(self.account_id, experiment_id, doc)

    async def trial_results(self, experiment_id: str) -> dict[str, Any]:
        """An experiment's results for a feature that already checked its caller."""
        return await self._results(await self._experiment(experiment_id))

    async def experiment_results(self, agent: Agent, experiment_id: str) -> dict[str, Any]:
        access_reports(agent)
        return await self._results(await self._experiment(experiment_id))

    async def _results(self, experiment: ex.Experiment) -> dict[str, Any]:
        await self.tracker.flush()
        exposures = await self.store.exposures(self.account_id, experiment.id)
        ids = [e.conversation_id for e in exposures if e.conversation_id]
        summaries = await self.store.load_summaries(self.account_id, ids)
        units = [
            (e.variant, summaries[e.conversation_id])
            for e in exposures
            if e.conversation_id in summaries
        ]
        return ex.results(experiment, units)

    async def experiments(self, agent: Agent) -> list[dict[str, Any]]:
        access_reports(agent)
        docs = await self.store.experiments(self.account_id)
        return [await self.experiment_results(agent, i) for i in sorted(docs)]


def _filters_out(filters: Filters) -> dict[str, Any]:
    return {
        "from": filters.day_from,
        "to": filters.day_to,
        "entry_point": filters.entry_point,
        "channel": filters.channel,
    }


def _iso(ts: float | None) -> str | None:
    from datetime import UTC

    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat()


def _conversation_row(s: Summary, name: str | None, phone: str | None) -> dict[str, Any]:
    resolved = resolution_at(s)
    return {
        "conversation_id": s.conversation_id,
        "started_at": _iso(s.started_at),
        "entry_point": s.entry_point,
        "channel": s.channel,
        "customer_name": mask_name(name),
        "phone": mask_phone(phone),
        "outcome": s.outcome,
        "topic": s.topic,
        "menu_path": " > ".join(s.menu_path),
        "abandoned_at": abandonment_node(s),
        "time_to_resolution_s": None if resolved is None else round(resolved - s.started_at, 1),
    }


CONVERSATION_COLUMNS = (
    "conversation_id", "started_at", "entry_point", "channel", "customer_name", "phone",
    "outcome", "topic", "menu_path", "abandoned_at", "time_to_resolution_s",
)  # fmt: skip
