"""Alert webhooks go to public addresses only, unless an admin allow-listed the host."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from kefu.domain.errors import InvalidInput
from kefu.ops.webhooks import WebhookSender
from kefu.services import outbound


@pytest.fixture(autouse=True)
def _no_allow_list() -> Iterator[None]:
    outbound.allow_hosts([])
    yield
    outbound.allow_hosts([])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/admin",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://localhost:6379/",
        "file:///etc/passwd",
        "gopher://example.com/",
    ],
)
def test_a_supervisor_cannot_point_a_webhook_inside_the_network(url: str) -> None:
    with pytest.raises(InvalidInput):
        outbound.check_url(url)


def test_an_allow_listed_host_may_be_internal() -> None:
    outbound.allow_hosts(["10.0.0.5"])
    assert outbound.check_url("http://10.0.0.5/hook") == "10.0.0.5"


async def test_the_sender_refuses_a_name_that_resolves_inside() -> None:
    posted: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append(str(request.url))
        return httpx.Response(200)

    sender = WebhookSender(["http://localhost./hook"], transport=httpx.MockTransport(handler))
    await sender.start()
    sender.notify({"event": "alert.raised"})
    await sender.drain()
    await sender.stop()
    assert posted == [] and sender.failed == 1
