"""The fiscal years a store holds files for (the roll-up's year picker, ``rollup_years.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import distinct, select

from ita_model.store.base import StoreBase
from ita_model.store.bulk_sql import among
from ita_model.store.schema import submissions_t


def submission_years(store: StoreBase, codes: Sequence[str] | None) -> set[int]:
    """The years any file was sent for by the agencies of ``codes`` (None: every agency), in
    one statement whatever their number (``ix_submissions_agency_year`` serves it)."""
    with store._read() as conn:
        if conn is None:
            return set()
        q = select(distinct(submissions_t.c.year))
        if codes is not None:
            q = q.where(among(conn, submissions_t.c.agency, codes))
        return {int(y) for y in conn.execute(q).scalars() if y is not None}
