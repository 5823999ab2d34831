"""The year's calendar of the set-up: the NACC's steps and the agency's own meetings.

It is offered from ``nacc_calendar.yaml`` (the 2565 days, to be checked against the year's
announcement), edited on the set-up page, kept in the store, and handed to every page as a
``timeline`` workbook submitted to the store, so the overview's next deadline and the timeline
page read it like any division's file.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ita_model.agency import CalendarEntry
from ita_model.datafile import read_yaml
from ita_model.template import workbook_bytes
from ita_model.thai import BE_OFFSET

_STEPS_FILE = Path(__file__).with_name("nacc_calendar.yaml")
TIMELINE_HEADER = ["กิจกรรม", "เริ่ม", "สิ้นสุด", "แบบวัด", "หมายเหตุ"]


@functools.cache
def _steps() -> dict[str, Any]:
    return read_yaml(_STEPS_FILE)


def default_calendar(year: int) -> list[CalendarEntry]:
    """The NACC steps on the 2565 days of the year, each noted as to be checked."""
    data = _steps()
    ce = year - BE_OFFSET  # January–September of fiscal year 2570 are in 2027
    out = []
    for step in data["steps"]:
        end = step.get("end")
        out.append(
            CalendarEntry(
                activity=step["activity"],
                start=date(ce, *step["start"]),
                end=date(ce, *end) if end else None,
                phase=step.get("phase") or "",
                note=data["note_th"],
            )
        )
    return out


def calendar_workbook(entries: list[CalendarEntry], agency_name: str, year: int) -> bytes:
    """The calendar as a ``timeline`` workbook (the contract's header words)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "กำหนดการ"
    ws.append([agency_name])
    ws.append([f"ปฏิทินการประเมิน ITA ปีงบประมาณ {year}"])
    ws.append(TIMELINE_HEADER)
    for e in sorted(entries, key=lambda e: (e.start, e.activity)):
        ws.append([e.activity, e.start, e.end, e.phase or None, e.note or None])
    for col, width in zip("ABCDE", (60, 14, 14, 10, 50), strict=True):
        ws.column_dimensions[col].width = width
    return workbook_bytes(wb, datetime(2000, 1, 1))
