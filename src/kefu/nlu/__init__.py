"""kefu's language understanding: normalise, segment, entities, intent, emotion, FAQ match.

Self-contained (scikit-learn, jieba, numpy/scipy), CPU only, no network. The facade is
`kefu.nlu.engine.NluEngine`; the values it returns live in `kefu.nlu.types`.
See docs/nlu.md.
"""

from kefu.nlu.types import (
    EMOTION_CATEGORIES,
    OOS_LABEL,
    Analysis,
    EmotionReading,
    Entity,
    IntentPrediction,
    KnowledgeMatch,
)

__all__ = [
    "EMOTION_CATEGORIES",
    "OOS_LABEL",
    "Analysis",
    "EmotionReading",
    "Entity",
    "IntentPrediction",
    "KnowledgeMatch",
]
