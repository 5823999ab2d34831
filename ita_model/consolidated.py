"""The consolidated workbook of the current state: every (item, owner) row with the status,
link and date that currently count, in the same layout as the "all divisions" template.

Because it is the template filled in, it reads back through the validator unchanged: the legal
unit can hand it out, correct it and drop it back in.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from ita_model.cells import put_text
from ita_model.organisation import Organisation, load_organisation
from ita_model.readiness import Dataset
from ita_model.records import Status, status_label
from ita_model.template import HEADERS, OIT_SHEET, build_template, header_row, workbook_bytes


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def consolidated_workbook(
    dataset: Dataset, *, organisation: Organisation | None = None, when: datetime | None = None
) -> bytes:
    """The "all divisions" template, filled with what each division's latest workbook says."""
    org = organisation or load_organisation()
    wb = build_template("all", year=dataset.year, organisation=org)
    ws = wb[OIT_SHEET]
    top, cols = header_row(ws)
    current = dataset.oit_current()
    by_pair = {(r["division"], r["item"]): r for r in current.to_dict("records")}
    by_name = {d.name_th: d.id for d in org.divisions}
    c_item, c_div = cols[HEADERS["item"]], cols[HEADERS["division"]]
    c_status, c_url, c_updated = (
        cols[HEADERS["status"]],
        cols[HEADERS["url"]],
        cols[HEADERS["updated"]],
    )
    for row in range(top + 1, ws.max_row + 1):
        code = ws.cell(row, c_item).value
        div_id = by_name.get(ws.cell(row, c_div).value)
        if code is None or div_id is None:
            continue
        rec = by_pair.get((div_id, code))
        status = rec["status"] if rec else Status.NOT_STARTED.value
        ws.cell(row, c_status).value = status_label(status, "th")
        if rec is None:
            continue
        urls = rec.get("urls")
        if isinstance(urls, list | tuple) and urls:
            put_text(ws.cell(row, c_url), "\n".join(str(u) for u in urls))
        elif not _is_blank(rec.get("url")):
            put_text(ws.cell(row, c_url), str(rec["url"]))
        updated = rec.get("updated")
        if not _is_blank(updated):
            ws.cell(row, c_updated).value = (
                updated if isinstance(updated, date) else pd.Timestamp(updated).date()
            )
    stamp = when or datetime.combine(org.report_date, datetime.min.time())
    return workbook_bytes(wb, stamp)
