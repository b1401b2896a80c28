"""Where kefu may send requests on someone's say-so (alert webhooks): http(s) on public
addresses only, unless an admin allow-listed the host (`KEFU_WEBHOOK_ALLOWED_HOSTS`).

The check runs twice: on the URL when it is saved (scheme, literal addresses, `localhost`)
and on the resolved addresses right before each POST, so a name that later resolves to an
internal address is refused as well.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from kefu.domain.errors import InvalidInput

_allowed_hosts: set[str] = set()


def allow_hosts(hosts: list[str]) -> None:
    """Set once at start-up from the settings."""
    _allowed_hosts.clear()
    _allowed_hosts.update(h.strip().lower() for h in hosts if h.strip())


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _host(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"not an http(s) URL: {url!r}")
    return parts.hostname.lower()


def check_url(url: str) -> str:
    """Refuses URLs that are not http(s) or name a private address outright; returns the host."""
    host = _host(url)
    if host in _allowed_hosts:
        return host
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise InvalidInput(f"{url!r} points inside the network; an admin must allow-list it")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return host
    if not _is_public(str(literal)):
        raise InvalidInput(f"{url!r} points to a private address; an admin must allow-list it")
    return host


async def check_resolved(url: str) -> None:
    """Right before sending: every address the host resolves to must be public."""
    host = check_url(url)
    if host in _allowed_hosts:
        return
    port = urlsplit(url).port or (443 if url.startswith("https") else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise InvalidInput(f"cannot resolve {host}: {exc}") from exc
    for info in infos:
        if not _is_public(str(info[4][0])):
            raise InvalidInput(f"{host} resolves to a private address; refused")
