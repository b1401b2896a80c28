"""Re-exports of this package's events, which live in the one catalogue `kefu.domain.events`
(kept so that imports written before the move still work)."""

from kefu.domain.events import AssistUsed, HandoverCardUpdated

__all__ = ["AssistUsed", "HandoverCardUpdated"]
