"""One URL fetched as a browser would, within the run's limits: redirects followed by hand (so
each hop's address is vetted and recorded), a size and a time cap, no cookies kept, robots.txt
asked once per site, and a conditional request when an earlier check left an ETag or a date.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import itertools
import ssl
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import Cookie, CookiePolicy
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import certifi
import httpx

from ita_model.links.safety import (
    Policy,
    Refused,
    resolve,
    robots_rules,
    robots_url,
    split_url,
    vet,
)

REDIRECTS = (301, 302, 303, 307, 308)
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class Earlier:
    """What an earlier check of the URL left for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Fetched:
    """What came back for one URL (or why nothing did)."""

    url: str
    final_url: str
    fetched_at: datetime
    status: int | None = None
    redirects: list[dict[str, str | int]] = field(default_factory=list)
    content_type: str = ""
    body: bytes = b""
    size: int = 0
    truncated: bool = False
    elapsed_ms: int = 0
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    unreachable: tuple[str, str] | None = None  # why it could not be opened: Thai, English
    refused: str | None = None  # the internal address it resolved to
    robots_blocked: bool = False

    @functools.cached_property
    def sha256(self) -> str | None:
        if self.status is None or self.not_modified:
            return None
        return hashlib.sha256(self.body).hexdigest()


class _NoCookies(CookiePolicy):
    """Accept no cookie, return none: a check never carries one page's session to the next."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = False

    def set_ok(self, cookie: Cookie, request: object) -> bool:
        return False

    def return_ok(self, cookie: Cookie, request: object) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: object) -> bool:
        return False

    def path_return_ok(self, path: str, request: object) -> bool:
        return False


@functools.cache
def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """The public certificate authorities (certifi, as httpx's default), plus ``ca_file``;
    loaded once per process: loading them costs 0.1 s, and a run has several clients."""
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


SHARD = 4  # connections per client: httpcore's pool scans every pair of (waiting request,
# connection) at each request, so 16 connections in one pool cost 16× what 4 pools of 4 do


def client(policy: Policy, connections: int | None = None) -> httpx.AsyncClient:
    size = connections or policy.concurrency
    limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
    http = httpx.AsyncClient(
        verify=tls_context(policy.ca_file),
        follow_redirects=False,  # by hand: each hop is vetted and recorded
        timeout=httpx.Timeout(policy.timeout_s),
        limits=limits,
        headers={
            "User-Agent": policy.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
            "Accept-Language": "th-TH,th;q=0.9,en;q=0.8",
        },
    )
    # httpx copies a jar given to it, policy lost: the client's own jar gets the policy
    http.cookies.jar.set_policy(_NoCookies())
    return http


def clients(policy: Policy) -> list[httpx.AsyncClient]:
    """The run's clients: ``concurrency`` connections in pools of ``SHARD``."""
    return [client(policy, SHARD) for _ in range(max(1, -(-policy.concurrency // SHARD)))]


class Fetcher:
    """Fetches many URLs: at most ``concurrency`` at once, ``per_host`` per site, each request
    on the next of the run's clients (a site's keep-alive connections are reused in each)."""

    def __init__(
        self, http: httpx.AsyncClient | Sequence[httpx.AsyncClient], policy: Policy
    ) -> None:
        self.pool = [http] if isinstance(http, httpx.AsyncClient) else list(http)
        self._turn = itertools.cycle(self.pool)
        self.policy = policy
        self._all = asyncio.Semaphore(policy.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(policy.per_host)
        )
        self._robots: dict[str, asyncio.Task[RobotFileParser | None]] = {}
        self._names: dict[tuple[str, int], asyncio.Task[list[str]]] = {}

    def _resolve(self, host: str, port: int) -> asyncio.Task[list[str]]:
        """One lookup per name and port in a run (645 links on one site: one DNS query)."""
        key = (host, port)
        if key not in self._names:
            self._names[key] = asyncio.ensure_future(resolve(host, port))
        return self._names[key]

    async def _vet(self, url: str) -> None:
        await vet(url, self.policy, self._resolve)

    async def fetch(self, url: str, earlier: Earlier | None = None) -> Fetched:
        started = time.monotonic()
        got = Fetched(url=url, final_url=url, fetched_at=datetime.now(UTC))
        try:
            await self._follow(got, earlier)
        except Refused as exc:
            if exc.address:
                got.refused = exc.address
            else:
                got.unreachable = (exc.reason, exc.reason_en)
        except (TimeoutError, httpx.TimeoutException):
            wait = f"{self.policy.timeout_s:g}"
            got.unreachable = (f"รอเกิน {wait} วินาที", f"no answer within {wait} s")
        except httpx.TooManyRedirects:
            got.unreachable = ("เปลี่ยนเส้นทางวนซ้ำ", "too many redirects")
        except httpx.HTTPError as exc:
            got.unreachable = _why(exc)
        except (OSError, ssl.SSLError) as exc:  # a name that does not resolve, a bad certificate
            got.unreachable = _why(exc)
        except (httpx.InvalidURL, ValueError) as exc:  # UnicodeError (a bad IDNA name) is one
            got.unreachable = ("URL ไม่ถูกต้อง", f"not a valid URL: {exc}")
        got.elapsed_ms = round(1000 * (time.monotonic() - started))
        if got.unreachable or got.refused:
            got.status = None
        return got

    async def _follow(self, got: Fetched, earlier: Earlier | None) -> None:
        current = got.url
        budget = self.policy.timeout_s  # per hop, counted from when a slot is free
        for _hop in range(self.policy.max_redirects + 1):
            async with asyncio.timeout(budget):
                await self._vet(current)
            got.final_url = current
            if not await self._robots_allow(current):
                got.robots_blocked = True
                return
            headers = {}
            if earlier is not None and earlier.etag:
                headers["If-None-Match"] = earlier.etag
            if earlier is not None and earlier.last_modified:
                headers["If-Modified-Since"] = earlier.last_modified
            _, host = split_url(current)
            async with self._hosts[host], self._all, asyncio.timeout(budget):
                http = next(self._turn)
                request = http.build_request("GET", current, headers=headers)
                response = await http.send(request, stream=True)
                try:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECTS and location:
                        current = urljoin(current, location.strip())
                        got.redirects.append({"status": response.status_code, "to": current})
                        continue
                    got.status = response.status_code
                    got.content_type = response.headers.get("content-type", "")
                    got.etag = response.headers.get("etag")
                    got.last_modified = response.headers.get("last-modified")
                    got.not_modified = response.status_code == 304
                    got.body, got.truncated = await _read(response, self.policy.max_bytes)
                    got.size = len(got.body)
                finally:
                    await response.aclose()
            return
        raise httpx.TooManyRedirects("too many redirects")

    async def _robots_allow(self, url: str) -> bool:
        _, host = split_url(url)
        if self.policy.ignores_robots(host):
            return True
        where = robots_url(url)
        if where not in self._robots:
            self._robots[where] = asyncio.ensure_future(self._robots_txt(where))
        rules = await self._robots[where]
        return rules is None or rules.can_fetch(self.policy.robots_agent, url)

    async def _robots_txt(self, where: str) -> RobotFileParser | None:
        """The site's robots.txt, read once per run; none, an error or an unsafe address all
        mean "no rules"."""
        try:
            await self._vet(where)
            _, host = split_url(where)
            async with self._hosts[host], self._all, asyncio.timeout(self.policy.timeout_s):
                response = await next(self._turn).get(where)
            if response.status_code != 200:
                return None
            return robots_rules(response.content[:ROBOTS_MAX_BYTES].decode("utf-8", "replace"))
        except (Refused, httpx.HTTPError, OSError, TimeoutError):
            return None


async def _read(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """The decoded body up to ``cap`` bytes (a gzip bomb stops at the cap too)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            return b"".join(chunks)[:cap], True
    return b"".join(chunks), False


def _why(exc: BaseException) -> tuple[str, str]:
    """A short reason an assessor's browser would also have failed: Thai, English."""
    text = str(exc) or type(exc).__name__
    low = text.lower()
    if "name or service not known" in low or "nodename" in low or "getaddrinfo" in low:
        return "ไม่พบชื่อเว็บไซต์นี้ใน DNS", f"the name does not resolve: {text}"
    if "certificate" in low or "ssl" in low or "tls" in low:
        return "ใบรับรองความปลอดภัย (TLS) ใช้ไม่ได้", f"TLS failed: {text}"
    if "refused" in low:
        return "เครื่องปลายทางปฏิเสธการเชื่อมต่อ", f"connection refused: {text}"
    return f"เชื่อมต่อไม่สำเร็จ ({type(exc).__name__})", f"{type(exc).__name__}: {text}"


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
