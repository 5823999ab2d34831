"""The roll-up as an Excel hand-out: one sheet per table (agencies, indicators, items missing,
progress), Thai headers first, every text cell text (``ita_model.cells``), figures as numbers.
Each agency's row ends with its latest link check (links checked, with problems, the day in
Buddhist Era; "not checked yet" when never)."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook

from ita_model.handouts.workbook import _finish, _table
from ita_model.i18n import t
from ita_model.rollup import AGENCY_COLUMNS, Rollup
from ita_model.rollup_links import with_links
from ita_model.thai import format_date

LINK_HEADERS = ("links_checked", "links_with_problems", "links_checked_at")


def _score(value: Any) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 2)


def _sheet(
    wb: Workbook, key: str, lang: str, headers: Sequence[str], rows: list[list[Any]]
) -> None:
    ws = wb.create_sheet(t(f"rollup.sheet_{key}", lang))
    _table(ws, [t(f"rollup.col_{h}", lang) for h in headers], rows)
    _finish(ws)


def _links(checked: Any, with_problems: Any, at: Any, lang: str) -> list[Any]:
    """Links checked, with problems (numbers) and the day of the check (Buddhist Era)."""
    if pd.isna(checked):
        return [None, None, t("links_scope.never", lang)]
    day = pd.Timestamp(at).tz_convert("Asia/Bangkok").date()
    return [int(checked), int(with_problems), format_date(day, lang="en" if lang == "en" else "th")]


def rollup_xlsx(r: Rollup, lang: str = "th") -> bytes:
    """The workbook's bytes; an empty roll-up gives its message on the agencies sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    yes, no = t("rollup.passes", lang), t("rollup.fails", lang)
    rows = with_links(r.agencies, r.links)
    agencies = [
        [
            row.agency,
            row.name,
            row.province,
            row.type,
            row.parent,
            int(row.oit_done),
            int(row.oit_total),
            _score(row.oit),
            _score(row.iit),
            _score(row.eit),
            _score(row.total),
            row.rating,
            yes if row.passed else no,
            *_links(row.links_checked, row.links_with_problems, row.links_checked_at, lang),
        ]
        for row in rows.itertuples(index=False)
    ]
    if not agencies:
        agencies = [[r.message(lang)]]
    _sheet(wb, "agencies", lang, (*AGENCY_COLUMNS, *LINK_HEADERS), agencies)
    _sheet(
        wb,
        "indicators",
        lang,
        ("agency", "indicator", "indicator_name", "score"),
        [[a, int(i), n, _score(s)] for a, i, n, s in r.indicators.itertuples(index=False)],
    )
    _sheet(
        wb,
        "missing",
        lang,
        ("item", "item_name", "agencies_missing", "share"),
        [[i, n, int(k), round(float(s), 4)] for i, n, k, s in r.missing.itertuples(index=False)],
    )
    _sheet(
        wb,
        "progress",
        lang,
        ("day", "agencies_passing", "mean_oit_done_share"),
        [
            [format_date(d, lang="en" if lang == "en" else "th"), int(k), round(float(s), 4)]
            for d, k, s in r.progress.itertuples(index=False)
        ],
    )
    props = wb.properties
    props.title = r.heading(lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
