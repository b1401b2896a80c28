"""Security headers on every HTTP response, as plain ASGI (no per-request task overhead).

Pages run no inline script, so the policy allows scripts from our own origin only. Only the
customer chat (`/chat`, shown in the widget's iframe on the customer's site) may be framed,
by the origins in `KEFU_CHAT_FRAME_ANCESTORS`; everything else refuses to be framed.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BASE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
EMBEDDABLE = ("/chat",)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, chat_frame_ancestors: str = "*") -> None:
        self.app = app
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]
        self._framed = [
            *common,
            (
                b"content-security-policy",
                f"{BASE_POLICY}; frame-ancestors {chat_frame_ancestors}".encode(),
            ),
        ]
        self._unframed = [
            *common,
            (b"content-security-policy", f"{BASE_POLICY}; frame-ancestors 'none'".encode()),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = self._framed if path in EMBEDDABLE else self._unframed

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def origin_allowed(origin: str | None, host: str | None, allowed: list[str]) -> bool:
    """A browser's WebSocket from another site is refused unless its origin is listed; clients
    that send no Origin (not browsers) are let through, their token decides."""
    if origin is None:
        return True
    if origin in allowed:
        return True
    if host is None:
        return False
    scheme, _, rest = origin.partition("://")
    return scheme in ("http", "https") and rest == host
