"""The Excel summary: the consolidated status per item and per division, for filing and sorting.

Every cell of text is written as text. Text from users (notes, measures, file names, links) that
starts with ``=``, ``+``, ``-`` or ``@`` would otherwise be a formula to Excel (CSV/formula
injection: ``=HYPERLINK(…)``, ``@SUM(…)``); here such a cell is a string cell with Excel's quote
prefix, so it shows as typed and stays text when edited (``ita_model.cells``, shared by every
export). Characters XML cannot hold are shown as their control pictures.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ita_model.cells import put_text
from ita_model.charts import STATUS_SYMBOLS
from ita_model.readiness import owners_of
from ita_model.records import status_label

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ita_model.handouts.content import Handout

HEADER_FILL = PatternFill("solid", fgColor="E3ECE3")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 60


def put(ws: Worksheet, row: int, col: int, value: Any) -> None:
    """One cell: numbers as numbers, everything else as text that is never a formula."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return
    put_text(ws.cell(row=row, column=col), value)


def _columns(h: Handout, *keys: str) -> list[str]:
    """Column headings ``handout.col.<key>`` in the hand-out's language."""
    return [h.t(f"handout.col.{key}") for key in keys]


def _table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    start: int = 1,
    wrap: Sequence[int] = (),
) -> int:
    """Headers in bold on ``start``, rows under them; returns the next free row."""
    for col, text in enumerate(headers, start=1):
        put(ws, start, col, text)
        cell = ws.cell(row=start, column=col)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    r = start
    for r, values in enumerate(rows, start=start + 1):
        for col, value in enumerate(values, start=1):
            put(ws, r, col, value)
            if col in wrap:
                ws.cell(row=r, column=col).alignment = WRAP
    return r + 1


def _finish(ws: Worksheet, *, header_row: int = 1, last_row: int | None = None) -> None:
    """Column widths from the content, frozen header and a filter on it."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                longest = max(len(line) for line in str(cell.value).splitlines() or [""])
                widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width * 0.9 + 2, 6), MAX_WIDTH)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    last = last_row or ws.max_row
    if ws.max_column and last > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ws.max_column)}{last}"


def workbook_bytes(handout: Handout) -> bytes:
    h = handout
    wb = Workbook()
    _summary(wb.active, h)
    _items(wb.create_sheet(), h)
    _owners(wb.create_sheet(), h)
    if not h.whole:  # an agency that reports as a whole has no completion by division
        _divisions(wb.create_sheet(), h)
    _missing(wb.create_sheet(), h)
    if h.links:
        _links(wb.create_sheet(), h)
    if len(h.measures):
        _measures(wb.create_sheet(), h)
    if len(h.steps):
        _timeline(wb.create_sheet(), h)
    props = wb.properties
    props.title = f"{h.t('handout.title')} · {h.agency_short}"
    props.creator = h.agency
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- helpers


def _status(h: Handout, status: object) -> str:
    if not isinstance(status, str) or status not in STATUS_SYMBOLS:
        return ""
    return f"{STATUS_SYMBOLS[status]} {status_label(status, h.lang)}"


def _date(h: Handout, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            if pd.isna(value):
                return ""
            value = pd.Timestamp(value).date()
        except (TypeError, ValueError):
            return str(value)
    return h.date_text(value, "short")


def _division_names(h: Handout) -> dict[str, str]:
    return {key: h.name(d) for key, d in h.organisation.reporters().items()}


# --------------------------------------------------------------------------- sheets


def _summary(ws: Worksheet, h: Handout) -> None:
    ws.title = h.t("handout.sheet.summary")
    est, r = h.estimate, h.readiness
    rows: list[tuple[str, Any]] = [
        (h.t("handout.col.agency"), h.agency),
        (h.t("handout.col.fiscal_year"), h.year),
        (h.t("handout.col.as_of"), h.date_text(h.as_of)),
    ]
    if h.sample_only:
        rows.append((h.t("handout.col.data"), h.t("handout.sample")))
    rows += [
        (h.t("handout.total"), None if est.total is None else round(est.total, 2)),
        (h.t("handout.grade"), est.rating_in(h.lang)),
        (h.t("meeting.slide.score"), h.verdict),
        ("OIT", None if est.oit is None else round(est.oit, 2)),
        ("IIT", None if est.iit is None else round(est.iit, 2)),
        ("EIT", None if est.eit is None else round(est.eit, 2)),
        (h.t("handout.col.oit_done"), f"{r.done} / {r.total}"),
    ]
    nxt = _table(ws, _columns(h, "what", "value"), rows)
    put(ws, nxt, 1, h.t("handout.estimate_note"))
    nxt += 1
    for line in est.assumptions(h.lang):
        put(ws, nxt, 1, line)
        nxt += 1
    nxt += 1
    headers = [*_columns(h, "indicator", "name", "done", "total", "pct_done"), h.t("handout.score")]
    table: list[list[Any]] = []
    subs = r.by_subindicator.set_index("subindicator")
    inds = r.by_indicator.set_index("indicator")
    for ind in h.framework.oit_indicators():
        got = est.indicators.get(ind.number)
        row = inds.loc[ind.number] if ind.number in inds.index else None
        table.append(
            [
                str(ind.number),
                h.name(ind),
                None if row is None else int(row["done"]),
                None if row is None else int(row["total"]),
                None if row is None else float(row["pct_done"]),
                None if got is None or got.score is None else round(got.score, 2),
            ]
        )
        for sub in ind.subindicators:
            s_got = est.subindicators.get(sub.code)
            s_row = subs.loc[sub.code] if sub.code in subs.index else None
            table.append(
                [
                    sub.code,
                    h.name(sub),
                    None if s_row is None else int(s_row["done"]),
                    None if s_row is None else int(s_row["total"]),
                    None if s_row is None else float(s_row["pct_done"]),
                    None if s_got is None or s_got.score is None else round(s_got.score, 2),
                ]
            )
    _table(ws, headers, table, start=nxt)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 50
    for col in "CDEF":
        ws.column_dimensions[col].width = 16


def _items(ws: Worksheet, h: Handout) -> None:
    ws.title = h.t("handout.sheet.items")
    names = _division_names(h)
    items = h.readiness.items
    waiting = {
        row.item: ", ".join(names.get(d, d) for d in row.waiting_on)
        for row in h.missing.itertuples(index=False)
    }
    rows = [
        [
            row.item,
            h.name(row._asdict()),
            row.subindicator,
            int(row.indicator),
            _status(h, row.status),
            ", ".join(names.get(d, d) for d in row.owners),
            waiting.get(row.item, ""),
            "\n".join(row.urls),
            _date(h, row.updated),
        ]
        for row in items.itertuples(index=False)
    ]
    headers = _columns(
        h, "item", "name", "sub", "indicator", "status", "owners", "waiting_on", "link", "updated"
    )
    last = _table(ws, headers, rows, wrap=(2, 6, 7, 8)) - 1
    _finish(ws, last_row=last)


def _owners(ws: Worksheet, h: Handout) -> None:
    """One row per item and responsible division: its own status, link, note — user text. An
    agency that reports as a whole: one row per item, as it reported it, no division column."""
    ws.title = h.t("handout.sheet.owners")
    names = _division_names(h)
    current = h.dataset.oit_current(owners_of(h.framework, h.organisation))
    reported = {
        (r["division"], r["item"]): r for r in current.to_dict("records") if r.get("division")
    }
    rows = []
    for item in h.readiness.items.itertuples(index=False):
        for div in item.owners:
            rec = reported.get((div, item.item), {})
            urls = rec.get("urls")
            links = list(urls) if isinstance(urls, list | tuple) and len(urls) else []
            if not links and isinstance(rec.get("url"), str):
                links = [rec["url"]]
            source = rec.get("source")
            rows.append(
                [
                    item.item,
                    h.name(item._asdict()),
                    *([] if h.whole else [names.get(div, div)]),
                    _status(h, item.owner_status.get(div)),
                    "\n".join(links),
                    _date(h, rec.get("updated")),
                    rec.get("owner"),
                    rec.get("note"),
                    Path(str(source)).name if source is not None and not pd.isna(source) else "",
                ]
            )
    headers = _columns(
        h,
        "item",
        "name",
        *([] if h.whole else ["division"]),
        "division_status",
        "link",
        "updated",
        "owner",
        "note",
        "source",
    )
    wrap = (2, 4, 7) if h.whole else (2, 5, 8)  # the name, the links, the note
    last = _table(ws, headers, rows, wrap=wrap) - 1
    _finish(ws, last_row=last)


def _divisions(ws: Worksheet, h: Handout) -> None:
    ws.title = h.t("handout.sheet.divisions")
    table = h.readiness.by_division
    rows = [
        [
            h.name(row._asdict()),
            int(row.done),
            int(row.in_progress),
            int(row.not_started),
            int(row.not_applicable),
            int(row.total),
            float(row.pct_done),
            int(h.overdue.get(row.division, 0)),
        ]
        for row in table.itertuples(index=False)
    ]
    headers = _columns(
        h,
        "division",
        "done",
        "in_progress",
        "not_started",
        "not_applicable",
        "total",
        "pct_done",
        "overdue",
    )
    last = _table(ws, headers, rows) - 1
    _finish(ws, last_row=last)


def _missing(ws: Worksheet, h: Handout) -> None:
    ws.title = h.t("handout.sheet.missing")
    waiting = h.missing["waiting_en" if h.en else "waiting_th"] if len(h.missing) else []
    rows = [
        [
            row.item,
            h.name(row._asdict()),
            row.subindicator,
            _status(h, row.status),
            who,
            None if row.days_left is None or pd.isna(row.days_left) else int(row.days_left),
        ]
        for row, who in zip(h.missing.itertuples(index=False), waiting, strict=True)
    ]
    headers = _columns(h, "item", "name", "sub", "status", "waiting_on", "days_left")
    last = _table(ws, headers, rows, wrap=(2, 5)) - 1
    _finish(ws, last_row=last)


def _links(ws: Worksheet, h: Handout) -> None:
    """Every checked link: the last check, its status and what an assessor would meet."""
    from zoneinfo import ZoneInfo

    ws.title = h.t("links.heading")
    names = _division_names(h)
    rows = []
    for r in h.links:
        at = r.checked_at.astimezone(ZoneInfo("Asia/Bangkok"))
        rows.append(
            [
                r.item,
                names.get(r.division, r.division or ""),
                r.url,
                f"{h.date_text(at.date(), 'short')} {at:%H:%M}",
                r.status,
                h.link_result(r),
                r.title or "",
            ]
        )
    keys = ("col_item", "col_division", "col_url", "col_checked", "col_status", "col_result")
    headers = [h.t(f"links.{k}") for k in (*keys, "col_title")]
    last = _table(ws, headers, rows, wrap=(3, 6, 7)) - 1
    _finish(ws, last_row=last)


def _measures(ws: Worksheet, h: Handout) -> None:
    ws.title = h.t("handout.sheet.measures")
    rows = [
        [
            rec.get("measure"),
            rec.get("action"),
            rec.get("responsible"),
            h.period_text(rec),
            _status(h, rec.get("status")),
            rec.get("result"),
            rec.get("suggestion"),
        ]
        for rec in h.measures.to_dict("records")
    ]
    headers = [
        h.t("measures.measure"),
        h.t("measures.action"),
        h.t("measures.responsible"),
        h.t("measures.period"),
        h.t("handout.col.status"),
        h.t("measures.result"),
        h.t("measures.suggestion"),
    ]
    last = _table(ws, headers, rows, wrap=(1, 2, 3, 6, 7)) - 1
    _finish(ws, last_row=last)


def _timeline(ws: Worksheet, h: Handout) -> None:
    ws.title = h.t("handout.sheet.timeline")
    steps = h.steps.sort_values(["start_date", "end_date"], kind="stable")
    rows = [
        [
            h.t("lane.general") if rec.get("phase") in (None, "general") else rec.get("phase"),
            rec.get("activity"),
            _date(h, rec.get("start_date")),
            _date(h, rec.get("end_date")),
            h.t(f"step.{rec.get('state')}"),
            rec.get("note"),
        ]
        for rec in steps.to_dict("records")
    ]
    headers = _columns(h, "lane", "activity", "start", "end", "state", "note")
    last = _table(ws, headers, rows, wrap=(2, 6)) - 1
    _finish(ws, last_row=last)
