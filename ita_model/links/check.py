"""Check links as an assessor would open them: fetch every distinct URL once, concurrently, read
what came back, and judge each (item, division, URL) against the fiscal year and the other
items' links.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections import defaultdict
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field

from ita_model.links.content import Facts, read
from ita_model.links.fetch import Earlier, Fetched, Fetcher, clients
from ita_model.links.problems import LinkProblem, counts, problem
from ita_model.links.safety import Policy

EMPTY_CHARS = 80  # fewer visible characters than this: "almost no text"
HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.php", "/home", "/main", "/th", "/en"}
LOGIN_PATH = ("login", "signin", "sign-in", "sign_in", "logon", "auth", "sso")
DRIVES = {  # host (or its end) -> the service's name
    "drive.google.com": "Google Drive",
    "docs.google.com": "Google Drive",
    "onedrive.live.com": "OneDrive",
    "1drv.ms": "OneDrive",
    "sharepoint.com": "SharePoint",
    "dropbox.com": "Dropbox",
    "box.com": "Box",
}
SIGN_IN_HOSTS = ("accounts.google.com", "login.microsoftonline.com", "login.live.com")
NO_ACCESS = (
    "you need access",
    "request access",
    "you need permission",
    "ask for access",
    "don't have access",
    "do not have access",
    "access denied",
    "ต้องมีสิทธิ์เข้าถึง",
    "ขอสิทธิ์เข้าถึง",
    "คุณต้องได้รับสิทธิ์",
)


@dataclass(frozen=True)
class Target:
    """One link to check: an item's URL as one division gave it."""

    item: str
    division: str | None
    url: str


class LinkResult(BaseModel):
    """One checked link: what came back, what the checker read, and its problems."""

    item: str
    division: str | None
    url: str
    checked_at: datetime
    status: int | None = None
    final_url: str | None = None
    redirects: list[dict[str, Any]] = Field(default_factory=list)
    content_type: str | None = None
    size: int | None = None
    truncated: bool = False
    elapsed_ms: int = 0
    sha256: str | None = None
    title: str | None = None
    excerpt: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    problems: list[LinkProblem] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @property
    def ok(self) -> bool:
        return not counts(self.problems)

    @property
    def worst(self) -> str | None:
        order = ("error", "warning", "notice")
        found = {p.severity.value for p in self.problems}
        return next((s for s in order if s in found), None)

    def to_json(self) -> dict[str, Any]:
        """The ``links check --json`` shape (issue 15), exactly."""
        return {
            "item": self.item,
            "division": self.division,
            "url": self.url,
            "status": self.status,
            "final_url": self.final_url,
            "problems": [
                {"code": p.code, "severity": p.severity.value, "message": p.message}
                for p in self.problems
            ],
        }


T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from plain code, even where a loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def check(
    targets: Sequence[Target],
    year: int,
    policy: Policy | None = None,
    earlier: dict[str, LinkResult] | None = None,
    neighbours: Sequence[LinkResult] = (),
) -> tuple[list[LinkResult], dict[str, tuple[bytes, str]]]:
    """Every target checked; and the bytes fetched, by sha256 (what the evidence keeps).

    ``earlier``: the last check of each URL; its ETag or date makes the request conditional, and
    an unchanged page (304) is judged on what was read from it then. ``neighbours``: the last
    checks of links not checked now, so that "the same page as another item" still sees them.
    """
    [checked] = check_many([Batch(targets, year, earlier or {}, neighbours)], policy or Policy())
    return checked


Request = tuple[str, Earlier | None]  # a URL and the conditional headers it is sent with


@dataclass(frozen=True)
class Batch:
    """One agency's links to check: its targets, its year, the last checks of its own links
    (``earlier``: conditional requests) and of its links not checked now (``neighbours``)."""

    targets: Sequence[Target]
    year: int
    earlier: dict[str, LinkResult]
    neighbours: Sequence[LinkResult] = ()


def requests_of(targets: Iterable[Target], earlier: dict[str, LinkResult]) -> list[Request]:
    """Each distinct URL once, conditional on its last check when that left an ETag or a date."""
    urls = dict.fromkeys(t.url.strip() for t in targets)
    return [(u, _conditional(earlier.get(u))) for u in urls]


async def fetch_all(requests: Iterable[Request], policy: Policy) -> dict[Request, Fetched]:
    """Every request once, through one fetcher: at most ``concurrency`` at once and ``per_host``
    on one site, however many agencies' links they are."""
    wanted = list(dict.fromkeys(requests))
    async with contextlib.AsyncExitStack() as stack:
        pool = [await stack.enter_async_context(c) for c in clients(policy)]
        fetcher = Fetcher(pool, policy)
        fetched = await asyncio.gather(*(fetcher.fetch(u, before) for u, before in wanted))
    return dict(zip(wanted, fetched, strict=True))


async def judged(
    batch: Batch, fetched: dict[Request, Fetched]
) -> tuple[list[LinkResult], dict[str, tuple[bytes, str]]]:
    """One batch's results from what was fetched for it, judged against its own links only
    (another agency's page is never "the same page as another item")."""
    by_url: dict[str, tuple[Fetched, Facts, LinkResult | None]] = {}
    bodies: dict[str, tuple[bytes, str]] = {}
    for request in requests_of(batch.targets, batch.earlier):
        got = fetched[request]
        before = batch.earlier.get(got.url)
        if got.not_modified and before is not None:
            facts = Facts.from_json(before.facts)
        elif got.status is not None:
            facts = await asyncio.to_thread(read, got.content_type, got.body)
            if got.sha256 is not None:
                bodies[got.sha256] = (got.body, got.content_type)
        else:
            facts = Facts()
        by_url[got.url] = (got, facts, before if got.not_modified else None)
    results = [_result(t, *by_url[t.url.strip()]) for t in batch.targets]
    _judge_all(results, by_url, batch.year, batch.neighbours)
    return results, bodies


def check_many(
    batches: Sequence[Batch], policy: Policy
) -> list[tuple[list[LinkResult], dict[str, tuple[bytes, str]]]]:
    """Several agencies' links fetched together (one fetcher, so one site is never opened more
    than ``per_host`` times at once, however many agencies link to it), each batch then judged
    as ``check`` would judge it alone."""
    return run(_check_many(batches, policy))


async def _check_many(
    batches: Sequence[Batch], policy: Policy
) -> list[tuple[list[LinkResult], dict[str, tuple[bytes, str]]]]:
    requests = [r for b in batches for r in requests_of(b.targets, b.earlier)]
    fetched = await fetch_all(requests, policy)
    return [await judged(b, fetched) for b in batches]


def _conditional(before: LinkResult | None) -> Earlier | None:
    if before is None or before.sha256 is None or not (before.etag or before.last_modified):
        return None
    return Earlier(before.etag, before.last_modified)


def _result(target: Target, got: Fetched, facts: Facts, before: LinkResult | None) -> LinkResult:
    if before is not None:  # 304: the page is as it was; keep what was read from it
        return before.model_copy(
            update={
                "item": target.item,
                "division": target.division,
                "checked_at": got.fetched_at,
                "elapsed_ms": got.elapsed_ms,
                "not_modified": True,
                "etag": got.etag or before.etag,
                "last_modified": got.last_modified or before.last_modified,
                "problems": [],
            }
        )
    return LinkResult(
        item=target.item,
        division=target.division,
        url=target.url.strip(),
        checked_at=got.fetched_at,
        status=got.status,
        final_url=got.final_url if got.status is not None else None,
        redirects=got.redirects,
        content_type=got.content_type or None,
        size=got.size if got.status is not None else None,
        truncated=got.truncated,
        elapsed_ms=got.elapsed_ms,
        sha256=got.sha256,
        title=facts.title,
        excerpt=facts.excerpt or None,
        etag=got.etag,
        last_modified=got.last_modified,
        facts=facts.to_json(),
    )


def _judge_all(
    results: list[LinkResult],
    by_url: dict[str, tuple[Fetched, Facts, LinkResult | None]],
    year: int,
    neighbours: Sequence[LinkResult] = (),
) -> None:
    landing: dict[str, set[str]] = defaultdict(set)  # final page -> the items that land on it
    for r in [*results, *neighbours]:
        if r.final_url and r.status is not None and r.status < 400:
            landing[same_page(r.final_url)].add(r.item)
    for r in results:
        got, facts, _ = by_url[r.url]
        others = sorted(landing.get(same_page(r.final_url or ""), set()) - {r.item})
        r.problems = judge(r, got, facts, year, others)


def judge(
    r: LinkResult, got: Fetched, facts: Facts, year: int, others: Iterable[str] = ()
) -> list[LinkProblem]:
    """The problems of one link, as an assessor would weigh them; one cause, one code."""
    out: list[LinkProblem] = []
    if got.refused:
        return [problem("link_private_address", address=got.refused)]
    if got.robots_blocked:
        return [problem("link_robots", host=urlsplit(got.final_url).hostname or "")]
    if got.unreachable or r.status is None:
        th, en = got.unreachable or ("-", "-")
        return [problem("link_unreachable", detail=th, detail_en=en)]
    final = r.final_url or r.url
    if urlsplit(final).scheme == "http":
        out.append(problem("link_not_https"))
    service = _drive(r, got, facts)
    if service:
        return [*out, problem("link_shared_drive", service=service)]
    if r.status in (401, 403):
        code = f"HTTP {r.status}"
        return [*out, problem("link_login_required", detail=code, detail_en=code)]
    if r.status >= 400:
        return [*out, problem("link_http_error", status=r.status)]
    if facts.kind == "html" and facts.password_field:
        return [
            *out,
            problem("link_login_required", detail="มีช่องกรอกรหัสผ่าน", detail_en="a password form"),
        ]
    if r.redirects and any(w in urlsplit(final).path.lower() for w in LOGIN_PATH):
        return [
            *out,
            problem(
                "link_login_required",
                detail=f"ถูกส่งไปที่ {urlsplit(final).path}",
                detail_en=f"sent to {urlsplit(final).path}",
            ),
        ]
    if is_home(final):
        out.append(
            problem(
                "link_to_home_page",
                where="หน้าแรกของเว็บไซต์",
                where_en="the site's home page",
            )
        )
    elif others := list(others):
        joined = ", ".join(others)
        out.append(
            problem(
                "link_to_home_page",
                where=f"หน้าเดียวกับข้อ {joined}",
                where_en=f"the same page as item {joined}",
            )
        )
    if facts.kind == "html" or (facts.kind == "pdf" and not facts.unreadable):
        chars = facts.chars
        scanned = facts.kind == "pdf" and facts.images and chars < EMPTY_CHARS
        if (facts.kind == "pdf" and facts.pages == 0) or (chars < EMPTY_CHARS and not scanned):
            out.append(problem("link_empty", chars=chars))
        elif not scanned:
            seen = facts.seen
            if not seen.shows(year):
                found = ", ".join(map(str, seen.found(year)[:5])) or "—"
                out.append(problem("link_wrong_year", year=year, found=found))
    return out


def _drive(r: LinkResult, got: Fetched, facts: Facts) -> str | None:
    """The drive service when the response says the file needs permission, else None."""
    chain = [r.url, *(str(h["to"]) for h in r.redirects)]
    service = next((s for u in chain if (s := _service(u))), None)
    page_service = next(
        (
            name
            for name in ("Google Drive", "Google Docs", "OneDrive", "SharePoint", "Dropbox")
            if name.lower() in f"{facts.site_name or ''} {facts.title or ''}".lower()
        ),
        None,
    )
    service = service or page_service
    if service is None:
        return None
    final_host = (urlsplit(r.final_url or "").hostname or "").lower()
    if final_host in SIGN_IN_HOSTS or (r.status in (401, 403)):
        return service
    words = f"{facts.title or ''} {facts.text[:5000]}".lower()
    if any(w in words for w in NO_ACCESS) or facts.password_field:
        return service
    return None


def _service(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    for end, name in DRIVES.items():
        if host == end or host.endswith("." + end):
            return name
    return None


def is_home(url: str) -> bool:
    """The site's root (or its index page), with no query: where a removed page sends people."""
    parts = urlsplit(url)
    return not parts.query and parts.path.rstrip("/").lower() in {p.rstrip("/") for p in HOME_PATHS}


def same_page(url: str) -> str:
    """A URL as a page: no fragment, no trailing slash, host in lower case."""
    parts = urlsplit(url)
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, "")
    )
