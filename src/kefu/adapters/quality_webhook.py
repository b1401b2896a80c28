"""Survey delivery by outbound webhook: POSTs the survey to the customer's own channel
(an SMS, e-mail or app-push gateway), which sends it on."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from kefu.quality.model import NpsJob


@dataclass
class WebhookNotifier:
    """`POST url` with `{"type": "nps_survey", "survey_id", "account_id", "customer_id",
    "conversation_id", "language", "link"}`; any status other than 2xx is a failure and
    the job is retried on the next tick."""

    url: str
    timeout_s: float = 3.0
    transport: httpx.AsyncBaseTransport | None = None

    async def send(self, job: NpsJob, link: str) -> None:
        body = {
            "type": "nps_survey",
            "survey_id": job.id,
            "account_id": job.account_id,
            "customer_id": job.customer_id,
            "conversation_id": job.conversation_id,
            "language": job.language,
            "link": link,
        }
        async with httpx.AsyncClient(timeout=self.timeout_s, transport=self.transport) as client:
            response = await client.post(self.url, json=body)
            response.raise_for_status()
