"""What the checker may open: http(s) only, never an internal address unless an administrator
allowed the host, and what robots.txt says.

The addresses are checked after resolving the name (a public name can point at 127.0.0.1),
and again at every redirect, because a public page can redirect to an internal one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Policy:
    """The limits of one run; ``allow_hosts`` and ``robots_ignore_hosts`` come from Settings
    (or ``--allow-host``) and are lower-case host names or IP addresses."""

    allow_hosts: frozenset[str] = frozenset()
    robots_ignore_hosts: frozenset[str] = frozenset()
    timeout_s: float = 15.0
    max_bytes: int = 25 * 1024 * 1024
    concurrency: int = 32
    per_host: int = 16
    max_redirects: int = 10
    user_agent: str = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0 Safari/537.36 ITA-link-check"
    )
    robots_agent: str = "ITA-link-check"
    ca_file: str | None = None  # extra certificate authorities (PEM) beside the public ones

    def allows(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.allow_hosts

    def ignores_robots(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.robots_ignore_hosts


def hosts(text: str | None) -> frozenset[str]:
    """``"a.go.th, 127.0.0.1"`` (a setting) → the set of host names, lower case."""
    parts = (text or "").replace(";", ",").replace(" ", ",").split(",")
    return frozenset(p.strip().lower().rstrip(".") for p in parts if p.strip())


class Refused(Exception):
    """The checker will not open this URL; ``address`` is what it resolved to, if anything."""

    def __init__(self, reason: str, reason_en: str = "", address: str = "") -> None:
        self.reason = reason
        self.reason_en = reason_en or reason
        self.address = address
        super().__init__(self.reason_en)


def split_url(url: str) -> tuple[str, str]:
    """(scheme, host) of a URL the checker may try; ``Refused`` for anything else."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        _ = parts.port  # a port that is not a number raises here
    except ValueError as exc:
        raise Refused("URL ไม่ถูกต้อง", f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise Refused(
            f"ตรวจได้เฉพาะลิงก์ http(s) ({scheme or '-'}:)", f"only http(s) links ({scheme or '-'}:)"
        )
    if not host:
        raise Refused("URL ไม่มีชื่อเว็บไซต์", "the URL has no host")
    return scheme, host.lower().rstrip(".")


def is_internal(address: str) -> bool:
    """Private, loopback, link-local, multicast, reserved or unspecified: not the public web."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


async def resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to (an IP literal resolves to itself)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


async def vet(
    url: str,
    policy: Policy,
    resolver: Callable[[str, int], Awaitable[list[str]]] = resolve,
) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to an internal address that
    the policy does not allow. A name that does not resolve raises ``OSError`` (unreachable)."""
    scheme, host = split_url(url)
    if policy.allows(host):
        return
    port = urlsplit(url).port or (443 if scheme == "https" else 80)
    for address in await resolver(host, port):
        if is_internal(address):
            raise Refused("ที่อยู่ภายใน", "internal address", address)


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def robots_rules(robots_txt: str) -> RobotFileParser:
    """A site's robots.txt, read once; ``can_fetch(agent, url)`` then answers for each URL."""
    parser = RobotFileParser()
    parser.parse(robots_txt.splitlines())
    return parser
