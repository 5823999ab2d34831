"""Each agency's roll-up figures after each decision, kept in the store (``agency_figures``).

A row holds one agency's figures in one year after the decision event ``seq`` (``accepted``,
``rolled_back``, ``withdrawn``), every decision of that agency and year up to it applied in
(time, number) order, which is what "as of" reads; ``seq`` 0 is the state before any decision.
The roll-up reads, per agency, the row of the decision that counts (now: its newest; as of a
moment: its newest at or before it) and computes only the agencies whose row is missing or
stale (``rollup_kept.py``), storing those as it goes.

A row is stale when what it was made from has changed:

- ``basis`` is the newest decision number among the agency's decisions up to ``at``, read before
  the figures were computed: a decision dated before a later one (``at=``) raises it, so every
  row after it in time no longer matches and is made again when next read;
- ``version`` names the shipped data and rules (``rollup_kept.figures_version``): rows of
  another version are not read;
- a change of the agency's set-up or a re-check of its files deletes its rows in the same
  transaction (``forget``), and a row computed while such a change was being made is not
  written (``put``: nothing after ``noted`` may touch the agency).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ita_model.store.bulk_sql import among
from ita_model.store.schema import DECISIONS, agencies_t, agency_figures_t, events_t

# an agency's figures as the roll-up lists them (``rollup.AGENCY_COLUMNS`` ends with them)
SCORES = ("oit_done", "oit_total", "oit", "iit", "eit", "total", "rating", "passed")
# a row's figures, in the order ``read`` gives them after (agency, seq, at, basis, kept, valid)
FIGURES = ("framework", *SCORES, "indicators", "missing")
CHANGES = ("agency_changed", "rechecked")  # events that change figures without a decision
CHUNK = 500


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


def read(
    conn: Connection,
    year: int,
    codes: Sequence[str] | None,
    when: datetime | None,
    version: str,
) -> list[tuple[Any, ...]]:
    """Per agency of the registry (``codes``: those only), in one statement: (agency, seq, at,
    basis, kept, valid, *FIGURES): ``kept`` whether a row of that decision is there at all,
    ``valid`` whether it is of ``version`` and made from the decisions there are now."""
    e, f, a = events_t, agency_figures_t, agencies_t
    where = [e.c.year == year, e.c.action.in_(DECISIONS), e.c.submission_id.is_not(None)]
    if when is not None:
        where.append(e.c.at <= when.astimezone(UTC))
    if codes is not None:
        where.append(e.c.agency.in_(list(codes)))
    decided = select(e.c.agency, e.c.at, e.c.seq).where(*where).cte("decided")
    last = (
        select(
            decided.c.agency,
            func.max(decided.c.at).label("at"),
            func.max(decided.c.seq).label("basis"),
        )
        .group_by(decided.c.agency)
        .subquery("last")
    )
    pick = (
        select(decided.c.agency, func.max(decided.c.seq).label("seq"), last.c.at, last.c.basis)
        .select_from(
            decided.join(last, and_(last.c.agency == decided.c.agency, last.c.at == decided.c.at))
        )
        .group_by(decided.c.agency, last.c.at, last.c.basis)
        .subquery("pick")
    )
    seq = func.coalesce(pick.c.seq, 0)
    basis = func.coalesce(pick.c.basis, 0)
    kept = and_(f.c.agency == a.c.code, f.c.year == year, f.c.seq == seq)
    valid = and_(f.c.basis == basis, f.c.version == version)
    q = select(
        a.c.code, seq, pick.c.at, basis, f.c.version, valid, *(f.c[n] for n in FIGURES)
    ).select_from(a.outerjoin(pick, pick.c.agency == a.c.code).outerjoin(f, kept))
    if codes is not None:
        q = q.where(a.c.code.in_(list(codes)))
    return [(*r[:4], r[4] is not None, bool(r[5]), *r[6:]) for r in conn.execute(q)]


def noted(conn: Connection) -> int:
    """The newest event's number: what a computation about to start has seen."""
    return int(conn.execute(select(func.coalesce(func.max(events_t.c.seq), 0))).scalar())


def put(conn: Connection, year: int, rows: Sequence[Mapping[str, Any]], since: int) -> int:
    """Write rows in the writer's transaction, except those of an agency whose set-up or files
    changed after event ``since``; returns how many. A row marked ``replaces`` takes the place
    of the stale one of its key; any other whose key is there already (another process kept it
    meanwhile, the same figures) is left as it is."""
    codes = sorted({r["agency"] for r in rows})
    q = select(events_t.c.agency).where(
        events_t.c.seq > since,
        events_t.c.action.in_(CHANGES),
        among(conn, events_t.c.agency, codes),
    )
    touched = set(conn.execute(q).scalars()) if codes else set()
    rows = [r for r in rows if r["agency"] not in touched]
    key = tuple_(agency_figures_t.c.agency, agency_figures_t.c.seq)
    for chunk in _chunks([r for r in rows if r.get("replaces")]):
        conn.execute(
            delete(agency_figures_t).where(
                agency_figures_t.c.year == year,
                key.in_([(r["agency"], r["seq"]) for r in chunk]),
            )
        )
    if rows:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        values = [{**r, "year": year} for r in rows]
        for r in values:
            r.pop("replaces", None)
        conn.execute(dialect.insert(agency_figures_t).on_conflict_do_nothing(), values)
    return len(rows)


def forget(conn: Connection, agency: str, year: int | None = None) -> None:
    """Drop an agency's kept figures (of one year, or all), in the caller's transaction: what
    they were made from changed without a decision (its set-up, its files re-checked)."""
    q = delete(agency_figures_t).where(agency_figures_t.c.agency == agency)
    if year is not None:
        q = q.where(agency_figures_t.c.year == year)
    conn.execute(q)


def after_decision(store: Any, year: int, codes: Sequence[str]) -> None:
    """The decided agencies' figures, computed and kept now that the decision is committed
    (never failing it: ``rollup_kept.refresh`` logs what went wrong, the next read repairs it)."""
    if not codes:
        return
    from ita_model.rollup_kept import refresh

    refresh(store, year, codes)
