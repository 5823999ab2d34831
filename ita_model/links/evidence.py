"""What each page said when it was checked, kept in the store: the bytes by sha256 (the same
bytes once, however often they are seen) and one row per check with its fetch time, so the
legal unit can show the page as it was on a date and see when it changed.

Tables of their own beside the store's, through the store's engine and its write transaction,
so they work on SQLite and PostgreSQL alike. Each run and check belongs to one agency (the
store's bound agency, ``agency``): an ``Evidence`` reads only that agency's checks and kept copies,
and keeps a run only for someone who may write that agency (an editor or admin of it, as the
store's account rows say: ``not_allowed``, ``agency_write_not_allowed``). A store made before
evidence had an agency gets the column in its upgrade to schema 4 (``store/schema.py``), every
earlier check becoming the default agency's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from ita_model.auth import Actor, Role
from ita_model.errors import StoreError
from ita_model.links.check import LinkResult
from ita_model.links.problems import LinkProblem
from ita_model.store import Store, _db_failed
from ita_model.store.schema import agency_column, link_evidence_agency

metadata = MetaData()

link_blobs_t = Table(
    "link_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content_type", Text),
    Column("size", BigInteger, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

link_runs_t = Table(
    "link_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    agency_column(),
    Column("year", Integer, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("trigger", String(16), nullable=False),  # page, cli, upload, schedule
    Column("user", Text, nullable=False),
    Column("links", Integer, nullable=False),
    Column("with_problems", Integer, nullable=False),
)

link_checks_t = Table(
    "link_checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, nullable=False, index=True),
    agency_column(),
    Column("year", Integer, nullable=False),
    Column("item", String(8), nullable=False),
    Column("division", String(64)),
    Column("url", Text, nullable=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    Column("status", Integer),
    Column("final_url", Text),
    Column("content_type", Text),
    Column("size", BigInteger),
    Column("truncated", Boolean, nullable=False, default=False),
    Column("elapsed_ms", Integer, nullable=False),
    Column("sha256", String(64)),
    Column("not_modified", Boolean, nullable=False, default=False),
    Column("title", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("detail", Text, nullable=False),  # JSON: redirects, excerpt, problems, facts
    Index("ix_link_checks_year_url", "year", "url"),  # the last check of each link
    Index("ix_link_checks_agency_year_url", "agency", "year", "url"),  # of one agency
)

TRIGGERS = ("page", "cli", "upload", "schedule")
KEEP_CHECKS = ("บันทึกผลการตรวจลิงก์", "keep link checks")  # what a refusal says was asked


class Evidence:
    """The link checks of one agency of a store (the store's bound agency)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.agency = store.agency
        self._ready = False

    def _ensure(self) -> None:
        if self._ready:
            return
        with self.store._write() as conn:
            have = set(inspect(conn).get_table_names())
            if not {t.name for t in metadata.sorted_tables} <= have:
                metadata.create_all(conn)
            link_evidence_agency(conn)  # tables made before they had an agency
        self._ready = True

    def writer(self, user: str | Actor) -> Actor:
        """Who ``user`` is by the store's rows, refused unless they may keep checks for this
        agency (asked before a run too, so that a refusal costs no fetching). A system
        administrator may, for any agency, as it may submit for any (``multi_agency``)."""
        actor = self.store._actor(user)
        if actor.system_admin:
            return actor
        return self.store._acting(actor, Role.EDITOR, *KEEP_CHECKS)

    def _mine(self, table: Table) -> Any:
        return table.c.agency == self.agency

    def _reading(self) -> bool:
        """Whether there is anything to read (a store nobody wrote to has no tables)."""
        if not self.store._exists():
            return False
        try:
            with self.store.engine.connect() as conn:
                return inspect(conn).has_table("link_checks")
        except SQLAlchemyError as exc:
            raise StoreError(_db_failed(exc, self.store, reading=True)) from exc

    def save(
        self,
        results: Sequence[LinkResult],
        bodies: dict[str, tuple[bytes, str]],
        *,
        year: int,
        started_at: datetime,
        trigger: str,
        user: str | Actor,
    ) -> int:
        """Keep one run: new bytes (by sha256, once) and a row per checked link. Returns the
        run's id. Only someone who may write this agency (an editor or admin of it) keeps a run
        (``not_allowed``, ``agency_write_not_allowed`` otherwise: nothing kept)."""
        actor = self.writer(user)
        self._ensure()
        now = datetime.now(UTC)
        with self.store._write() as conn:
            wanted = set(bodies)
            if wanted:
                have = set(
                    conn.execute(
                        select(link_blobs_t.c.sha256).where(link_blobs_t.c.sha256.in_(wanted))
                    ).scalars()
                )
                new = [
                    {
                        "sha256": sha,
                        "content_type": ctype,
                        "size": len(data),
                        "first_seen": now,
                        "data": data,
                    }
                    for sha, (data, ctype) in bodies.items()
                    if sha not in have
                ]
                if new:
                    conn.execute(insert(link_blobs_t), new)
            run_id = conn.execute(
                insert(link_runs_t).values(
                    agency=self.agency,
                    year=year,
                    started_at=started_at,
                    finished_at=now,
                    trigger=trigger,
                    user=actor.name,
                    links=len(results),
                    with_problems=sum(not r.ok for r in results),
                )
            ).inserted_primary_key[0]
            if results:
                rows = [_row(r, run_id, year) | {"agency": self.agency} for r in results]
                conn.execute(insert(link_checks_t), rows)
        return int(run_id)

    def latest(self, year: int) -> list[LinkResult]:
        """The last check of every (item, division, URL) ever checked for the year."""
        if not self._reading():
            return []
        last = (
            select(func.max(link_checks_t.c.id))
            .where(self._mine(link_checks_t), link_checks_t.c.year == year)
            .group_by(link_checks_t.c.item, link_checks_t.c.division, link_checks_t.c.url)
        )
        with self.store._read() as conn:
            if conn is None:
                return []
            rows = conn.execute(
                select(link_checks_t)
                .where(link_checks_t.c.id.in_(last))
                .order_by(link_checks_t.c.item, link_checks_t.c.division, link_checks_t.c.url)
            )
            return [_result(r) for r in rows]

    def earlier(self, year: int) -> dict[str, LinkResult]:
        """The last check of each URL that kept its bytes: the base of a conditional re-check."""
        out: dict[str, LinkResult] = {}
        for r in self.latest(year):
            if r.sha256 is not None or r.not_modified:
                best = out.get(r.url)
                if best is None or r.checked_at > best.checked_at:
                    out[r.url] = r
        return out

    def history(self, url: str, year: int) -> list[tuple[datetime, str | None, int | None]]:
        """Every check of one URL, oldest first: when, which bytes (sha256), which status —
        where the sha256 changes, the page changed."""
        if not self._reading():
            return []
        with self.store._read() as conn:
            if conn is None:
                return []
            rows = conn.execute(
                select(link_checks_t.c.checked_at, link_checks_t.c.sha256, link_checks_t.c.status)
                .where(
                    self._mine(link_checks_t),
                    link_checks_t.c.url == url,
                    link_checks_t.c.year == year,
                )
                .order_by(link_checks_t.c.id)
            )
            return [(_utc(r.checked_at), r.sha256, r.status) for r in rows]

    def unchanged_since(self, url: str, year: int) -> datetime | None:
        """When the page was first seen as it is now (the check from which its bytes have not
        changed); None when its last check kept no bytes."""
        since = None
        current = None
        for at, sha, _status in reversed(self.history(url, year)):
            if sha is None:  # a 304 keeps the bytes of the check before it
                continue
            if current is None:
                current = sha
            if sha != current:
                break
            since = at
        return since

    def last_run(self, year: int | None = None, trigger: str | None = None) -> datetime | None:
        if not self._reading():
            return None
        q = select(func.max(link_runs_t.c.started_at)).where(self._mine(link_runs_t))
        if year is not None:
            q = q.where(link_runs_t.c.year == year)
        if trigger is not None:
            q = q.where(link_runs_t.c.trigger == trigger)
        with self.store._read() as conn:
            return None if conn is None else _utc(conn.execute(q).scalar())

    def _seen(self) -> Any:
        """The kept bytes this agency's checks name (bytes are kept once for every agency)."""
        return select(link_checks_t.c.sha256).where(
            self._mine(link_checks_t), link_checks_t.c.sha256.is_not(None)
        )

    def blob(self, sha256: str) -> tuple[bytes, str] | None:
        """The kept bytes and their content type, or None (also for bytes only another agency's
        checks name)."""
        if not self._reading():
            return None
        with self.store._read() as conn:
            if conn is None:
                return None
            row = conn.execute(
                select(link_blobs_t.c.data, link_blobs_t.c.content_type).where(
                    link_blobs_t.c.sha256 == sha256, link_blobs_t.c.sha256.in_(self._seen())
                )
            ).first()
            return None if row is None else (bytes(row.data), row.content_type or "")

    def blob_count(self) -> int:
        if not self._reading():
            return 0
        with self.store._read() as conn:
            if conn is None:
                return 0
            q = select(func.count()).select_from(link_blobs_t)
            q = q.where(link_blobs_t.c.sha256.in_(self._seen()))
            return int(conn.execute(q).scalar())


def current(results: Iterable[LinkResult], targets: Iterable[Any]) -> list[LinkResult]:
    """Only the checks of links still given by a current record (a replaced URL drops out)."""
    wanted = {(t.item, t.division, t.url.strip()) for t in targets}
    return [r for r in results if (r.item, r.division, r.url) in wanted]


def _row(r: LinkResult, run_id: int, year: int) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "year": year,
        "item": r.item,
        "division": r.division,
        "url": r.url,
        "checked_at": r.checked_at,
        "status": r.status,
        "final_url": r.final_url,
        "content_type": r.content_type,
        "size": r.size,
        "truncated": r.truncated,
        "elapsed_ms": r.elapsed_ms,
        "sha256": r.sha256,
        "not_modified": r.not_modified,
        "title": r.title,
        "etag": r.etag,
        "last_modified": r.last_modified,
        "detail": json.dumps(
            {
                "redirects": r.redirects,
                "excerpt": r.excerpt,
                "problems": [p.model_dump(mode="json") for p in r.problems],
                "facts": r.facts,
            },
            ensure_ascii=False,
        ),
    }


def _result(row: Any) -> LinkResult:
    detail = json.loads(row.detail)
    return LinkResult(
        item=row.item,
        division=row.division,
        url=row.url,
        checked_at=_utc(row.checked_at),
        status=row.status,
        final_url=row.final_url,
        redirects=detail.get("redirects", []),
        content_type=row.content_type,
        size=row.size,
        truncated=bool(row.truncated),
        elapsed_ms=row.elapsed_ms,
        sha256=row.sha256,
        title=row.title,
        excerpt=detail.get("excerpt"),
        etag=row.etag,
        last_modified=row.last_modified,
        not_modified=bool(row.not_modified),
        problems=[LinkProblem.model_validate(p) for p in detail.get("problems", [])],
        facts=detail.get("facts", {}),
    )


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
