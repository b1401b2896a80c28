"""The default install's language engine, as the server and the tools load it."""

from __future__ import annotations

import functools

from kefu.nlu.build import KNOWLEDGE_DIR, MODELS_DIR
from kefu.nlu.emotion import EmotionClassifier
from kefu.nlu.engine import NluEngine
from kefu.nlu.intent import IntentClassifier
from kefu.nlu.matcher import KnowledgeMatcher


@functools.cache
def _classifiers() -> tuple[IntentClassifier, EmotionClassifier]:
    # Read-only after loading, so one copy serves every app in the process (tests make many).
    engine = NluEngine.load_default()
    return engine.intent, engine.emotion


def load_nlu() -> NluEngine:
    """The language engine with its own knowledge matcher: the knowledge base edits that
    one live, so it is never shared between containers."""
    intent, emotion = _classifiers()
    return NluEngine(
        intent=intent,
        emotion=emotion,
        knowledge=KnowledgeMatcher.load(MODELS_DIR / KNOWLEDGE_DIR),
    )
