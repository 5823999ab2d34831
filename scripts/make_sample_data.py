"""Generate the bundled sample data (``data/sample/``) as of the customer's report date.

    .venv/bin/python scripts/make_sample_data.py [--out DIR]

The sample is อบจ.พะเยา on 27 มี.ค. 2565, the date of its report on the FY2565 integrity measures
(shared/seed): one OIT workbook per division that owns items, filled in the way real clerks fill
them (BE text dates, Thai digits, an extra title row, a renamed status header, a "คลิก" link),
plus the measures, the ITA calendar, IIT/EIT survey progress and the 2564 scores.

What the seed says is kept (what was published, which meetings took place); where it is silent
the values are plausible, not real, and the URLs are made up. Run it twice and the bytes are the
same: fixed random seed, fixed workbook timestamps.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: E402
from openpyxl.utils import get_column_letter, range_boundaries  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402

from ita_model.organisation import Division, Organisation, load_organisation  # noqa: E402
from ita_model.records import Status, status_label  # noqa: E402
from ita_model.template import (  # noqa: E402
    FONT_NAME,
    FONT_SIZE,
    HEADERS,
    build_template,
    header_row,
    workbook_bytes,
)
from ita_model.thai import format_date, to_thai_digits  # noqa: E402

YEAR = 2565
SEED = 2565
SITE = "https://www.pao-phayao.go.th"  # illustrative: the PAO's real address may differ
AS_OF = date(2022, 3, 27)  # the seed's report date, ๒๗ มี.ค. ๒๕๖๕
STAMP = datetime(2022, 3, 27, 16, 30)  # workbook created/modified: fixed for stable bytes

D, P, N, X = Status.DONE, Status.IN_PROGRESS, Status.NOT_STARTED, Status.NOT_APPLICABLE
_CODE = {"D": D, "P": P, "N": N, "X": X}

# --------------------------------------------------------------------------- OIT plan


@dataclass(frozen=True)
class Plan:
    """One division's answer for one item."""

    status: Status
    path: str | tuple[str, ...] | None = None  # under SITE; several -> one URL per line
    updated: date | None = None
    note: str | None = None


# Items with named owners. The seed says what was already published: the risk assessment plan
# (o36/o37), manuals on the website (o13/o14), comment and complaint channels (o30/o32),
# procurement announcements (o22), the analysis and measures (o42) and this very report on them
# (o43, 27 มี.ค. 2565). The first half of FY2565 ends 31 มี.ค., so the six-month reports
# (o11, o19, o23, o31, o40) are still being written.
ITEMS: dict[str, Plan] = {
    "o01": Plan(D, "about/structure", date(2021, 11, 15)),
    "o02": Plan(D, "about/executives", date(2022, 1, 10)),
    "o03": Plan(D, "about/authority", date(2021, 11, 15)),
    "o04": Plan(D, "plan/local-development-plan-2561-2565", date(2021, 12, 3)),
    "o05": Plan(D, "contact", date(2021, 10, 20)),
    "o06": Plan(D, "laws", date(2022, 1, 28)),
    "o07": Plan(D, "news", date(2022, 3, 25), "ปรับปรุงข่าวทุกสัปดาห์"),
    "o08": Plan(D, "webboard", date(2022, 2, 7)),
    "o09": Plan(D, "social-network", date(2022, 2, 7), "Facebook: องค์การบริหารส่วนจังหวัดพะเยา"),
    "o10": Plan(D, "plan/action-plan-2565", date(2021, 11, 30)),
    "o11": Plan(P, None, None, "รายงานรอบ ๖ เดือน (ต.ค. ๖๔ – มี.ค. ๖๕) จะเผยแพร่ต้นเดือน เม.ย. ๖๕"),
    "o12": Plan(D, "plan/performance-report-2564", date(2021, 12, 20)),
    "o16": Plan(D, "survey/satisfaction-2564", date(2021, 12, 15)),
    "o18": Plan(D, "finance/spending-plan-2565", date(2021, 10, 29)),
    "o19": Plan(P, "finance/spending-report-2565-q1", date(2022, 1, 14), "ไตรมาส ๑ แล้ว รอไตรมาส ๒"),
    "o20": Plan(D, "finance/spending-report-2564", date(2021, 11, 26)),
    "o21": Plan(D, "procurement/plan-2565", date(2021, 10, 27)),
    "o22": Plan(D, "procurement/announcements", date(2022, 3, 24)),
    "o23": Plan(
        P,
        tuple(
            f"procurement/monthly-summary/{m}"
            for m in ("2021-10", "2021-11", "2021-12", "2022-01", "2022-02")
        ),
        date(2022, 3, 10),
        "เผยแพร่แล้ว ต.ค. ๖๔ – ก.พ. ๖๕ เหลือเดือน มี.ค. ๖๕",
    ),
    "o24": Plan(D, "procurement/annual-report-2564", date(2021, 11, 30)),
    "o25": Plan(D, "hr/policy", date(2021, 12, 1)),
    "o26": Plan(P, "hr/policy-actions-2565", date(2022, 2, 21), "ดำเนินการตามแผนพัฒนาบุคลากรต่อเนื่อง"),
    "o27": Plan(D, "hr/criteria", date(2021, 12, 1)),
    "o28": Plan(D, "hr/annual-report-2564", date(2021, 12, 24)),
    "o29": Plan(D, "complaints/anti-corruption-guideline", date(2022, 1, 20)),
    "o30": Plan(D, "complaints/corruption", date(2022, 1, 20)),
    "o31": Plan(P, "complaints/statistics-2565", date(2022, 3, 4), "สรุปรายเดือนถึง ก.พ. ๖๕"),
    "o32": Plan(D, "feedback", date(2022, 1, 31)),
    "o34": Plan(D, "integrity/no-gift-policy-2565", date(2022, 1, 18), "ประกาศโดยนายก อบจ.พะเยา"),
    "o36": Plan(D, "integrity/risk-assessment-2565", date(2022, 2, 18)),
    "o37": Plan(D, "integrity/risk-management-2565", date(2022, 3, 11)),
    "o39": Plan(D, "integrity/anti-corruption-plan-2565", date(2021, 12, 10)),
    "o40": Plan(P, None, None, "รอสรุปผลรอบ ๖ เดือน (ต.ค. ๖๔ – มี.ค. ๖๕)"),
    "o41": Plan(D, "integrity/anti-corruption-report-2564", date(2021, 11, 19)),
    "o42": Plan(D, "integrity/ita-measures-2565", date(2022, 1, 28)),
    "o43": Plan(
        D,
        "integrity/ita-measures-2565-progress",
        date(2022, 3, 27),
        "รายงานผลการดำเนินการตามมาตรการฯ ลงวันที่ ๒๗ มี.ค. ๒๕๖๕",
    ),
}

# Where two divisions share an item, the second one's answer differs from the plan above.
SHARED: dict[tuple[str, str], Plan] = {
    ("it", "o01"): Plan(D, "about/structure", date(2021, 11, 16), "นำขึ้นเว็บไซต์"),
    ("it", "o02"): Plan(D, "about/executives", date(2022, 1, 11), "นำขึ้นเว็บไซต์"),
    ("strategy", "o03"): Plan(D, "about/authority", date(2021, 11, 15)),
    ("legal", "o06"): Plan(D, "laws", date(2022, 1, 28), "กฎหมาย ระเบียบ ที่เกี่ยวข้อง"),
    ("it", "o30"): Plan(D, "complaints/corruption", date(2022, 1, 20), "แยกจากช่องทางร้องเรียนทั่วไป"),
    ("it", "o31"): Plan(P, "complaints/statistics-2565", date(2022, 3, 4)),
    ("audit", "o36"): Plan(D, "integrity/risk-assessment-2565", date(2022, 2, 18)),
    ("audit", "o37"): Plan(D, "integrity/risk-management-2565", date(2022, 3, 11)),
}

# The items every division owns (ทุกส่วนราชการ): o13 work manual, o14 service manual,
# o15 service statistics (first half: mostly still open), o33 participation, o35 the
# executives' participation, o38 organisational culture. D done, P in progress, N not started,
# X not applicable.
EVERY_DIVISION_ITEMS = ("o13", "o14", "o15", "o33", "o35", "o38")
EVERY_DIVISION: dict[str, str] = {
    "office": "DDPDDD",
    "legal": "DDPDDD",
    "admin": "DDPDDP",
    "it": "DDDDDD",
    "personnel": "DDPDDP",
    "strategy": "DDPDDD",
    "finance": "DDDDDP",
    "procurement": "DDPDPD",
    "audit": "DXPNDP",
    "council": "DPPPDN",
    "engineering": "DDPDPN",
    "education": "DDPDDP",
    "health": "PDPPPN",
    "welfare": "DDPPDP",
}
_EVERY_PATH = {
    "o13": "manual/operation",
    "o14": "manual/service",
    "o15": "statistics/service",
    "o33": "participation",
    "o35": "executive-participation",
    "o38": "ethics",
}
# o17 E-Service, owned by every division that serves the public.
E_SERVICE: dict[str, str] = {
    "office": "D",
    "it": "D",
    "finance": "D",
    "procurement": "D",
    "engineering": "P",
    "education": "D",
    "health": "N",
    "welfare": "P",
}

# Who fills in each workbook: position titles, not people.
OWNER: dict[str, str] = {
    "office": "นักจัดการงานทั่วไป",
    "legal": "นิติกร",
    "admin": "นักจัดการงานทั่วไป",
    "it": "นักวิชาการคอมพิวเตอร์",
    "personnel": "นักทรัพยากรบุคคล",
    "strategy": "นักวิเคราะห์นโยบายและแผน",
    "finance": "นักวิชาการเงินและบัญชี",
    "procurement": "นักวิชาการพัสดุ",
    "audit": "นักวิชาการตรวจสอบภายใน",
    "council": "เจ้าพนักงานธุรการ",
    "engineering": "นายช่างโยธา",
    "education": "นักวิชาการศึกษา",
    "health": "นักวิชาการสาธารณสุข",
    "welfare": "นักพัฒนาชุมชน",
}


@dataclass(frozen=True)
class Style:
    """How one division's clerk writes things."""

    # numeric 26/01/2565 · short 26 ม.ค. 2565 · long 26 มกราคม 2565 · two_digit 26/1/65 ·
    # cell (an Excel date) · be_cell (a BE date typed into a date cell: the year came out 2565)
    dates: str = "numeric"
    thai_digits: bool = False  # dates and item codes in Thai digits (๐๒๙, ๒๖ ม.ค. ๒๕๖๕)
    extra_title: str | None = None  # a row the clerk inserted above everything
    status_header: str | None = None  # the status column renamed (to another alias)
    click_links: bool = False  # links shown as "คลิก" with the URL as the hyperlink target


STYLES: dict[str, Style] = {
    "legal": Style(dates="short", thai_digits=True),
    "finance": Style(dates="cell", status_header="สถานะการดำเนินการ"),
    "personnel": Style(extra_title="ข้อมูล ณ วันที่ ๒๕ มีนาคม ๒๕๖๕ (ฉบับปรับปรุงครั้งที่ ๒)"),
    "it": Style(dates="short", click_links=True),
    "strategy": Style(dates="long"),
    "procurement": Style(dates="two_digit"),
    "health": Style(dates="short", thai_digits=True),
    "audit": Style(dates="be_cell"),
}


def plan_for(org: Organisation, division: Division, rng: random.Random) -> dict[str, Plan]:
    """Every item the division owns, with its answer as of 27 มี.ค. 2565."""
    out: dict[str, Plan] = {}
    every = dict(zip(EVERY_DIVISION_ITEMS, EVERY_DIVISION[division.id], strict=True))
    for code in org.items_of(division.id, YEAR):
        if code in every:
            status = _CODE[every[code]]
            out[code] = _every_plan(code, division.id, status, rng)
        elif code == "o17":
            out[code] = _every_plan(code, division.id, _CODE[E_SERVICE[division.id]], rng)
        else:
            out[code] = SHARED.get((division.id, code), ITEMS[code])
    return out


def _every_plan(code: str, div: str, status: Status, rng: random.Random) -> Plan:
    path = f"{_EVERY_PATH.get(code, 'e-service')}/{div}"
    if status is D:
        return Plan(D, path, date(2022, rng.randint(1, 3), rng.randint(1, 25)))
    if status is P:
        if rng.random() < 0.5:
            return Plan(P, path, date(2022, rng.randint(1, 3), rng.randint(1, 25)), "บางส่วน")
        return Plan(P, None, None, "อยู่ระหว่างรวบรวมข้อมูล")
    if status is X:
        return Plan(X, None, None, "ไม่มีภารกิจให้บริการประชาชนโดยตรง")
    return Plan(N)


def _date_text(d: date, style: Style) -> date | str:
    if style.dates == "cell":
        return d
    if style.dates == "be_cell":
        return d.replace(year=d.year + 543)
    if style.dates == "two_digit":
        text = f"{d.day}/{d.month}/{(d.year + 543) % 100:02d}"
    else:
        text = format_date(d, style=style.dates)
    return to_thai_digits(text) if style.thai_digits else text


def oit_workbook(org: Organisation, division: Division, rng: random.Random) -> Workbook:
    """The division's template, filled in as its clerk would."""
    style = STYLES.get(division.id, Style())
    wb = build_template(division.id, year=YEAR, organisation=org)
    ws = wb["OIT"]
    if style.extra_title:
        _insert_title(ws, style.extra_title)
    top, cols = header_row(ws)
    if style.status_header:
        ws.cell(top, cols[HEADERS["status"]], style.status_header)
    plans = plan_for(org, division, rng)
    for r in range(top + 1, ws.max_row + 1):
        code = ws.cell(r, cols[HEADERS["item"]]).value
        if code not in plans:
            continue
        plan = plans[code]
        if style.thai_digits:
            ws.cell(r, cols[HEADERS["item"]], to_thai_digits(code[1:].zfill(3)))  # ๐๒๙
        ws.cell(r, cols[HEADERS["status"]], status_label(plan.status))
        if plan.path:
            paths = (plan.path,) if isinstance(plan.path, str) else plan.path
            urls = [f"{SITE}/{p}" for p in paths]
            cell = ws.cell(r, cols[HEADERS["url"]])
            if style.click_links and len(urls) == 1:
                cell.value = "คลิก"
                cell.hyperlink = urls[0]
                cell.font = Font(name=FONT_NAME, size=FONT_SIZE, color="0563C1", underline="single")
            else:
                cell.value = "\n".join(urls)
        if plan.updated:
            ws.cell(r, cols[HEADERS["updated"]], _date_text(plan.updated, style))
        ws.cell(r, cols[HEADERS["owner"]], OWNER[division.id])
        if plan.note:
            ws.cell(r, cols[HEADERS["note"]], plan.note)
    return wb


def _insert_title(ws: Worksheet, text: str) -> None:
    """Insert a row on top, moving what openpyxl's insert_rows leaves behind as Excel would."""
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    ws.insert_rows(1)
    for r in sorted(heights, reverse=True):
        ws.row_dimensions[r + 1].height = heights[r]
    ws.row_dimensions[1].height = None
    for dv in ws.data_validations.dataValidation:
        ranges = [str(rng) for rng in dv.sqref.ranges]
        dv.sqref = " ".join(_shift_range(r) for r in ranges)
    if ws.freeze_panes:
        frozen = ws[ws.freeze_panes]
        ws.freeze_panes = ws.cell(frozen.row + 1, frozen.column)
    top = int(ws.print_title_rows.split(":")[0].lstrip("$")) + 1
    ws.print_title_rows = f"{top}:{top}"
    ref = ws.auto_filter.ref
    if ref:
        ws.auto_filter.ref = _shift_range(ref)
    ws.cell(1, 1, text).font = Font(name=FONT_NAME, size=FONT_SIZE, italic=True, color="C00000")


def _shift_range(ref: str) -> str:
    c1, r1, c2, r2 = range_boundaries(ref)
    return f"{get_column_letter(c1)}{r1 + 1}:{get_column_letter(c2)}{r2 + 1}"


# --------------------------------------------------------------------------- simple tables

_THIN = Side(style="thin", color="9E9E9E")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")


def _table(
    title: list[str],
    sheet: str,
    header: list[tuple[str, float]],
    rows: list[list[object]],
    *,
    date_format: str = "dd/mm/yyyy",
) -> tuple[Workbook, Worksheet, int]:
    """A titled, bordered table in the house font; returns the header's row number."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r, text in enumerate(title, start=1):
        ws.cell(r, 1, text).font = Font(name=FONT_NAME, size=FONT_SIZE + 2, bold=True)
    top = len(title) + 2 if title else 1
    for c, (text, width) in enumerate(header, start=1):
        cell = ws.cell(top, c, text)
        cell.font = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, values in enumerate(rows, start=top + 1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            cell.font = Font(name=FONT_NAME, size=FONT_SIZE)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, date):
                cell.number_format = date_format
    ws.freeze_panes = ws.cell(top + 1, 1)
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{top}:{top}"
    wb.properties.creator = wb.properties.lastModifiedBy = "อบจ.พะเยา"
    wb.properties.language = "th-TH"
    return wb, ws, top


# The seed's first table, OCR fixed ("รมรงค์" → "รณรงค์", "ปัดประกาศ" → "ปิดประกาศ",
# "เฟสบุ๊ก" → "เฟซบุ๊ก", "๐๑ – ๐๔๓" → "o1 – o43"), with a status per action as of 27 มี.ค. 2565.
_LEGAL = "ฝ่ายนิติการ สำนักปลัด อบจ.พะเยา"
_EVERYONE = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนจังหวัดพะเยา"
MEASURES: list[tuple[str | None, str, str, str, str, Status]] = [
    (
        "(๑) การยกระดับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕",
        "๑. แต่งตั้งคณะกรรมการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ "
        "ประจำปีงบประมาณ พ.ศ. ๒๕๖๕",
        _LEGAL,
        "มกราคม ๒๕๖๕",
        "คำสั่ง อบจ.พะเยา ที่ ๕๙/๒๕๖๕ ลงวันที่ ๑๔ มกราคม ๒๕๖๕",
        D,
    ),
    (
        None,
        "๒. แบ่งหน้าที่ความรับผิดชอบของแต่ละส่วนราชการในสังกัดองค์การบริหารส่วนจังหวัดพะเยา "
        "ตามกรอบการประเมิน (แบบตรวจการเปิดเผยข้อมูลสาธารณะ) ตัวชี้วัดที่ ๙ และตัวชี้วัดที่ ๑๐",
        _LEGAL,
        "มกราคม ๒๕๖๕",
        "มีการแบ่งหน้าที่ความรับผิดชอบให้ฝ่าย/สำนัก/กองในสังกัด อบจ.พะเยา แยกตามเกณฑ์ตัวชี้วัด "
        "o1 – o43 เมื่อวันที่ ๒๖ มกราคม ๒๕๖๕",
        D,
    ),
    (
        None,
        "๓. กำกับและติดตามผลการดำเนินงานการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของ"
        "หน่วยงานภาครัฐ ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ ตามข้อมูล ๓ ส่วน คือ ส่วนที่ ๑ "
        "การเก็บข้อมูลจากบุคลากรในหน่วยงานภาครัฐ (IIT) ส่วนที่ ๒ การเก็บข้อมูลจากผู้รับบริการ"
        "หรือผู้มาติดต่อหน่วยงานภาครัฐ (EIT) ส่วนที่ ๓ การเปิดเผยข้อมูล (OIT) เป็นประจำ",
        _EVERYONE,
        "มกราคม - เมษายน ๒๕๖๕",
        "มีการประชาสัมพันธ์การตอบแบบวัดการรับรู้ผู้มีส่วนได้ส่วนเสียภายใน (IIT) "
        "และแบบวัดการรับรู้ผู้มีส่วนได้ส่วนเสียภายนอก (EIT) ทางเว็บไซต์หน่วยงาน "
        "เพจเฟซบุ๊กหน่วยงาน และป้ายประชาสัมพันธ์หน้าสำนักงาน มีการติดตามทางกลุ่มไลน์ของหน่วยงาน",
        P,
    ),
    (
        None,
        "๔. เผยแพร่ผลการดำเนินงานขององค์การบริหารส่วนจังหวัดพะเยา เพื่อให้ประชาชนทั่วไปได้รับทราบ"
        "ผ่านช่องทางต่าง ๆ ได้แก่ ปิดประกาศภายในสำนักงานองค์การบริหารส่วนจังหวัดพะเยา "
        "เฟซบุ๊ก เว็บไซต์",
        _EVERYONE,
        "ธ.ค. ๒๕๖๔ – มีนาคม ๒๕๖๕",
        "มีการเผยแพร่ผลการดำเนินงานของ อบจ.พะเยา ทางหน้าเว็บไซต์หน่วยงาน เฟซบุ๊ก "
        "สื่อสิ่งพิมพ์ เช่น ประกาศจัดซื้อจัดจ้าง การดำเนินงานตามโครงการต่าง ๆ",
        D,
    ),
    (
        None,
        "๕. เข้าร่วมประชุมเชิงปฏิบัติการเพื่อเสริมสร้างคุณธรรมและความโปร่งใสในการดำเนินงานของ"
        "หน่วยงานภาครัฐ ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ ของสำนักงาน ป.ป.ช. ทุกครั้ง",
        "ฝ่ายนิติการ สำนักปลัด องค์การบริหารส่วนจังหวัดพะเยา",
        "ธ.ค. ๒๕๖๔ เป็นต้นไป",
        "เข้าร่วมประชุมชี้แจงการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ "
        "ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ ของสำนักงาน ป.ป.ช. ภาค ๕ ผ่านช่องทางออนไลน์ "
        "ณ ฝ่ายนิติการ อบจ.พะเยา วันที่ ๑๐, ๑๗ และ ๒๔ กุมภาพันธ์ ๒๕๖๕",
        P,
    ),
    (
        None,
        "๖. ประชุมคณะกรรมการประเมินคุณธรรมและความโปร่งใส วันที่ ๒๖ มกราคม ๒๕๖๕ "
        "ณ ห้องประชุมสภาฯ ชั้น ๒ อาคาร ๑",
        "ฝ่ายนิติการ สำนักปลัด องค์การบริหารส่วนจังหวัดพะเยา",
        "มกราคม ๒๕๖๕",
        "มีการจัดประชุมคณะกรรมการฯ เพื่อเตรียมความพร้อมรับการประเมินคุณธรรมและความโปร่งใส"
        "ในการดำเนินงานของหน่วยงานภาครัฐ ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ วันที่ ๒๖ ม.ค. ๒๕๖๕ "
        "ณ ห้องประชุมสภาฯ ชั้น ๒ อาคาร ๑",
        D,
    ),
    (
        "(๒) การประเมินความเสี่ยงเพื่อป้องกันการทุจริต และการดำเนินการเพื่อจัดการความเสี่ยงทุจริต",
        "- รายงานการวิเคราะห์ความเสี่ยง การดำเนินการเพื่อจัดการความเสี่ยง\n"
        "- ปรับปรุงเว็บไซต์ของหน่วยงานที่เกี่ยวข้องกับการประเมินความเสี่ยงเพื่อป้องกันการทุจริต "
        "และการดำเนินการเพื่อจัดการความเสี่ยง",
        "- หน่วยตรวจสอบภายใน\n- ฝ่ายสถิติข้อมูลและสารสนเทศ\n- ฝ่ายนิติการ",
        "มกราคม – เมษายน ๒๕๖๕",
        "(๑) มีการจัดทำแผนการประเมินความเสี่ยงการทุจริตของ อบจ.พะเยา ประจำปีงบประมาณ "
        "พ.ศ. ๒๕๖๕\n(๒) เผยแพร่ทางเว็บไซต์หน่วยงาน\n(๓) มีการจัดการความเสี่ยง",
        D,
    ),
    (
        "(๓) การปรับปรุงพัฒนาการปฏิบัติงาน การให้บริการผู้มาติดต่อราชการที่เป็นไปตามขั้นตอนและ"
        "ระยะเวลาที่กำหนด โปร่งใส ตรวจสอบได้",
        "(๑) รณรงค์พัฒนาจิตสำนึกการให้บริการกับเจ้าหน้าที่ผ่านสื่อสังคมออนไลน์หรือสื่อสารสนเทศ"
        "ของหน่วยงานหรือแก่ผู้มาติดต่อราชการ\n"
        "(๒) เผยแพร่คู่มือการปฏิบัติงานต่าง ๆ ทางเว็บไซต์ของหน่วยงาน\n"
        "(๓) ประชาสัมพันธ์ช่องทางแสดงความคิดเห็นเพื่อให้การดำเนินงานมีความโปร่งใส",
        "ทุกส่วนราชการ",
        "ม.ค.-ก.ย.๖๕",
        "๑. มีการเผยแพร่คู่มือการปฏิบัติงานทางเว็บไซต์หน่วยงาน\n๒. มีช่องทางแสดงความคิดเห็น",
        P,
    ),
    (
        "(๔) การถือปฏิบัติตามแนวทางการใช้ทรัพย์สินของราชการ",
        "ประชุมชี้แจงทำความเข้าใจเกี่ยวกับแนวทางปฏิบัติเกี่ยวกับการใช้ทรัพย์สินของทางราชการ"
        "ให้แก่เจ้าหน้าที่อย่างน้อยปีละ ๑ ครั้ง",
        "ฝ่ายทะเบียนพัสดุทรัพย์สิน",
        "งบประมาณ ๒๕๖๕",
        "อยู่ระหว่างการดำเนินการ",
        P,
    ),
]


def measures_workbook() -> Workbook:
    header = [
        ("มาตรการ/แนวทาง", 30),
        ("วิธีการดำเนินการ", 55),
        ("ผู้รับผิดชอบ", 24),
        ("ระยะเวลาดำเนินการ", 18),
        ("ผลการดำเนินงาน", 50),
        ("ข้อเสนอแนะ", 16),
        ("สถานะ", 18),
    ]
    rows = [
        [m, a, who, when, result, None, status_label(s)] for m, a, who, when, result, s in MEASURES
    ]
    wb, ws, top = _table(
        [
            "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส"
            "ขององค์การบริหารส่วนจังหวัดพะเยา ประจำปีงบประมาณ พ.ศ. ๒๕๖๕",
            "มาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงานให้ดีขึ้น",
        ],
        "มาตรการ",
        header,
        rows,
    )
    # The measure cell spans its actions, as in the report: blank continuation cells below it.
    first = None
    for r, (measure, *_rest) in enumerate(MEASURES, start=top + 1):
        if measure is not None:
            if first is not None and r - 1 > first:
                ws.merge_cells(start_row=first, start_column=1, end_row=r - 1, end_column=1)
            first = r
    last = top + len(MEASURES)
    if first is not None and last > first:
        ws.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
    return wb


# --------------------------------------------------------------------------- timeline

_TOOL_GENERAL = "ทั่วไป"

# The seed's eleven steps, with the NACC calendar's dates (ita-facts.md refines the seed's months).
STEPS: list[tuple[str, str, date, date, str | None]] = [
    (
        "การลงทะเบียนเข้าระบบ ITAS และนำเข้าข้อมูลหน่วยงาน",
        _TOOL_GENERAL,
        date(2022, 1, 1),
        date(2022, 2, 28),
        None,
    ),
    (
        "การระบุข้อมูลผู้มีส่วนได้ส่วนเสียภายใน/ภายนอก",
        _TOOL_GENERAL,
        date(2022, 1, 1),
        date(2022, 2, 28),
        None,
    ),
    ("การรวบรวมข้อมูลตามแบบวัด IIT", "IIT", date(2022, 3, 1), date(2022, 5, 31), None),
    ("การรวบรวมข้อมูลตามแบบวัด EIT", "EIT", date(2022, 3, 1), date(2022, 5, 31), None),
    ("การตอบแบบวัด OIT", "OIT", date(2022, 3, 1), date(2022, 4, 30), None),
    (
        "การตรวจสอบและให้คะแนนแบบวัด OIT",
        "OIT",
        date(2022, 5, 1),
        date(2022, 5, 31),
        "ป.ป.ช. ภาค ๕ ชี้แจงว่าเดือนมิถุนายน ปฏิทินของสำนักงาน ป.ป.ช. กำหนด ๑–๓๑ พ.ค.",
    ),
    (
        "การชี้แจงเพิ่มเติมและยืนยันผลแบบวัด OIT",
        "OIT",
        date(2022, 6, 1),
        date(2022, 6, 30),
        "ชี้แจงเพิ่มเติม ๑–๑๕ มิ.ย. ยืนยันผล ๑๖–๓๐ มิ.ย.",
    ),
    ("การประมวลผลการประเมิน", _TOOL_GENERAL, date(2022, 7, 1), date(2022, 7, 31), None),
    ("การจัดทำรายงานผลการประเมิน", _TOOL_GENERAL, date(2022, 7, 1), date(2022, 7, 31), None),
    ("การกลั่นกรองและนำเสนอผลการประเมิน", _TOOL_GENERAL, date(2022, 8, 1), date(2022, 8, 31), None),
    (
        "การประกาศและเผยแพร่รายงานผลการประเมิน",
        _TOOL_GENERAL,
        date(2022, 8, 1),
        date(2022, 8, 31),
        None,
    ),
]

# Every meeting the seed reports, one day each.
MEETINGS: list[tuple[str, date, str | None]] = [
    (
        "สัมมนาแนวทางการยกระดับผลการประเมิน ITA ขององค์กรปกครองส่วนท้องถิ่น ของสำนักงาน ป.ป.ช.",
        date(2022, 1, 14),
        "Zoom Webinar เวลา ๐๘.๓๐–๑๖.๐๐ น.",
    ),
    ("คำสั่ง อบจ.พะเยา ที่ ๕๙/๒๕๖๕ แต่งตั้งคณะกรรมการประเมินคุณธรรมและความโปร่งใส", date(2022, 1, 14), None),
    (
        "ประชุมชี้แจงกรอบการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ ระดับภาค ๕ (สำนักงาน ป.ป.ช. ภาค ๕)",
        date(2022, 1, 21),
        "Zoom Webinar เวลา ๐๘.๓๐–๑๒.๐๐ น.",
    ),
    (
        "ประชุมคณะกรรมการประเมินคุณธรรมและความโปร่งใส อบจ.พะเยา",
        date(2022, 1, 26),
        "ห้องประชุมสภาฯ ชั้น ๒ อาคาร ๑",
    ),
    ("แบ่งหน้าที่ความรับผิดชอบของส่วนราชการตามตัวชี้วัด o1 – o43", date(2022, 1, 26), "มติที่ประชุมคณะกรรมการฯ"),
    (
        "อบรมสัมมนาเพื่อขับเคลื่อนการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ ของจังหวัดพะเยา",
        date(2022, 1, 31),
        "Microsoft Teams",
    ),
    *[
        (
            "ประชุมรับฟังคำชี้แจงการประเมิน ITA ของสำนักงาน ป.ป.ช. ภาค ๕ (ออนไลน์)",
            date(2022, 2, day),
            "ณ ฝ่ายนิติการ อบจ.พะเยา",
        )
        for day in (10, 17, 24)
    ],
    (
        "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๕",
        date(2022, 3, 27),
        "เสนอปลัดและนายก อบจ.พะเยา",
    ),
]


def _as_of(start: date, end: date) -> Status:
    if end <= AS_OF:
        return D
    return P if start <= AS_OF else N


def timeline_workbook() -> Workbook:
    header = [
        ("กิจกรรม", 60),
        ("แบบวัด", 10),
        ("เริ่ม", 14),
        ("สิ้นสุด", 14),
        ("สถานะ", 20),
        ("หมายเหตุ", 45),
    ]
    rows: list[list[object]] = []
    for activity, tool, start, end, note in STEPS:
        rows.append([activity, tool, start, end, status_label(_as_of(start, end)), note])
    for activity, day, note in MEETINGS:
        # typed by hand, the way the legal unit writes dates in its letters
        text = to_thai_digits(format_date(day))
        rows.append([activity, _TOOL_GENERAL, text, text, status_label(_as_of(day, day)), note])
    wb, _ws, _top = _table(
        [
            "กำหนดการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ และการประชุมที่เกี่ยวข้อง",
            f"ข้อมูล ณ วันที่ {to_thai_digits(format_date(AS_OF, style='long'))}",
        ],
        "กำหนดการ",
        header,
        rows,
    )
    return wb


# --------------------------------------------------------------------------- survey, scores

# Assumed minimums for an agency of this size (the NACC sets them per agency in ITAS; these are
# not the PAO's real figures): IIT 52 staff, EIT 100 outside stakeholders.
IIT_TARGET = 52
EIT_TARGET = 100
SURVEY_DAYS = [date(2022, 3, d) for d in (4, 11, 18, 25)]  # Fridays, IIT/EIT opened 1 มี.ค.


def survey_workbook(rng: random.Random) -> Workbook:
    rows: list[list[object]] = []
    for tool, target, weekly in (("IIT", IIT_TARGET, (9, 16)), ("EIT", EIT_TARGET, (10, 22))):
        total = 0
        for day in SURVEY_DAYS:
            total += rng.randint(*weekly)
            rows.append([tool, day, total, target])
    wb, _ws, _top = _table(
        ["ความคืบหน้าการตอบแบบวัด IIT / EIT (จำนวนผู้ตอบสะสม)", "เป้าหมายเป็นค่าสมมติสำหรับข้อมูลตัวอย่าง"],
        "IIT-EIT",
        [("แบบวัด", 12), ("วันที่", 14), ("จำนวนผู้ตอบ", 14), ("เป้าหมาย", 12)],
        rows,
    )
    return wb


# Illustrative 2564 results, not the PAO's official ones: below the national average (81.25),
# weakest on disclosure (9), prevention (10) and state property (4) -- the areas the 2565
# measures address.
SCORES_2564: dict[int, float] = {
    1: 92.47,
    2: 85.16,
    3: 88.92,
    4: 80.35,
    5: 84.71,
    6: 86.28,
    7: 82.94,
    8: 79.63,
    9: 72.50,
    10: 62.50,
}


def scores_workbook(org: Organisation) -> Workbook:
    from ita_model.framework import load_framework

    names = {ind.number: ind.name_th for ind in load_framework(YEAR).indicators}
    rows = [[2564, f"ตัวชี้วัดที่ {n} {names[n]}", score] for n, score in SCORES_2564.items()]
    wb, ws, top = _table(
        [f"ผลการประเมิน ITA ปีงบประมาณ พ.ศ. ๒๕๖๔ — {org.name_th} (ข้อมูลตัวอย่าง)"],
        "ผลคะแนน",
        [("ปีงบประมาณ", 14), ("ตัวชี้วัด", 40), ("คะแนน", 12)],
        rows,
    )
    for r in range(top + 1, top + 1 + len(rows)):
        ws.cell(r, 3).number_format = "0.00"
    return wb


# --------------------------------------------------------------------------- main


def generate(out: Path) -> list[Path]:
    """Write every sample file into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    org = load_organisation()
    rng = random.Random(SEED)
    books: dict[str, Workbook] = {}
    for division in org.reporting_divisions():
        if org.items_of(division.id, YEAR):
            books[f"oit_{division.id}.xlsx"] = oit_workbook(org, division, rng)
    books["measures.xlsx"] = measures_workbook()
    books["timeline.xlsx"] = timeline_workbook()
    books["survey.xlsx"] = survey_workbook(rng)
    books["scores.xlsx"] = scores_workbook(org)
    written = []
    for name, wb in books.items():
        path = out / name
        path.write_bytes(workbook_bytes(wb, STAMP))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "sample", help="folder")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
