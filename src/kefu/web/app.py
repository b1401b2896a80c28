"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kefu import __version__
from kefu.bootstrap import Container, bootstrap
from kefu.services import outbound
from kefu.settings import Settings
from kefu.web import docs_page, errors, openapi
from kefu.web.abuse import Limiter, MemoryCounter, RedisCounter
from kefu.web.identity import IdentityCheck
from kefu.web.limits import BodySizeLimit
from kefu.web.limits_config import Limits
from kefu.web.metrics import MetricsMiddleware
from kefu.web.routes import admin, admin_users, agent, board, bot, ops, pages, public
from kefu.web.routes import assist as assist_routes
from kefu.web.routes import insight as insight_routes
from kefu.web.routes import knowledge as knowledge_routes
from kefu.web.routes import learning as learning_routes
from kefu.web.routes import learning_models as learning_model_routes
from kefu.web.routes import planning as planning_routes
from kefu.web.routes import privacy as privacy_routes
from kefu.web.routes import quality as quality_routes
from kefu.web.security_headers import SecurityHeaders
from kefu.web.streams import router as streams_router
from kefu.web.tokens import TokenService

DESCRIPTION = """
kefu 客服 — customer service where a bot and human agents work as one team.

* **public**: the channel API used by the chat widget and integrations, on behalf of a customer
  (`customer_token` from `POST /api/v1/public/conversations`).
* **agent**: the service team's API (`POST /api/v1/agent/login` gives a bearer token).
* WebSockets: `/api/v1/public/conversations/{id}/stream?token=…&after=<seq>` and
  `/api/v1/agent/stream?token=…`.

Errors are JSON: `{"error": {"code": "...", "message": "..."}}`.
"""


#: Responses the route functions cannot describe themselves (they return a raw Response).
DOCUMENTED_CONTENT = {
    "GET /api/v1/admin/knowledge/export": {
        "200": {
            "description": "The knowledge base as YAML (default) or CSV (`format=csv`)",
            "content": {
                "application/yaml": {},
                "text/csv": {},
            },
        }
    }
}


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    settings = settings or Settings()
    container = container or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await container.start()
        await container.privacy.job.start()
        try:
            yield
        finally:
            await container.privacy.job.stop()
            await container.stop()
            if isinstance(counter, RedisCounter):
                await counter.close()

    app = FastAPI(
        title="kefu",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.container = container
    app.state.hub = container.hub
    app.state.metrics = container.metrics
    app.state.tokens = TokenService(
        settings.secret_key.get_secret_value(),
        agent_ttl_s=settings.agent_token_ttl_s,
        customer_ttl_s=settings.customer_token_ttl_s,
    )
    app.state.privacy = container.privacy.privacy
    outbound.allow_hosts(settings.webhook_allowed_hosts)
    secret = settings.widget_identity_secret
    app.state.identity = IdentityCheck(
        secret.get_secret_value() if secret else None,
        trust_unsigned=settings.env != "production",
    )
    counter = RedisCounter(settings.redis_url) if settings.redis_url else MemoryCounter()
    app.state.limiter = Limiter(counter, enabled=settings.rate_limits)
    app.state.limits = Limits.of(settings)

    errors.install(app)
    openapi.install(app, extra=DOCUMENTED_CONTENT)
    docs_page.install(app)
    app.include_router(public.router)
    app.include_router(agent.router)
    app.include_router(assist_routes.router)
    app.include_router(admin.router)
    app.include_router(knowledge_routes.admin)
    app.include_router(knowledge_routes.public)
    app.include_router(bot.router)
    app.include_router(quality_routes.router)
    app.include_router(admin_users.router)
    app.include_router(privacy_routes.router)
    app.include_router(learning_routes.router)
    app.include_router(learning_model_routes.router)
    app.include_router(streams_router)
    app.include_router(ops.router)
    app.include_router(board.router)
    app.include_router(board.pages)
    planning_routes.install(app)
    insight_routes.install(app)
    pages.install(app)
    if settings.enable_echo:
        app.include_router(ops.echo_router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=container.metrics)
    app.add_middleware(SecurityHeaders, chat_frame_ancestors=settings.chat_frame_ancestors)
    app.state.allowed_origins = list(settings.allowed_origins)
    return app
