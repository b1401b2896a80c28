"""Survey notifiers that need no adapter: a message in the customer's conversation, and
several notifiers in turn. The outbound webhook lives in `kefu.adapters.quality_webhook`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kefu.quality.model import NpsJob
from kefu.quality.ports import SurveyNotifier
from kefu.services import conversations as conv
from kefu.services.context import ServiceContext

TEXTS = {
    "zh": "您好！两天前我们为您处理了问题，您愿意向朋友推荐我们吗？花 10 秒告诉我们：{link}",
    "en": "Hello! Two days ago we helped you. Would you recommend us to a friend? "
    "Tell us in 10 seconds: {link}",
}


@dataclass(frozen=True)
class ConversationNotifier:
    """Posts the survey link into the conversation the survey is about (the demo channel).
    Keyed on the job, so a retried send is stored once."""

    ctx: ServiceContext

    async def send(self, job: NpsJob, link: str) -> None:
        text = TEXTS.get(job.language, TEXTS["zh"]).format(link=link)
        await conv.post_bot_message(
            self.ctx,
            job.conversation_id,
            text,
            payload={"kind": "nps_survey", "link": link},
            client_id=f"nps:{job.id}",
        )


@dataclass(frozen=True)
class AllNotifiers:
    """Sends through each notifier; fails (and is retried) if any of them fails."""

    notifiers: Sequence[SurveyNotifier]

    async def send(self, job: NpsJob, link: str) -> None:
        for notifier in self.notifiers:
            await notifier.send(job, link)
