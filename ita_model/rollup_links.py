"""Each agency's latest kept link check, for the roll-up: how many links it checked, how many had
problems, and when (``links check``, the OIT page's button, the schedule: ``links/evidence.py``).

One statement for the whole scope: per agency the last run kept for the year (at or before the
roll-up's moment), read from ``link_runs`` alone (a run keeps its counts), never a query per
agency. An agency never checked has no row: its figures are null ("ยังไม่ตรวจ").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import func, select

from ita_model.store import Store
from ita_model.store.bulk_sql import among

LINK_COLUMNS = ["agency", "links_checked", "links_with_problems", "links_checked_at"]


def empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency": pd.Series(dtype=object),
            "links_checked": pd.Series(dtype="int64"),
            "links_with_problems": pd.Series(dtype="int64"),
            "links_checked_at": pd.Series(dtype="datetime64[us, UTC]"),
        }
    )


def link_figures(
    store: Store, year: int, codes: Sequence[str] | None, when: datetime | None = None
) -> pd.DataFrame:
    """``LINK_COLUMNS``, a row per agency of ``codes`` (None: every agency) with a run kept for
    ``year`` (``when``: kept by then), by code; ``links_checked_at``: when that run ended."""
    from ita_model.links.evidence import link_runs_t as r

    with store._read() as conn:
        if conn is None or not conn.dialect.has_table(conn, r.name):
            return empty()
        where = [r.c.year == year]
        if codes is not None:
            where.append(among(conn, r.c.agency, codes))
        if when is not None:
            where.append(r.c.finished_at <= when.astimezone(UTC))
        last = select(func.max(r.c.id)).where(*where).group_by(r.c.agency)
        rows = conn.execute(
            select(r.c.agency, r.c.links, r.c.with_problems, r.c.finished_at)
            .where(r.c.id.in_(last))
            .order_by(r.c.agency)
        ).all()
    if not rows:
        return empty()
    out = pd.DataFrame(rows, columns=LINK_COLUMNS)
    out["links_checked_at"] = pd.to_datetime(out["links_checked_at"], utc=True)
    return out.astype({"links_checked": "int64", "links_with_problems": "int64"})


def last_run_id(store: Store) -> int:
    """The newest kept run of any agency (0: none): the pages' cache key for these figures,
    which a link check changes without a store event."""
    from ita_model.links.evidence import link_runs_t as r

    with store._read() as conn:
        if conn is None or not conn.dialect.has_table(conn, r.name):
            return 0
        return int(conn.execute(select(func.coalesce(func.max(r.c.id), 0))).scalar())


def with_links(agencies: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """``agencies`` in their order, each with its latest check's ``LINK_COLUMNS`` (NaN/NaT:
    never checked): the hand-outs' agencies tables and the short list read this."""
    return agencies.merge(links, on="agency", how="left")


def worst_links(agencies: pd.DataFrame, links: pd.DataFrame, most: int) -> pd.DataFrame:
    """The ``most`` agencies of ``agencies`` (code, name, province) with the most links with
    problems in their latest check, then (when room is left) those never checked; the agencies
    whose links had no problem are left out."""
    table = with_links(agencies[["agency", "name", "province"]], links)
    bad = table[table["links_with_problems"] > 0].sort_values(
        ["links_with_problems", "agency"], ascending=[False, True], kind="stable"
    )
    never = table[table["links_checked"].isna()]
    return pd.concat([bad, never]).head(most).reset_index(drop=True)
