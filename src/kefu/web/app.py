"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kefu import __version__
from kefu.bootstrap import Container, build
from kefu.settings import Settings
from kefu.web import docs_page, errors
from kefu.web.hub import Hub
from kefu.web.limits import BodySizeLimit
from kefu.web.metrics import Metrics, MetricsMiddleware
from kefu.web.routes import admin, admin_users, agent, board, bot, ops, pages, public
from kefu.web.routes import assist as assist_routes
from kefu.web.routes import knowledge as knowledge_routes
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


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    settings = settings or Settings()
    container = container or build(settings)
    hub = Hub()
    metrics = Metrics(hub)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await container.start()
        try:
            yield
        finally:
            await container.stop()

    app = FastAPI(
        title="kefu",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.container = container
    app.state.hub = hub
    app.state.metrics = metrics
    app.state.tokens = TokenService(
        settings.secret_key.get_secret_value(),
        agent_ttl_s=settings.agent_token_ttl_s,
        customer_ttl_s=settings.customer_token_ttl_s,
    )
    container.bus.subscribe(hub.on_event)
    container.bus.subscribe(metrics.on_event)
    if container.cards is not None:
        # The card follows its conversation; once per event, by the instance that made it.
        container.bus.subscribe(container.cards.on_event, local_only=True)
    if container.assist is not None:
        # Every instance keeps its own index of the team's replies up to date.
        container.bus.subscribe(container.assist.on_event)
    if container.ops is not None:
        metrics.watch_board(container.ops.board)

    errors.install(app)
    docs_page.install(app)
    app.include_router(public.router)
    app.include_router(agent.router)
    app.include_router(assist_routes.router)
    app.include_router(admin.router)
    app.include_router(knowledge_routes.admin)
    app.include_router(knowledge_routes.public)
    app.include_router(bot.router)
    app.include_router(admin_users.router)
    app.include_router(streams_router)
    app.include_router(ops.router)
    app.include_router(board.router)
    app.include_router(board.pages)
    pages.install(app)
    if settings.enable_echo:
        app.include_router(ops.echo_router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app
