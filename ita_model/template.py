"""The OIT workbook a division fills in: its own items, a status drop-down, Thai instructions.

Written with openpyxl because only it writes data validation (the drop-down). The header words
come from ``sheet_kinds.yaml`` and the drop-down words from ``statuses.yaml``, so the template can
never ask for something the reader refuses. A blank template validates with warnings only (blank
statuses); a filled one validates clean.

The item name (``ข้อมูล``) and its components (``องค์ประกอบด้านข้อมูล``) are columns the reader does
not know: they are there for the clerk, and cost one "unknown column" notice each (not a warning).
Putting the name inside the code cell ("o01 โครงสร้าง", which the reader accepts) would save one
notice but make the code column wide and the sheet unlike the table clerks know from the NACC.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ita_model.cells import put_text
from ita_model.errors import UnknownDivision
from ita_model.framework import Framework, Item, load_framework
from ita_model.i18n import t
from ita_model.organisation import Division, Organisation, load_organisation
from ita_model.records import Status, status_label
from ita_model.schema import sheet_kinds
from ita_model.thai import MONTHS_TH, format_date, to_thai_digits

OIT_SHEET = "OIT"
GUIDE_SHEET = "คำแนะนำ"
ALL_DIVISIONS = ("all", "ทุกส่วนราชการ")
FONT_NAME = "TH Sarabun New"  # the Thai government's standard font
FONT_SIZE = 14
EXTRA_VALIDATED_ROWS = 50  # the drop-down also covers a few rows a clerk may add below

# When agencies answer the OIT in the NACC's system (ita-facts.md, "Calendar of ITA 2565").
# A year without an entry simply has no deadline line in the instructions.

_OIT = sheet_kinds()["oit"].columns
ITEM_NAME_HEADER = "ข้อมูล"
COMPONENTS_HEADER = "องค์ประกอบด้านข้อมูล"


@dataclass(frozen=True)
class _Col:
    key: str  # the reader's column name, or "" for a column only people read
    header: str
    width: float
    wrap: bool = True
    number_format: str | None = None


# The first alias of each column is the word the template writes (sheet_kinds.yaml).
_COLUMNS = [
    _Col("item", _OIT["item"][0], 7, wrap=False),
    _Col("", ITEM_NAME_HEADER, 28),
    _Col("", COMPONENTS_HEADER, 60),
    _Col("division", _OIT["division"][0], 24),
    _Col("status", _OIT["status"][0], 20),
    _Col("url", _OIT["url"][0], 45, number_format="@"),
    # Text or date: a BE text date stays text, a date cell shows day first.
    _Col("updated", _OIT["updated"][0], 15, number_format="dd/mm/yyyy"),
    _Col("owner", _OIT["owner"][0], 20),
    _Col("note", _OIT["note"][0], 28),
]

HEADERS: dict[str, str] = {c.key: c.header for c in _COLUMNS if c.key}
"""The reader's column name -> the header word the template writes."""

_THIN = Side(style="thin", color="9E9E9E")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_ITEM_FILL = PatternFill("solid", fgColor="F2F2F2")
_TOP = Alignment(vertical="top", wrap_text=True)
_TOP_NOWRAP = Alignment(vertical="top")


def _font(*, bold: bool = False, size: float = FONT_SIZE, color: str | None = None) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, color=color)


# --------------------------------------------------------------------------- public


def write_template(division: str, out: Path, *, year: int = 2565) -> Path:
    """Write a division's blank OIT workbook (or every item's, for "all") to ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(template_bytes(division, year=year))
    return out


def template_bytes(division: str, *, year: int = 2565) -> bytes:
    """The blank workbook as bytes, for the dashboard's download button."""
    org = load_organisation()
    return workbook_bytes(build_template(division, year=year, organisation=org), _stamp(org))


def build_template(
    division: str, *, year: int = 2565, organisation: Organisation | None = None
) -> Workbook:
    """The blank workbook in memory, so the sample generator can fill it before saving."""
    org = organisation or load_organisation()
    fw = load_framework(year)
    target = resolve_division(division, org)
    wb = Workbook()
    ws = wb.active
    ws.title = OIT_SHEET
    _write_oit(ws, fw, org, target)
    _write_guide(wb.create_sheet(GUIDE_SHEET), fw, org, target)
    wb.active = 0
    props = wb.properties
    props.creator = org.short_th
    props.lastModifiedBy = org.short_th
    props.title = _title(year)
    props.subject = _whose(org, target)
    props.language = "th-TH"
    return wb


def resolve_division(division: str, org: Organisation) -> Division | None:
    """The division a name, alias or id names; None for "all". Raises for an unknown name."""
    if division.strip().casefold() in ALL_DIVISIONS:
        return None
    found = org.match_division(division)
    if found is None:
        names = ", ".join(d.id for d in org.reporting_divisions())
        raise UnknownDivision(
            f"ไม่พบส่วนราชการ '{division}' (มี: {names} หรือ all) — "
            f"no division '{division}' (known: {names} or all)"
        )
    return org.reporting_division(found.id)


def header_row(ws: Worksheet) -> tuple[int, dict[str, int]]:
    """The template's header row and the column number of each header word, for fillers."""
    for row in ws.iter_rows(min_row=1, max_row=15):
        texts = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if HEADERS["item"] in texts and any(word in texts for word in _OIT["status"]):
            return row[0].row, texts
    raise ValueError(f"no template header row in sheet {ws.title!r}")


def workbook_bytes(wb: Workbook, when: datetime) -> bytes:
    """Save with fixed timestamps, so the same workbook gives the same bytes every time.

    openpyxl's own ``save`` stamps "modified" with now, and zip entries carry the clock time.
    """
    wb.properties.created = when
    wb.properties.modified = when
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- the OIT sheet


def _title(year: int) -> str:
    return f"แบบรายงานการเปิดเผยข้อมูลสาธารณะ (OIT) ปีงบประมาณ พ.ศ. {year}"


def _stamp(org: Organisation) -> datetime:
    """The workbook's created/modified time: the organisation's report date, for stable bytes."""
    d = org.report_date
    return datetime(d.year, d.month, d.day)


def _rows(fw: Framework, org: Organisation, target: Division | None) -> list[tuple[Item, str]]:
    """(item, owner name) per row: the division's items, or every (item, owner) pair; an agency
    with no divisions (it reports as a whole): every item once, with no division."""
    if not org.divisions:
        return [(item, "") for item in fw.items()]
    if target is not None:
        # an item nobody owns yet is in every division's workbook: whoever reports it counts
        mine = set(org.items_of(target.id, fw.year))
        mine |= {item.code for item in fw.items() if not org.owners(item.code, fw.year)}
        return [(item, target.name_th) for item in fw.items() if item.code in mine]
    return [(item, d.name_th) for item in fw.items() for d in org.owners(item.code, fw.year)]


def _write_oit(ws: Worksheet, fw: Framework, org: Organisation, target: Division | None) -> None:
    whole = not org.divisions  # no division column: the agency reports as a whole
    columns = [c for c in _COLUMNS if (target is None and not whole) or c.key != "division"]
    meta = [org.name_th, _title(fw.year)]
    if target is not None:
        # This exact line is how the reader knows whose workbook it is.
        meta.append(f"ส่วนราชการ: {target.name_th}")
    elif whole:
        meta.append(f"รายการทั้ง {fw.last_item_number} ข้อ รายงานรวมทั้งหน่วยงาน")
    else:
        meta.append(f"รายการทั้ง {fw.last_item_number} ข้อ แยกตามส่วนราชการที่รับผิดชอบ")
    for r, text in enumerate(meta, start=1):
        cell = ws.cell(r, 1, text)
        cell.font = _font(bold=True, size=FONT_SIZE + (2 if r <= 2 else 0))
    top = len(meta) + 2  # one blank row between the titles and the header
    for c, col in enumerate(columns, start=1):
        cell = ws.cell(top, c, col.header)
        cell.font = _font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.row_dimensions[top].height = 24
    rows = _rows(fw, org, target)
    for r, (item, owner) in enumerate(rows, start=top + 1):
        values = {
            "item": item.code,
            ITEM_NAME_HEADER: item.name_th,
            COMPONENTS_HEADER: "\n".join(f"• {c}" for c in item.components),
            "division": owner,
        }
        for c, col in enumerate(columns, start=1):
            cell = ws.cell(r, c)
            put_text(cell, values.get(col.key or col.header))  # a name "=…" stays text
            cell.font = _font()
            cell.border = _BORDER
            cell.alignment = _TOP if col.wrap else _TOP_NOWRAP
            if col.number_format:
                cell.number_format = col.number_format
            if not col.key or col.key in ("item", "division"):
                cell.fill = _ITEM_FILL  # given: grey; to fill in: white
        ws.row_dimensions[r].height = _row_height(item, columns)
    last = top + len(rows)
    pos = {col.key: c for c, col in enumerate(columns, start=1) if col.key}
    status_col = get_column_letter(pos["status"])
    ws.add_data_validation(
        _status_list(f"{status_col}{top + 1}:{status_col}{last + EXTRA_VALIDATED_ROWS}")
    )
    ws.freeze_panes = ws.cell(top + 1, 3)  # the header and the code + name stay in view
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{max(last, top + 1)}"
    ws.print_title_rows = f"{top}:{top}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "หน้า &P / &N"


def _row_height(item: Item, columns: list[_Col]) -> float:
    """Tall enough for the wrapped components: openpyxl cannot ask Excel to autofit."""
    width = next(c.width for c in columns if c.header == COMPONENTS_HEADER)
    per_line = max(int(width * 1.4), 20)  # Sarabun 14 fits about 1.4 characters per width unit
    lines = sum(math.ceil(len(f"• {c}") / per_line) for c in item.components)
    name_lines = math.ceil(len(item.name_th) / 38)
    return max(lines, name_lines, 1) * 19 + 4


def _status_list(ref: str) -> DataValidation:
    words = [status_label(s) for s in Status]
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(words) + '"',
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle="สถานะไม่ถูกต้อง",
        error="กรุณาเลือกสถานะจากรายการ: " + " / ".join(words) + " (choose a status from the list)",
        promptTitle="สถานะ",
        prompt="เลือกจากรายการ (choose from the list)",
    )
    dv.add(ref)
    return dv


# --------------------------------------------------------------------------- instructions


def _whose(org: Organisation, target: Division | None) -> str:
    """Whom the workbook is for: a division, every division, or an agency that reports as a
    whole (no divisions: ``ทั้งหน่วยงาน``)."""
    if target is not None:
        return target.name_th
    return "ทุกส่วนราชการ" if org.divisions else t("whole_agency.name", "th")


def _write_guide(ws: Worksheet, fw: Framework, org: Organisation, target: Division | None) -> None:
    """One text per row in column A, so the sheet never looks like a data table to the reader."""
    words = [status_label(s) for s in Status]
    example = date(2022, 1, 26)
    whose = _whose(org, target)
    lines: list[tuple[str, str]] = [
        ("title", f"คำแนะนำการกรอกแบบรายงาน OIT ปีงบประมาณ พ.ศ. {fw.year}"),
        ("en", f"How to fill in the OIT workbook, fiscal year {fw.year} (BE)"),
        ("", f"{org.name_th} — {whose}"),
        ("", ""),
    ]
    if fw.oit_window is not None:
        start, end = fw.oit_window.start, fw.oit_window.end
        when = f"{start.day} {MONTHS_TH[start.month - 1]} – {format_date(end, style='long')}"
        if start.year != end.year:
            when = f"{format_date(start, style='long')} – {format_date(end, style='long')}"
        lines += [
            ("head", "กำหนดส่ง / Deadline"),
            (
                "",
                f"หน่วยงานตอบแบบ OIT ในระบบ ITAS ของสำนักงาน ป.ป.ช. ระหว่าง {when} "
                "กรุณากรอกและส่งแบบนี้ให้ฝ่ายนิติการก่อนครบกำหนด",
            ),
            (
                "en",
                "Agencies answer the OIT in the NACC's ITAS system between these dates; "
                "send this workbook to the legal unit before then.",
            ),
            ("", ""),
        ]
    lines += [
        ("head", "วิธีกรอก / How to fill it in"),
        (
            "",
            "๑. กรอกเฉพาะช่องสีขาว (สถานะ ลิงก์ วันที่ปรับปรุง ผู้รับผิดชอบ หมายเหตุ) "
            "ช่องสีเทาคือข้อมูลจากกรอบการประเมิน",
        ),
        ("en", "Fill in the white cells; the grey ones come from the framework."),
        ("", "๒. สถานะ: เลือกจากรายการ — " + " / ".join(words)),
        (
            "en",
            "Status: pick one from the drop-down (done / in progress / not started / "
            "not applicable). A blank status counts as not started.",
        ),
        (
            "",
            "๓. ลิงก์: ใส่ URL ที่เปิดดูข้อมูลได้จริงบนเว็บไซต์หน่วยงาน (ขึ้นต้นด้วย http:// หรือ "
            "https://) ข้อละหนึ่งลิงก์ หรือหลายลิงก์โดยขึ้นบรรทัดใหม่ (Alt+Enter) "
            "ข้อที่ดำเนินการแล้วต้องมีลิงก์",
        ),
        (
            "en",
            "Link: the URL of the published page; several URLs go on separate lines "
            "(Alt+Enter). An item marked done needs a link.",
        ),
        (
            "",
            "๔. วันที่ปรับปรุง: วันที่เผยแพร่หรือปรับปรุงข้อมูลล่าสุด พิมพ์แบบ พ.ศ. ได้ เช่น "
            f"{format_date(example, style='numeric')} หรือ "
            f"{to_thai_digits(format_date(example))} หรือ {format_date(example, style='long')}",
        ),
        (
            "en",
            "Date: day first, Buddhist or Common Era, Thai or Arabic digits "
            "(26/01/2565, ๒๖ ม.ค. ๒๕๖๕, 2022-01-26).",
        ),
        (
            "",
            "๕. ห้ามแก้ไขหรือเปลี่ยนชื่อหัวตาราง และห้ามลบคอลัมน์ ข้อ หรือ สถานะ "
            "(ซ่อนคอลัมน์หรือเพิ่มคอลัมน์ของตนเองได้ ระบบจะข้ามคอลัมน์ที่ไม่รู้จัก)",
        ),
        (
            "en",
            "Do not rename the headers or delete the code or status columns; hiding "
            "columns or adding your own is fine.",
        ),
        (
            "",
            f"๖. ห้ามแก้ไขรหัสข้อ (o01 … o{fw.last_item_number:02d}) ข้อที่ไม่อยู่ในความรับผิดชอบให้แจ้งฝ่ายนิติการ",
        ),
        ("en", "Do not change the item codes; tell the legal unit if an item is not yours."),
        ("", "๗. บันทึกเป็นไฟล์ .xlsx แล้วส่งให้ฝ่ายนิติการ สำนักปลัด (ไม่ต้องใส่รหัสผ่าน)"),
        ("en", "Save as .xlsx (no password) and send it to the legal unit."),
    ]
    for r, (style, text) in enumerate(lines, start=1):
        cell = ws.cell(r, 1, text or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if style == "title":
            cell.font = _font(bold=True, size=FONT_SIZE + 4)
        elif style == "head":
            cell.font = _font(bold=True, size=FONT_SIZE + 1)
        elif style == "en":
            cell.font = _font(size=FONT_SIZE - 2, color="595959")
        else:
            cell.font = _font()
    ws.column_dimensions["A"].width = 120
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
