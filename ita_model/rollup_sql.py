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
- the IIT and EIT rows: the ``score_rows`` of the newest counting file that has any
  (``Dataset.latest("scores")``).

Every agency of a group shares one organisation and framework (those not set up: the bundled
ones), which come in as constants: the owners of each item, the sub-indicator of each item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.schema import Table
from sqlalchemy.sql.selectable import CTE, Subquery

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
    latest = (
        select(events_t.c.seq)
        .where(
            events_t.c.agency == slots_t.c.agency,
            events_t.c.year == slots_t.c.year,
            events_t.c.slot == slots_t.c.slot,
            events_t.c.at <= when.astimezone(UTC),
            events_t.c.action.in_(DECISIONS),
            events_t.c.submission_id.is_not(None),
        )
        .order_by(events_t.c.at.desc(), events_t.c.seq.desc())
        .limit(1)
        .correlate(slots_t)
        .scalar_subquery()
    )
    sa = slots_t.c.agency
    chosen = (
        select(sa.label("agency"), latest.label("seq"))
        .where(slots_t.c.year == year, *_within(sa, codes))
        .subquery("chosen")
    )
    e = events_t.alias("decided")
    return (
        select(chosen.c.agency, e.c.submission_id, e.c.seq)
        .select_from(chosen.join(e, e.c.seq == chosen.c.seq))
        .where(e.c.action != "withdrawn")
    )


@dataclass(frozen=True)
class Group:
    """Agencies sharing an organisation and a framework, as constants for the SQL."""

    codes: Sequence[str] | None  # None: every agency of the store but ``others``
    others: Sequence[str]  # agencies of other groups (only read when ``codes`` is None)
    owners: Mapping[str, frozenset[str]]  # item -> owning division ids (items with owners only)
    subindicator: Mapping[str, str]  # item -> its sub-indicator


CODES = ("not_started", "in_progress", DONE, NA)  # a status as a number 0-3 (``code``)


def _owners(group: Group) -> CTE:
    """The (item, division) pairs of the owners, as a small table of constants."""
    pairs = [(item, div) for item in sorted(group.owners) for div in sorted(group.owners[item])]
    parts = [select(literal(i).label("item"), literal(d).label("division")) for i, d in pairs]
    return (parts[0] if len(parts) == 1 else union_all(*parts)).cte("owners")


def _statuses(year: int, group: Group, when: datetime | None) -> Subquery:
    """(agency, item, status) for the items with any counted row; others are not started.

    Without sorting: the newest file per (agency, division) is a ``max``, and the last row of an
    item in it is ``max(n * 4 + code)``, whose remainder is that row's status."""
    p = picks(year, group.codes, when)
    if group.codes is None and group.others:
        p = p.where(not_(p.selected_columns.agency.in_(list(group.others))))
    cur = p.cte("picks")
    o = oit_rows_t
    code = case({s: i for i, s in enumerate(CODES)}, value=o.c.status, else_=0)
    rows = (
        select(cur.c.agency, cur.c.seq, o.c.division, o.c.item, (o.c.n * 4 + code).label("k"))
        .select_from(cur.join(o, o.c.submission_id == cur.c.submission_id))
        .where(o.c.division.is_not(None))
        .cte("rows")
    )
    claim = (
        select(rows.c.agency, rows.c.division, func.max(rows.c.seq).label("seq"))
        .group_by(rows.c.agency, rows.c.division)
        .cte("claim")
    )
    joined = rows.join(
        claim,
        and_(
            claim.c.agency == rows.c.agency,
            claim.c.division == rows.c.division,
            claim.c.seq == rows.c.seq,
        ),
    )
    counted: list[ColumnElement] = []
    owned = sorted(group.owners)
    if owned:
        own = _owners(group)
        counted.append(
            or_(
                rows.c.item.not_in(owned),
                tuple_(rows.c.item, rows.c.division).in_(select(own.c.item, own.c.division)),
            )
        )
    last = (
        select(rows.c.agency, rows.c.item, (func.max(rows.c.k) % 4).label("code"))
        .select_from(joined)
        .where(*counted)
        .group_by(rows.c.agency, rows.c.division, rows.c.item)
        .cte("last")
    )
    reported = func.count()
    na = func.sum(case((last.c.code == CODES.index(NA), 1), else_=0))
    done = func.sum(case((last.c.code == CODES.index(DONE), 1), else_=0))
    started = func.sum(case((last.c.code.in_((1, 2)), 1), else_=0))
    owners = (
        case({i: len(group.owners[i]) for i in owned}, value=last.c.item, else_=reported)
        if owned
        else reported
    )
    applicable = owners - na
    status = case(
        (applicable <= 0, literal(NA)),
        (done == applicable, literal(DONE)),
        (started > 0, literal("in_progress")),
        else_=literal("not_started"),
    )
    return (
        select(last.c.agency, last.c.item, status.label("status"))
        .group_by(last.c.agency, last.c.item)
        .subquery("statuses")
    )


def _null(name: str) -> ColumnElement:
    return literal_column("NULL").label(name)


def oit_counts(
    conn: Connection, year: int, group: Group, when: datetime | None
) -> tuple[list[tuple[str, str, int, int]], list[tuple[str, int, int]]]:
    """Per (agency, sub-indicator) and per item: how many items done, how many not applicable.

    Only what has a done or not-applicable item comes back; the rest is nothing done."""
    st = _statuses(year, group, when).alias("st")
    sub = case(dict(group.subindicator), value=st.c.item, else_=literal(""))
    done = func.sum(case((st.c.status == DONE, 1), else_=0))
    na = func.sum(case((st.c.status == NA, 1), else_=0))
    keep = st.c.status.in_((DONE, NA))
    per_agency = (
        select(literal("a").label("kind"), st.c.agency, sub.label("key"), done, na)
        .where(keep)
        .group_by(st.c.agency, sub)
    )
    per_item = (
        select(literal("i").label("kind"), _null("agency"), st.c.item, done, na)
        .where(keep)
        .group_by(st.c.item)
    )
    agencies: list[tuple[str, str, int, int]] = []
    items: list[tuple[str, int, int]] = []
    for kind, agency, key, d, n in conn.execute(union_all(per_agency, per_item)):
        if kind == "a":
            agencies.append((agency, key, int(d), int(n)))
        else:
            items.append((key, int(d), int(n)))
    return agencies, items


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


def has_slots(conn: Connection, year: int, agency: str) -> bool:
    """Whether anything was ever decided for an agency in a year."""
    q = select(slots_t.c.slot).where(slots_t.c.year == year, slots_t.c.agency == agency).limit(1)
    return conn.execute(q).first() is not None


def setup_groups(conn: Connection, year: int, table: Table) -> dict[str, tuple[str, ...]]:
    """Per agency set up in the store (``agency_parts``): the key of its set-up for ``year``,
    equal for agencies whose divisions, owners and framework are the same text — each key an
    agency that holds it, so that a group is read once whatever its size."""
    content = ("divisions", f"assignments:{year}", f"framework:{year}")
    reps = (
        select(table.c.part, table.c.value, func.min(table.c.agency_id).label("rep"))
        .where(table.c.part.in_(content))
        .group_by(table.c.part, table.c.value)
        .subquery("reps")
    )
    keys: dict[str, dict[str, str]] = {}
    for agency, part, rep in conn.execute(
        select(table.c.agency_id, table.c.part, reps.c.rep).select_from(
            table.join(reps, and_(reps.c.part == table.c.part, reps.c.value == table.c.value))
        )
    ):
        keys.setdefault(agency, {})[part] = rep
    have: dict[str, set[str]] = {}
    for agency, part in conn.execute(
        select(table.c.agency_id, table.c.part).where(
            or_(table.c.part.in_(("agency", "year")), table.c.part.like("framework:%"))
        )
    ):
        have.setdefault(agency, set()).add(part)
    year_of = select(table.c.agency_id, table.c.value).where(table.c.part == "year")
    years = dict(conn.execute(year_of).tuples().all())
    out = {}
    for agency, parts in keys.items():
        own = have.get(agency, set())
        ready = "divisions" in parts and {"agency", "year"} <= own
        if ready and f"framework:{years.get(agency)}" in own:
            out[agency] = tuple(parts.get(p, "") for p in content)
    return out
