"""The roll-up's SQL: what counts for many agencies at once, grouped in the database.

The same rules as one agency's own figures, written as set operations so that the store does the
work and hands back a few rows per agency, never the agencies' tables:

- what counts: the ``current`` table (now), or per slot ever decided the latest decision at or
  before a moment, a withdrawal counting as none (``Store.current(as_of=…)``);
- per division the newest counting file that has rows for it, and in that file the last row of an
  item (``Dataset.oit_current``);
- an item's status from its owners' (``effective_status``): the owners the agency's organisation
  names, one that has not reported counting as not started; an item nobody owns counts from the
  divisions that report it;
- a row with no division is the agency speaking as a whole (``readiness.as_reporters``): for an
  owned item, a row of each of its owners (joined to the owners' table, so the file then speaks
  for those divisions); for an item nobody owns, a row of the reporter ``WHOLE_AGENCY``, one more
  reporter beside the divisions;
- the IIT and EIT rows: the ``score_rows`` of the newest counting file that has any
  (``Dataset.latest("scores")``).

Every agency of a group shares one organisation and framework (those not set up: the bundled
ones), which come in as constants: the owners of each item, the sub-indicator of each item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.schema import Table
from sqlalchemy.sql.selectable import CTE

from ita_model.organisation import WHOLE_AGENCY
from ita_model.store.schema import (
    DECISIONS,
    current_t,
    events_t,
    oit_rows_t,
    score_rows_t,
    slots_t,
)

DONE, NA, STARTED = "done", "not_applicable", ("done", "in_progress")


def _within(column: ColumnElement, codes: Sequence[str] | None) -> list[ColumnElement]:
    return [] if codes is None else [column.in_(list(codes))]


def picks(year: int, codes: Sequence[str] | None, when: datetime | None) -> Select:
    """(agency, submission_id, seq): the submissions that count, now or at ``when``."""
    if when is None:
        a = current_t.c.agency
        return select(
            a.label("agency"),
            current_t.c.submission_id,
            current_t.c.event_seq.label("seq"),
        ).where(current_t.c.year == year, *_within(a, codes))
    # Store.current's rule (``latest_decision``: per slot the latest decision at or before the
    # moment, by time then number), grouped for every agency at once instead of one seek a slot
    e = events_t
    decisions = (
        select(e.c.agency, e.c.slot, e.c.at, e.c.seq)
        .where(
            e.c.year == year,
            e.c.at <= when.astimezone(UTC),
            e.c.action.in_(DECISIONS),
            e.c.submission_id.is_not(None),
            *_within(e.c.agency, codes),
        )
        .cte("decisions")
    )
    last_at = (
        select(decisions.c.agency, decisions.c.slot, func.max(decisions.c.at).label("at"))
        .group_by(decisions.c.agency, decisions.c.slot)
        .subquery("last_at")
    )
    same = and_(
        last_at.c.agency == decisions.c.agency,
        last_at.c.slot == decisions.c.slot,
        last_at.c.at == decisions.c.at,
    )
    last = (
        select(func.max(decisions.c.seq).label("seq"))
        .select_from(decisions.join(last_at, same))
        .group_by(decisions.c.agency, decisions.c.slot)
        .subquery("last")
    )
    d = events_t.alias("decided")
    return (
        select(d.c.agency, d.c.submission_id, d.c.seq)
        .select_from(last.join(d, d.c.seq == last.c.seq))
        .where(d.c.action != "withdrawn")
    )


@dataclass(frozen=True)
class Group:
    """Agencies sharing an organisation and a framework, as constants for the SQL."""

    codes: Sequence[str] | None  # None: every agency of the store but ``others``
    others: Sequence[str]  # agencies of other groups (only read when ``codes`` is None)
    owners: Mapping[str, frozenset[str]]  # item -> owning division ids (items with owners only)
    subindicator: Mapping[str, str]  # item -> its sub-indicator


CODES = ("not_started", "in_progress", DONE, NA)  # a status as a number 0-3 (``code``)
SEQ = 2**22  # above n * 4 + code for any sheet (n < 2**20 rows)
# written into the SQL (not a bound parameter), so the SELECT and the GROUP BY are one expression
WHOLE = literal_column(f"'{WHOLE_AGENCY}'")


def _constants(name: str, rows: list[tuple[Any, ...]], columns: tuple[str, ...]) -> CTE:
    """A few rows of constants as a table (a UNION ALL of SELECTs: SQLite and PostgreSQL)."""
    parts = [select(*(literal(v).label(c) for v, c in zip(r, columns, strict=True))) for r in rows]
    return (parts[0] if len(parts) == 1 else union_all(*parts)).cte(name)


def _statuses(year: int, group: Group, when: datetime | None) -> CTE:
    """(agency, item, sub, status) for the framework's items with any counted row; the others
    are not started.

    Without sorting or a second pass over the rows: per (agency, division, item) the newest file
    and its last row are one ``max`` of ``seq * 2**22 + n * 4 + code``; the division's newest
    file is the largest of those, and an item whose newest row is in an older file is not in
    that file, so it does not count. The owners and each item's sub-indicator come in as small
    tables joined by hash, never as per-row CASEs."""
    p = picks(year, group.codes, when)
    if group.codes is None and group.others:
        p = p.where(not_(p.selected_columns.agency.in_(list(group.others))))
    cur = p.subquery("picks")
    o = oit_rows_t
    code = case({s: i for i, s in enumerate(CODES)}, value=o.c.status, else_=0)
    key = cast(cur.c.seq, BigInteger) * SEQ + o.c.n * 4 + code
    rows = cur.join(o, o.c.submission_id == cur.c.submission_id)
    whole = o.c.division.is_(None)
    counted: list[ColumnElement] = []
    if group.owners:
        pairs = [(i, d) for i in sorted(group.owners) for d in sorted(group.owners[i])]
        own = _constants("owners", pairs, ("item", "division"))
        unowned = sorted(set(group.subindicator) - set(group.owners))
        mine = tuple_(o.c.item, o.c.division).in_(select(own.c.item, own.c.division))
        counted.append(or_(whole, mine, o.c.item.in_(unowned)) if unowned else or_(whole, mine))
        # a whole-agency row of an owned item: a row of each owner; of another item: WHOLE_AGENCY
        speaks = own.alias("speaks")
        rows = rows.outerjoin(speaks, and_(whole, speaks.c.item == o.c.item))
        division = func.coalesce(o.c.division, speaks.c.division, WHOLE)
    else:
        division = func.coalesce(o.c.division, WHOLE)
    items = _constants(
        "items",
        [(i, sub, len(group.owners.get(i, ()))) for i, sub in sorted(group.subindicator.items())],
        ("item", "sub", "owners"),
    )
    newest = (
        select(cur.c.agency, division.label("division"), o.c.item, func.max(key).label("k"))
        .select_from(rows)
        .where(*counted)
        .group_by(cur.c.agency, division, o.c.item)
        .cte("newest")
    )
    claim = (
        select(newest.c.agency, newest.c.division, func.max(newest.c.k // SEQ).label("seq"))
        .group_by(newest.c.agency, newest.c.division)
        .subquery("claim")
    )
    last = (
        select(
            newest.c.agency,
            newest.c.item,
            items.c.sub,
            items.c.owners,
            (newest.c.k % 4).label("code"),
        )
        .select_from(
            newest.join(
                claim,
                and_(claim.c.agency == newest.c.agency, claim.c.division == newest.c.division),
            ).join(items, items.c.item == newest.c.item)
        )
        .where(newest.c.k // SEQ >= claim.c.seq)  # = the max: an estimate that hashes
        .subquery("last")
    )
    reported = func.count()
    na = func.sum(case((last.c.code == CODES.index(NA), 1), else_=0))
    done = func.sum(case((last.c.code == CODES.index(DONE), 1), else_=0))
    started = func.sum(case((last.c.code.in_((1, 2)), 1), else_=0))
    # the owners the set-up names (one that has not reported: not started), else who reported
    applicable = case((last.c.owners > 0, last.c.owners), else_=reported) - na
    status = case(
        (applicable <= 0, literal(NA)),
        (done == applicable, literal(DONE)),
        (started > 0, literal("in_progress")),
        else_=literal("not_started"),
    )
    return (
        select(last.c.agency, last.c.item, last.c.sub, status.label("status"))
        .group_by(last.c.agency, last.c.item, last.c.sub, last.c.owners)
        .cte("statuses")
    )


def _null(name: str) -> ColumnElement:
    return literal_column("NULL").label(name)


def oit_counts(
    conn: Connection, year: int, group: Group, when: datetime | None, each_item: bool = False
) -> tuple[dict[str, dict[str, tuple[int, int]]], list[tuple[str, int, int]], dict[str, set[str]]]:
    """Per agency and sub-indicator, and per item: how many items done, how many not applicable
    (an agency with no such item is not there: nothing done). One row per agency. With
    ``each_item``, per agency too the items done or not applicable (what it still misses is the
    rest of its framework's items), joined into one text by the database in the same statement:
    the statuses are worked out once."""
    st = _statuses(year, group, when)
    subs = sorted(set(group.subindicator.values()))
    items_of = {sub: [i for i, s in group.subindicator.items() if s == sub] for sub in subs}

    def count(status: str, items: list[str] | None = None) -> ColumnElement:
        hit = (
            st.c.status == status
            if items is None
            else and_(st.c.status == status, st.c.item.in_(items))
        )
        return func.sum(case((hit, 1), else_=0))

    keep = st.c.status.in_((DONE, NA))
    wide = [count(status, items_of[sub]) for sub in subs for status in (DONE, NA)]
    settled = [func.aggregate_strings(st.c.item, ",").label("settled")] if each_item else []
    per_agency = (
        select(literal("a").label("kind"), st.c.agency.label("key"), *wide, *settled)
        .where(keep)
        .group_by(st.c.agency)
    )
    blanks = [_null(f"c{n}") for n in range(len(wide) - 2)]
    blanks += [_null("settled")] if each_item else []
    per_item = (
        select(literal("i").label("kind"), st.c.item, count(DONE), count(NA), *blanks)
        .where(keep)
        .group_by(st.c.item)
    )
    agencies: dict[str, dict[str, tuple[int, int]]] = {}
    items: list[tuple[str, int, int]] = []
    done_or_na: dict[str, set[str]] = {}
    for kind, key, *values in conn.execute(union_all(per_agency, per_item)).all():
        if kind == "a":
            agencies[key] = {
                sub: (int(values[2 * n]), int(values[2 * n + 1])) for n, sub in enumerate(subs)
            }
            if each_item:
                done_or_na[key] = set(values[-1].split(",")) if values[-1] else set()
        else:
            items.append((key, int(values[0]), int(values[1])))
    return agencies, items, done_or_na


def score_rows(
    conn: Connection, year: int, codes: Sequence[str] | None, when: datetime | None
) -> list[tuple[str, int | None, str | None, float | None]]:
    """(agency, year, indicator, score) of each agency's newest counting file with score rows,
    in the file's order."""
    cur: CTE = picks(year, codes, when).cte("picks")
    s = score_rows_t
    newest = (
        select(cur.c.agency, func.max(cur.c.seq).label("seq"))
        .select_from(cur.join(s, s.c.submission_id == cur.c.submission_id))
        .group_by(cur.c.agency)
        .cte("newest")
    )
    q = (
        select(newest.c.agency, s.c.year, s.c.indicator, s.c.score)
        .select_from(
            newest.join(cur, and_(cur.c.agency == newest.c.agency, cur.c.seq == newest.c.seq)).join(
                s, s.c.submission_id == cur.c.submission_id
            )
        )
        .order_by(newest.c.agency, s.c.n)
    )
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(q)]


def analytic(conn: Connection) -> None:
    """PostgreSQL, for this read only: room to hash a national roll-up in memory (not sort it on
    disk), no JIT compilation (it costs more than it saves on a query run once), and index
    reads priced as the cached or SSD reads they are, so that the counting files' rows come from
    the covering index rather than a scan of the whole history."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL work_mem = '64MB'"))
        conn.execute(text("SET LOCAL jit = off"))
        conn.execute(text("SET LOCAL random_page_cost = 1.1"))


def has_slots(conn: Connection, year: int, agency: str) -> bool:
    """Whether anything was ever decided for an agency in a year."""
    q = select(slots_t.c.slot).where(slots_t.c.year == year, slots_t.c.agency == agency).limit(1)
    return conn.execute(q).first() is not None


def setup_groups(
    conn: Connection, year: int, table: Table, codes: Sequence[str] | None
) -> dict[str, tuple[str, ...]]:
    """Per agency set up in the store (``agency_parts``; ``codes`` None: every one): the key of
    its set-up for ``year``, equal for agencies whose divisions, owners and framework are the
    same text (PostgreSQL compares their MD5s, so only 32 characters a part come back)."""
    content = ("divisions", f"assignments:{year}", f"framework:{year}")
    value = func.md5(table.c.value) if conn.dialect.name == "postgresql" else table.c.value
    q = select(table.c.agency_id, table.c.part, value).where(
        or_(table.c.part.in_((*content, "agency", "year")), table.c.part.like("framework:%")),
        *_within(table.c.agency_id, codes),
    )
    parts: dict[str, dict[str, str]] = {}
    for agency, part, text_or_hash in conn.execute(q).tuples():
        parts.setdefault(agency, {})[part] = text_or_hash
    years = {
        agency: row["year"]
        for agency, row in parts.items()
        if "year" in row and "divisions" in row and "agency" in row
    }
    if conn.dialect.name == "postgresql" and years:  # the year itself, not its hash
        q = select(table.c.agency_id, table.c.value).where(
            table.c.part == "year", *_within(table.c.agency_id, codes)
        )
        years = {a: v for a, v in conn.execute(q).tuples() if a in years}
    return {
        agency: tuple(parts[agency].get(p, "") for p in content)
        for agency, y in years.items()
        if f"framework:{y}" in parts[agency]
    }
