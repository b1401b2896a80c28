"""Signed, expiring bearer tokens for customers (one conversation) and agents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from kefu.domain.errors import AuthenticationFailed

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class CustomerClaims:
    customer_id: str
    conversation_id: str


@dataclass(frozen=True, slots=True)
class AgentClaims:
    agent_id: str
    version: int


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


class TokenService:
    def __init__(self, secret: str, *, agent_ttl_s: int, customer_ttl_s: int) -> None:
        self._secret = secret
        self._agent_ttl = timedelta(seconds=agent_ttl_s)
        self._customer_ttl = timedelta(seconds=customer_ttl_s)

    def for_customer(self, customer_id: str, conversation_id: str, now: datetime) -> IssuedToken:
        expires = now + self._customer_ttl
        claims = {"typ": "customer", "sub": customer_id, "cid": conversation_id, "exp": expires}
        return IssuedToken(jwt.encode(claims, self._secret, algorithm=ALGORITHM), expires)

    def for_agent(self, agent_id: str, now: datetime, version: int = 0) -> IssuedToken:
        expires = now + self._agent_ttl
        claims = {"typ": "agent", "sub": agent_id, "ver": version, "exp": expires}
        return IssuedToken(jwt.encode(claims, self._secret, algorithm=ALGORITHM), expires)

    def read_customer(self, token: str) -> CustomerClaims:
        claims = self._decode(token, "customer")
        return CustomerClaims(customer_id=str(claims["sub"]), conversation_id=str(claims["cid"]))

    def read_agent(self, token: str) -> AgentClaims:
        claims = self._decode(token, "agent")
        version = claims.get("ver", 0)
        return AgentClaims(str(claims["sub"]), version if isinstance(version, int) else -1)

    def _decode(self, token: str, kind: str) -> dict[str, object]:
        try:
            claims: dict[str, object] = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthenticationFailed("the token has expired") from exc
        except jwt.PyJWTError as exc:
            raise AuthenticationFailed("the token is not valid") from exc
        if claims.get("typ") != kind:
            article = "an" if kind[0] in "aeiou" else "a"
            raise AuthenticationFailed(f"this is not {article} {kind} token")
        return claims
