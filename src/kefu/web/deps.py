"""Request dependencies: the container, and who is calling."""

from __future__ import annotations

import time
import weakref
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from kefu.bootstrap import Container
from kefu.domain.agent import Agent
from kefu.domain.errors import AuthenticationFailed, PermissionDenied
from kefu.services import agents as agent_service
from kefu.services.context import ServiceContext
from kefu.web.tokens import CustomerClaims, TokenService

# Dependencies are `async def` on purpose: FastAPI runs plain `def` ones in a thread pool,
# a thread hop per request that costs more than the work they do.


def _container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


async def get_container(request: Request) -> Container:
    return _container(request)


async def get_ctx(request: Request) -> ServiceContext:
    return _container(request).ctx


async def get_tokens(request: Request) -> TokenService:
    tokens: TokenService = request.app.state.tokens
    return tokens


ContainerDep = Annotated[Container, Depends(get_container)]
CtxDep = Annotated[ServiceContext, Depends(get_ctx)]
TokensDep = Annotated[TokenService, Depends(get_tokens)]


def bearer(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed("use 'Authorization: Bearer <token>'")
    return token.strip()


AuthorizationHeader = Annotated[
    str | None, Header(description="Bearer token", include_in_schema=False)
]
TokenQuery = Annotated[
    str | None, Query(description="The token, for clients that cannot set headers")
]


async def customer_claims(
    conversation_id: str,
    tokens: TokensDep,
    authorization: AuthorizationHeader = None,
    token: TokenQuery = None,
) -> CustomerClaims:
    raw = bearer(authorization) or token
    if raw is None:
        raise AuthenticationFailed("this needs the customer_token of the conversation")
    return check_customer(tokens, raw, conversation_id)


#: A customer sends every message with the same token: checking its signature once a minute
#: instead of on every request takes a few percent of the message path's CPU off it (a
#: token that expires meanwhile is refused at most a minute late).
_CHECKED_FOR_S = 60.0
_CHECKED_MAX = 20_000
_checked: weakref.WeakKeyDictionary[TokenService, dict[str, tuple[float, CustomerClaims]]] = (
    weakref.WeakKeyDictionary()
)


def check_customer(tokens: TokenService, raw: str, conversation_id: str) -> CustomerClaims:
    checked, now = _checked.setdefault(tokens, {}), time.monotonic()
    cached = checked.get(raw)
    if cached is not None and now - cached[0] < _CHECKED_FOR_S:
        claims = cached[1]
    else:
        claims = tokens.read_customer(raw)  # raises for a bad or expired token
        if len(checked) >= _CHECKED_MAX:
            checked.clear()
        checked[raw] = (now, claims)
    if claims.conversation_id != conversation_id:
        raise PermissionDenied("this token belongs to another conversation")
    return claims


CustomerDep = Annotated[CustomerClaims, Depends(customer_claims)]


async def current_agent(
    ctx: CtxDep, tokens: TokensDep, authorization: AuthorizationHeader = None
) -> Agent:
    raw = bearer(authorization)
    if raw is None:
        raise AuthenticationFailed("log in first and send 'Authorization: Bearer <token>'")
    return await agent_from_token(ctx, tokens, raw)


async def agent_from_token(ctx: ServiceContext, tokens: TokenService, raw: str) -> Agent:
    claims = tokens.read_agent(raw)
    try:
        agent = await agent_service.get_agent(ctx, claims.agent_id)
    except Exception as exc:
        raise AuthenticationFailed("the account behind this token no longer exists") from exc
    if agent.token_version != claims.version:
        raise AuthenticationFailed("this token was revoked (password changed); log in again")
    return agent


AgentDep = Annotated[Agent, Depends(current_agent)]


async def require_supervisor(agent: AgentDep) -> Agent:
    if not agent.sees_everything:
        raise PermissionDenied("this needs a supervisor or admin")
    return agent


SupervisorDep = Annotated[Agent, Depends(require_supervisor)]
