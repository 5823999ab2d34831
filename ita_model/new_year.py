"""Start a new fiscal year: each division's workbook for the new year, pre-filled from last year.

For every item a division owns in the new year, the links and the person responsible it gave
last year for the item(s) that item carries on (``mapping.py``) are written in; the status and
the date stay blank, because last year's "done" says nothing about this year. A note on each row
says where the row came from, so the clerk knows to check the link is this year's document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

import pandas as pd

from ita_model.cells import put_text
from ita_model.framework import load_framework
from ita_model.mapping import LinkKind, YearMapping, load_mapping
from ita_model.organisation import Organisation, load_organisation
from ita_model.readiness import Dataset, Source, load_dataset
from ita_model.settings import Settings
from ita_model.store import Store, open_store
from ita_model.template import HEADERS, OIT_SHEET, build_template, header_row, workbook_bytes


@dataclass(frozen=True)
class Written:
    division: str  # the division id
    path: Path
    rows: int  # item rows in its workbook
    prefilled: int  # rows that got last year's link or person


def _urls(row: pd.Series) -> list[str]:
    urls = row.get("urls")
    if isinstance(urls, list | tuple) and urls:
        return [str(u) for u in urls]
    url = row.get("url")
    return [str(url)] if isinstance(url, str) and url else []


def last_year_rows(dataset: Dataset) -> dict[tuple[str, str], pd.Series]:
    """(division id, item) -> that division's latest row for the item last year."""
    current = dataset.oit_current()
    return {(r["division"], r["item"]): r for _, r in current.iterrows() if r["division"]}


def note_for(mapping: YearMapping, code: str) -> str:
    """Where a new-year row comes from, in Thai (the clerk's language)."""
    link = mapping.link_to(code)
    old = ", ".join(link.old)
    y = mapping.from_year
    if link.kind == LinkKind.NEW:
        return f"ข้อใหม่ในปี {mapping.to_year} (ไม่มีในปี {y})"
    words = {
        LinkKind.SAME: f"ต่อจากข้อ {old} ปี {y}",
        LinkKind.RENAMED: f"ต่อจากข้อ {old} ปี {y} (เปลี่ยนชื่อ)",
        LinkKind.MERGED: f"รวมข้อ {old} ของปี {y}",
    }
    return words[link.kind] + " — ลิงก์เป็นของปีที่แล้ว ตรวจสอบและปรับเป็นข้อมูลปีนี้"


def build_new_year(
    from_year: int,
    to_year: int,
    out: Path,
    paths: Sequence[Path | Source] | None = None,
    *,
    organisation: Organisation | None = None,
    settings: Settings | None = None,
    store: Store | None = None,
) -> list[Written]:
    """Write ``out/oit_<to_year>_<division>.xlsx`` for every division with items in ``to_year``,
    from last year's workbooks given (``paths``), else what counts for it in the store."""
    org = organisation or load_organisation()
    mapping = load_mapping(from_year, to_year)
    fw = load_framework(to_year)
    if paths:
        dataset = load_dataset(paths, year=from_year, organisation=org, settings=settings)
    else:
        from ita_model.current import current_data

        dataset = current_data(store or open_store(settings=settings), from_year).dataset
    last = last_year_rows(dataset)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for division in org.reporting_divisions():
        if not org.items_of(division.id, fw.year):
            continue
        wb = build_template(division.id, year=to_year, organisation=org)
        ws = wb[OIT_SHEET]
        top, cols = header_row(ws)
        rows = prefilled = 0
        for r in range(top + 1, ws.max_row + 1):
            code = ws.cell(r, cols[HEADERS["item"]]).value
            if not code:
                continue
            rows += 1
            urls: list[str] = []
            owners: list[str] = []
            for old in mapping.sources(code):
                row = last.get((division.id, old))
                if row is None:
                    continue
                urls += [u for u in _urls(row) if u not in urls]
                owner = row.get("owner")
                if isinstance(owner, str) and owner and owner not in owners:
                    owners.append(owner)
            if urls:
                put_text(ws.cell(r, cols[HEADERS["url"]]), "\n".join(urls))
            if owners:
                put_text(ws.cell(r, cols[HEADERS["owner"]]), ", ".join(owners))
            prefilled += bool(urls or owners)
            put_text(ws.cell(r, cols[HEADERS["note"]]), note_for(mapping, code))
        path = out / f"oit_{to_year}_{division.id}.xlsx"
        path.write_bytes(workbook_bytes(wb, datetime.combine(org.report_date, time())))
        written.append(Written(division.id, path, rows, prefilled))
    return written
