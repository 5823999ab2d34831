"""Every problem a user can cause: a stable code, a Thai and an English template, and a place.

Problems are data (``Issue``), collected for a whole file and never raised one at a time.
Only a file that cannot be read at all raises, as ``UnreadableFile``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class Severity(StrEnum):
    ERROR = "error"  # the row (or file) is dropped
    WARNING = "warning"  # the row is kept; someone should look
    NOTICE = "notice"  # for information only


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    th: str
    en: str


def _c(code: str, severity: Severity, th: str, en: str) -> Code:
    return Code(code, severity, th, en)


E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE

CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # --- whole file: the file cannot be read (exit 2) ---
        _c("file_empty", E, "ไฟล์ว่างเปล่า (0 ไบต์)", "the file is empty (0 bytes)"),
        _c(
            "file_too_large",
            E,
            "ไฟล์ใหญ่เกินกำหนด ({size_mb:.1f} MB เกิน {limit_mb} MB)",
            "the file is too large ({size_mb:.1f} MB, limit {limit_mb} MB)",
        ),
        _c(
            "unsupported_type",
            E,
            "ไม่รองรับไฟล์ชนิดนี้ ({suffix}) ใช้ .xlsx .xlsm .xls .ods หรือ .csv",
            "unsupported file type ({suffix}); use .xlsx, .xlsm, .xls, .ods or .csv",
        ),
        _c(
            "not_a_spreadsheet",
            E,
            "ไฟล์นี้ไม่ใช่ไฟล์ Excel แม้จะตั้งชื่อเป็น {suffix} (ดูเหมือนเป็น {looks_like})",
            "this is not a spreadsheet although it is named {suffix} (it looks like {looks_like})",
        ),
        _c(
            "corrupt_file",
            E,
            "ไฟล์เสียหาย เปิดอ่านไม่ได้ ({detail})",
            "the file is damaged and cannot be read ({detail})",
        ),
        _c(
            "encrypted_file",
            E,
            "ไฟล์ถูกตั้งรหัสผ่าน กรุณาเอารหัสผ่านออกแล้วบันทึกใหม่",
            "the workbook is password-protected; remove the password and save it again",
        ),
        _c(
            "zip_bomb",
            E,
            "ไฟล์ขยายตัวผิดปกติ ({detail}) ปฏิเสธเพื่อความปลอดภัย",
            "the file expands abnormally ({detail}); refused for safety",
        ),
        _c(
            "xml_entity",
            E,
            "ไฟล์มีการประกาศ XML entity ที่ไม่ปลอดภัย ({part}) ปฏิเสธเพื่อความปลอดภัย",
            "the file declares unsafe XML entities ({part}); refused for safety",
        ),
        _c(
            "sheet_too_large",
            E,
            "แผ่นงาน {sheet} มีเซลล์มากเกินกำหนด ({cells:,} เซลล์ เกิน {limit:,}) ผู้ดูแลระบบเพิ่มได้ที่"
            " หน้าการตั้งค่า › จำนวนเซลล์สูงสุดต่อแผ่นงาน หรือตัวแปร ITA_MAX_CELLS",
            "sheet {sheet} has too many cells ({cells:,}, limit {limit:,}); an administrator can"
            " raise it on the Settings page › Most cells in one sheet, or with ITA_MAX_CELLS",
        ),
        _c(
            "too_many_columns",
            E,
            "แผ่นงาน {sheet} มี {columns:,} คอลัมน์ เกินกว่าที่ Excel รองรับ ({limit:,} คอลัมน์)",
            "sheet {sheet} has {columns:,} columns, more than Excel allows ({limit:,})",
        ),
        _c(
            "csv_encoding",
            E,
            "อ่านภาษาไทยในไฟล์ CSV ไม่ได้ ให้บันทึกเป็น UTF-8 หรือ TIS-620",
            "cannot decode the CSV; save it as UTF-8 or TIS-620",
        ),
        # --- whole file, readable ---
        _c(
            "no_recognised_sheet",
            E,
            "ไม่พบแผ่นงานที่มีหัวตารางที่รู้จักในไฟล์นี้",
            "no sheet in this file has a recognised header row",
        ),
        _c(
            "no_division",
            E,
            "ไม่ทราบว่าเป็นข้อมูลของส่วนราชการใด (ไม่มีคอลัมน์ส่วนราชการ บรรทัด 'ส่วนราชการ:' หรือชื่อไฟล์)",
            "cannot tell which division this is (no division column, 'ส่วนราชการ:' line "
            "or file name)",
        ),
        _c(
            "check_failed",
            E,
            "ตรวจไฟล์นี้ไม่สำเร็จเพราะข้อผิดพลาดในโปรแกรม ({detail}) ไฟล์ถูกเก็บไว้แล้ว กรุณาส่งไฟล์นี้ให้ผู้ดูแลระบบ",
            "checking this file failed on a fault in the program ({detail}); the file is kept, "
            "please send it to the administrator",
        ),
        # --- sheet ---
        _c(
            "empty_sheet",
            N,
            "แผ่นงานนี้มีแต่หัวตาราง ยังไม่มีข้อมูล",
            "this sheet has only its header row, no data yet",
        ),
        _c(
            "sheet_not_recognised",
            N,
            "แผ่นงานนี้ไม่มีหัวตารางที่รู้จักใน 15 แถวแรก จึงข้ามไป",
            "no recognised header row in the first 15 rows; sheet skipped",
        ),
        _c(
            "unknown_column",
            N,
            "ไม่รู้จักคอลัมน์ '{value}' จึงไม่นำมาใช้",
            "unknown column '{value}' ignored",
        ),
        _c(
            "missing_column",
            E,
            "แผ่นงานประเภท {kind} ต้องมีคอลัมน์ '{column}'",
            "a {kind} sheet needs a '{column}' column",
        ),
        _c(
            "duplicate_column",
            W,
            "คอลัมน์ '{column}' ซ้ำกัน ใช้คอลัมน์แรก",
            "column '{column}' appears twice; the first one is used",
        ),
        # --- row ---
        _c(
            "missing_value",
            E,
            "ต้องกรอก '{column}'",
            "'{column}' is required",
        ),
        _c(
            "bad_item_code",
            E,
            "อ่านรหัสข้อ '{value}' ไม่ได้ (ตัวอย่าง: o01, ๐๑, ข้อ 1)",
            "cannot read item code '{value}' (e.g. o01, ๐๑, ข้อ 1)",
        ),
        _c(
            "unknown_item",
            E,
            "ไม่มีข้อ {value} ในกรอบการประเมินปี {year} (มี o01–o{last:02d})",
            "item {value} is not in the {year} framework (o01–o{last:02d})",
        ),
        _c(
            "duplicate_item",
            W,
            "ข้อ {value} ซ้ำกับแถว {first_row} ใช้แถวหลัง",
            "item {value} repeats row {first_row}; the later row is used",
        ),
        _c(
            "unknown_status",
            E,
            "ไม่รู้จักสถานะ '{value}'{hint_th} ใช้คำว่า: {allowed}",
            "unknown status '{value}'{hint_en}; use one of: {allowed}",
        ),
        _c(
            "blank_status",
            W,
            "ไม่ได้กรอกสถานะ ถือว่า 'ยังไม่ดำเนินการ'",
            "status is blank; taken as not started",
        ),
        _c(
            "bad_date",
            E,
            "อ่านวันที่ '{value}' ไม่ได้ (ตัวอย่าง: 26/01/2565, ๒๖ ม.ค. ๒๕๖๕)",
            "cannot read the date '{value}' (e.g. 26/01/2565, ๒๖ ม.ค. ๒๕๖๕)",
        ),
        _c(
            "nonexistent_date",
            E,
            "ไม่มีวันที่ '{value}' ในปฏิทิน",
            "the date '{value}' does not exist",
        ),
        _c(
            "bad_period",
            W,
            "อ่านช่วงเวลา '{value}' ไม่ได้ เก็บไว้เป็นข้อความ",
            "cannot read the period '{value}'; kept as text",
        ),
        _c(
            "end_before_start",
            E,
            "วันสิ้นสุด ({end}) อยู่ก่อนวันเริ่ม ({start})",
            "the end ({end}) is before the start ({start})",
        ),
        _c(
            "bad_url",
            W,
            "'{value}' ไม่ใช่ลิงก์ (ต้องขึ้นต้นด้วย http:// หรือ https://)",
            "'{value}' is not a link (must start with http:// or https://)",
        ),
        _c(
            "done_without_url",
            W,
            "ข้อ {value} ดำเนินการแล้วแต่ไม่มีลิงก์ ผู้ประเมินต้องใช้ลิงก์",
            "item {value} is done but has no link; assessors need one",
        ),
        _c(
            "unknown_division",
            E,
            "ไม่พบส่วนราชการ '{value}' ในรายชื่อของหน่วยงาน{hint_th}",
            "division '{value}' is not in the organisation's list{hint_en}",
        ),
        _c(
            "item_not_assigned",
            W,
            "ข้อ {value} ไม่ได้มอบหมายให้ {division} (ผู้รับผิดชอบ: {owners})",
            "item {value} is not assigned to {division} (owners: {owners})",
        ),
        _c(
            "bad_number",
            E,
            "'{value}' ไม่ใช่จำนวนที่ถูกต้องสำหรับ '{column}'",
            "'{value}' is not a valid number for '{column}'",
        ),
        _c(
            "unknown_tool",
            E,
            "ไม่รู้จักแบบวัด '{value}' ใช้ IIT หรือ EIT",
            "unknown tool '{value}'; use IIT or EIT",
        ),
        _c(
            "unknown_indicator",
            E,
            "ไม่รู้จักตัวชี้วัด '{value}'",
            "unknown indicator '{value}'",
        ),
        _c(
            "score_out_of_range",
            E,
            "คะแนน {value} ต้องอยู่ระหว่าง 0 ถึง 100",
            "score {value} must be between 0 and 100",
        ),
        _c(
            "bad_year",
            E,
            "อ่านปีงบประมาณ '{value}' ไม่ได้ (ตัวอย่าง: 2564, ๒๕๖๔)",
            "cannot read the fiscal year '{value}' (e.g. 2564, ๒๕๖๔)",
        ),
        # --- the store (not a workbook's: the dashboard and every store command refuse to run) ---
        _c(
            "store_lost",
            E,
            "ฐานข้อมูลของคลัง {database} {how} แต่โฟลเดอร์ {files} ยังมีไฟล์ที่ส่งมา {count:,} ไฟล์ "
            "ระบบจะไม่เริ่มคลังใหม่ทับ: กู้ไฟล์ฐานข้อมูลจากสำเนาสำรอง หรือย้ายโฟลเดอร์ {files} "
            "ออกไปก่อนหากต้องการเริ่มใหม่จริง",
            "the store's database {database} {how_en} while {files} still holds {count:,} "
            "submitted files; nothing will be written over them: restore the database from a "
            "backup, or move {files} away first if you really mean to start afresh",
        ),
        _c(
            "store_address",
            E,
            "ที่อยู่คลังข้อมูล {where} ไม่ถูกต้อง ({detail})",
            "the store address {where} is not valid ({detail})",
        ),
        _c(
            "store_database",
            E,
            "ไม่รองรับฐานข้อมูล {dialect} ของคลังข้อมูล {where} ใช้โฟลเดอร์หรือ postgresql://",
            "the store {where} is a {dialect} database, which is not supported; "
            "use a folder or postgresql://",
        ),
        _c(
            "store_write_failed",
            E,
            "บันทึกลงคลังข้อมูลที่ {where} ไม่ได้: {reason} ข้อมูลที่บันทึกไว้แล้วไม่เปลี่ยนแปลง",
            "cannot write the store at {where}: {reason_en}; nothing already stored was changed",
        ),
        _c(
            "store_read_failed",
            E,
            "อ่านคลังข้อมูลที่ {where} ไม่ได้: {reason}",
            "cannot read the store at {where}: {reason_en}",
        ),
        _c(
            "store_unknown_submission",
            E,
            "ไม่พบการส่งไฟล์รหัส {value} ในคลังข้อมูล {where}",
            "the store {where} has no submission {value}",
        ),
        _c(
            "store_nothing_to_accept",
            E,
            "ไฟล์ {filename} ({value}) อ่านไม่ได้ จึงไม่มีข้อมูลให้รับ",
            "{filename} ({value}) could not be read; there is nothing to accept",
        ),
        _c(
            "store_already_current",
            E,
            "ไฟล์ {filename} ({value}) เป็นข้อมูลปัจจุบันอยู่แล้ว",
            "{filename} ({value}) is already the current one",
        ),
        _c(
            "store_never_accepted",
            E,
            "ไฟล์ {filename} ({value}) ยังไม่เคยถูกรับเข้าระบบ ให้ใช้ 'รับ' แทนการย้อนกลับ",
            "{filename} ({value}) was never accepted; accept it instead",
        ),
        _c(
            "store_not_current",
            E,
            "ไฟล์ {filename} ({value}) ไม่ใช่ข้อมูลปัจจุบัน จึงถอนออกไม่ได้",
            "{filename} ({value}) is not the current one, so it cannot be withdrawn",
        ),
        _c(
            "store_setting_fixed",
            E,
            "การตั้งค่า {value} เปลี่ยนจากหน้านี้ไม่ได้",
            "setting {value} cannot be changed here",
        ),
        _c(
            "store_setting_invalid",
            E,
            "ค่า {value} ใช้กับการตั้งค่า {setting} ไม่ได้ ({problem})",
            "{value} is not valid for {setting}: {problem}",
        ),
        _c(
            "store_no_framework",
            E,
            "ยังไม่มีกรอบการประเมินปี {value} (มี {years})",
            "no framework for {value} ({years})",
        ),
        # --- what verify finds in a store (python -m ita_model verify) ---
        _c(
            "store_orphan_file",
            W,
            "ไฟล์ {path} ในคลังไม่มีการส่งไฟล์ใดอ้างถึง",
            "{path}: a stored file that no submission names",
        ),
        _c(
            "store_file_damaged",
            E,
            "ไฟล์ของการส่ง {value} ({filename}) ที่ {path} หายไปหรือเสียหาย",
            "{value} ({filename}): its file {path} is missing or damaged",
        ),
        _c(
            "store_state_mismatch",
            E,
            "สถานะในคลังข้อมูล {where} ไม่ตรงกับบันทึกการตรวจสอบ: {detail}",
            "the states in the store {where} disagree with its audit log: {detail}",
        ),
        _c(
            "store_rows_mismatch",
            E,
            "แถวข้อมูลที่เก็บไว้ของการส่ง {value} ({filename}) ไม่ครบหรือไม่ตรงกัน: {detail}",
            "the stored rows of {value} ({filename}) are missing or disagree: {detail}",
        ),
        # --- a framework workbook (python -m ita_model framework-import) ---
        _c(
            "bad_subindicator",
            E,
            "อ่านรหัสตัวชี้วัดย่อย '{value}' ไม่ได้ (ตัวอย่าง: 9.1, ๙.๑)",
            "cannot read the sub-indicator '{value}' (e.g. 9.1, ๙.๑)",
        ),
        _c(
            "subindicator_order",
            E,
            "ข้อ {value} อยู่ในตัวชี้วัดย่อย {sub} แต่ข้อก่อนหน้าอยู่ใน {previous} "
            "ข้อของตัวชี้วัดย่อยเดียวกันต้องเรียงติดกัน",
            "item {value} is in sub-indicator {sub} after an item of {previous}; "
            "the items of a sub-indicator must be consecutive",
        ),
        _c(
            "missing_item",
            E,
            "ไม่มีข้อ {value} รหัสข้อต้องเรียงต่อกันตั้งแต่ o01 ถึง o{last:02d} ไม่ข้าม",
            "item {value} is missing; item codes must run from o01 to o{last:02d} without gaps",
        ),
        _c(
            "bad_yes_no",
            E,
            "'{value}' ใน '{column}' ต้องเป็น ใช่ หรือ ไม่",
            "'{value}' in '{column}' must be yes or no",
        ),
        _c(
            "bad_score",
            E,
            "'{value}' ใน '{column}' ต้องเป็นคะแนน 0 ถึง 100",
            "'{value}' in '{column}' must be a score from 0 to 100",
        ),
        _c(
            "duplicate_rating",
            E,
            "ระดับ {value} ซ้ำกับแถว {first_row}",
            "level {value} repeats row {first_row}",
        ),
        _c(
            "rating_order",
            E,
            "ระดับ {value} มีคะแนนรวมขั้นต่ำ {min_total:g} สูงกว่าระดับก่อนหน้า ({previous}) "
            "ให้เรียงระดับจากสูงไปต่ำ",
            "level {value} has a higher minimum total ({min_total:g}) than the level above it "
            "({previous}); list the levels from the highest down",
        ),
        _c(
            "rating_pass_order",
            E,
            "ระดับ {value} ผ่าน แต่อยู่ต่ำกว่าระดับ {previous} ที่ไม่ผ่าน",
            "level {value} passes but is below {previous}, which does not",
        ),
        _c(
            "rating_no_floor",
            E,
            "ระดับสุดท้าย ({value}) ต้องมีคะแนนรวมขั้นต่ำ 0 และไม่มีขั้นต่ำรายแบบวัด เพื่อให้ทุกคะแนนได้ระดับ",
            "the last level ({value}) must have a minimum total of 0 and no tool minimums, "
            "so that every score has a level",
        ),
        _c(
            "rating_none_pass",
            E,
            "ไม่มีระดับใดที่ผ่าน (คอลัมน์ '{column}')",
            "no level passes (column '{column}')",
        ),
        _c(
            "framework_invalid",
            E,
            "กรอบการประเมินที่ได้จากไฟล์นี้ใช้ไม่ได้: {detail}",
            "the framework this file gives is not valid: {detail}",
        ),
    ]
}


SHOWN_CHARS = 80  # a cell's text quoted in a message is cut to this many characters


class Issue(BaseModel):
    """One problem, at one place. ``row`` is the Excel row number as Excel shows it."""

    severity: Severity
    code: str
    message: str
    message_en: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    suggestion: str | None = None  # the nearest accepted word, for a value that does not read


def make_issue(
    code: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    **params: Any,
) -> Issue:
    """Fill a code's templates. Unknown codes are a programming error and raise KeyError."""
    c = CODES[code]
    params.setdefault("column", column)
    params.setdefault("sheet", sheet)
    value = params.get("value")
    suggestion = params.get("suggestion") or None
    if isinstance(value, str) and len(value) > SHOWN_CHARS:  # a 100,000-character cell
        params["value"] = f"{value[: SHOWN_CHARS - 1]}…"
    return Issue(
        severity=c.severity,
        code=c.code,
        message=c.th.format(**params),
        message_en=c.en.format(**params),
        sheet=sheet,
        row=row,
        column=column,
        value=None if value is None else str(value),
        suggestion=suggestion,
    )


class ItaError(Exception):
    """Base of the errors this package raises on purpose."""


class UnreadableFile(ItaError):
    """A file that cannot be read at all: the whole file is refused with one message."""

    def __init__(self, path: str, code: str, **params: Any) -> None:
        self.path = path
        self.issue = make_issue(code, **params)
        super().__init__(f"{path}: {self.issue.message} — {self.issue.message_en}")


class UnknownDivision(ItaError):
    """A division was named that the organisation does not have."""


class HandoutError(ItaError):
    """A hand-out could not be made (Chromium missing or failing); the message is Thai — English."""


class FrameworkNotFound(ItaError):
    """No framework data file for the asked fiscal year."""


class InvalidDataFile(ItaError):
    """A shipped or imported data file (framework, organisation) does not match its model."""


class _Worded(ItaError):
    """An error worded from a code of ``CODES``: ``str()`` is "Thai — English" and ``issue`` holds
    the code and both languages for a page to show. A plain message is still taken as it is."""

    def __init__(self, message: str = "", /, *, code: str | None = None, **params: Any) -> None:
        self.code = code
        self.issue = None if code is None else make_issue(code, **params)
        if self.issue is not None:
            message = f"{self.issue.message} — {self.issue.message_en}"
        super().__init__(message)


class StoreError(_Worded):
    """The store cannot be read or written (a read-only folder, a full disk, the server down)."""


class StoreLost(StoreError):
    """The SQLite database is missing or 0 bytes while ``files/`` still holds submissions: an
    empty store would silently hide every one of them, so the store refuses to open."""

    def __init__(self, **params: Any) -> None:
        super().__init__(code="store_lost", **params)
        self.args = (f"store_lost: {self}",)


class UnknownSubmission(_Worded, KeyError):
    """No submission has that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidDecision(_Worded):
    """A decision the submission's state does not allow (accepting an unreadable file, …)."""


class MappingNotFound(ItaError):
    """No item mapping between the two fiscal years asked for."""


# --------------------------------------------------------------------------- accounts, sign-in
# (ita_model/store/accounts.py, auth.py, app_pages/_auth.py and users.py, the ``users`` commands)

CODES.update(
    {
        c.code: c
        for c in [
            _c(
                "not_allowed",
                E,
                "{name} ({role_th}) ไม่มีสิทธิ์{what_th} ต้องเป็น{needed_th}ขึ้นไป",
                "{name} ({role}) may not {what_en}; this needs the {needed} role or higher",
            ),
            _c(
                "account_unknown",
                E,
                "ไม่มีบัญชีผู้ใช้ '{value}' ในคลังนี้ จึงไม่ให้ทำรายการ "
                "(บรรทัดคำสั่ง: ใช้ --user หรือ ITA_USER ระบุชื่อบัญชีที่มีอยู่)",
                "there is no account '{value}' in this store, so nothing was done "
                "(command line: name an existing account with --user or ITA_USER)",
            ),
            _c(
                "account_not_found",
                E,
                "ไม่พบบัญชีผู้ใช้ '{value}'",
                "no account named '{value}'",
            ),
            _c(
                "account_name_invalid",
                E,
                "ชื่อผู้ใช้ '{value}' ใช้ไม่ได้ (ห้ามว่าง ห้ามมีช่องว่างหรืออักขระควบคุม "
                "และยาวไม่เกิน {limit} ตัวอักษร)",
                "the user name '{value}' cannot be used (it must not be empty, hold spaces or "
                "control characters, or be longer than {limit} characters)",
            ),
            _c(
                "account_role_unknown",
                E,
                "ไม่รู้จักบทบาท '{value}' ใช้ viewer, editor หรือ admin",
                "unknown role '{value}'; use viewer, editor or admin",
            ),
            _c(
                "password_too_short",
                E,
                "รหัสผ่านสั้นเกินไป (อย่างน้อย {limit} ตัวอักษร)",
                "the password is too short ({limit} characters at least)",
            ),
            _c(
                "password_too_long",
                E,
                "รหัสผ่านยาวเกิน {limit} ไบต์ (อักษรไทยใช้ 3 ไบต์ต่อตัว)",
                "the password is longer than {limit} bytes (a Thai letter takes 3)",
            ),
            _c(
                "passwords_differ",
                E,
                "รหัสผ่านสองครั้งไม่ตรงกัน",
                "the two passwords differ",
            ),
            _c(
                "password_missing",
                E,
                "ไม่มีรหัสผ่าน ใช้ --password-stdin หรือ --no-password",
                "no password: use --password-stdin or --no-password",
            ),
            _c(
                "first_account_admin",
                E,
                "บัญชีแรกต้องเป็นผู้ดูแลระบบ (admin) มิฉะนั้นจะไม่มีใครจัดการผู้ใช้ได้",
                "the first account must be an admin, or nobody could manage users",
            ),
            _c(
                "last_admin",
                E,
                "'{value}' เป็นผู้ดูแลระบบคนสุดท้าย จึงลบหรือลดบทบาทไม่ได้ ให้เพิ่มผู้ดูแลระบบอีกคนก่อน",
                "'{value}' is the last admin and cannot be removed or given a lower role; "
                "add another admin first",
            ),
            _c(
                "users_json_damaged",
                E,
                "ไฟล์บัญชีผู้ใช้ {path} เสียหาย ({detail}) จึงไม่นำเข้าบัญชีใดเลย "
                "และไม่มีใครเข้าใช้ได้จนกว่าจะแก้ไฟล์หรือย้ายไฟล์ออกไป",
                "the accounts file {path} is damaged ({detail}); no account was imported, "
                "and nobody can sign in until the file is fixed or moved away",
            ),
            _c(
                "users_json_unreadable",
                E,
                "อ่านไฟล์บัญชีผู้ใช้ {path} ไม่ได้ ({detail}) จึงไม่นำเข้าบัญชีใดเลย "
                "และไม่มีใครเข้าใช้ได้จนกว่าจะอ่านไฟล์ได้หรือย้ายไฟล์ออกไป",
                "cannot read the accounts file {path} ({detail}); no account was imported, "
                "and nobody can sign in until it can be read or is moved away",
            ),
            _c(
                "users_json_no_admin",
                E,
                "ไฟล์บัญชีผู้ใช้ {path} ไม่มีผู้ดูแลระบบ (admin) สักบัญชี หากนำเข้าจะไม่มีใครจัดการผู้ใช้ได้ "
                'จึงยังไม่นำเข้า: เพิ่มบรรทัด "ชื่อ": {{"role": "admin"}} ในไฟล์ แล้วตั้งรหัสผ่านด้วย '
                "python -m ita_model users add ชื่อ --role admin --user ชื่อ หรือย้ายไฟล์ออกไป",
                "the accounts file {path} has no admin, so nobody could manage users: nothing "
                'was imported; add "NAME": {{"role": "admin"}} to it, then set a password with '
                "python -m ita_model users add NAME --role admin --user NAME, or move it away",
            ),
        ]
    }
)


class CodedError(_Worded):
    """An error with a stable code of ``CODES``, always (``_Worded`` also takes a plain text)."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code=code, **params)


class NotAllowed(CodedError):
    """Someone tried what their role does not allow (a viewer submitting, …), or named no
    account of the store (``account_unknown``)."""


class AccountError(CodedError):
    """An account cannot be added or changed as asked, or the users.json to import is damaged."""


CODES.update(  # agencies and scopes (many agencies on one store)
    {
        c.code: c
        for c in [
            _c(
                "bad_scope",
                E,
                "ขอบเขตหน่วยงาน '{value}' ไม่ถูกต้อง ({why}): เขียนเป็น all, province:ชื่อจังหวัด, "
                "parent:ชื่อสังกัด หรือ agencies:รหัส,รหัส คั่นหลายส่วนด้วย ;",
                "the agency scope '{value}' is not valid ({why}): write all, province:NAME, "
                "parent:NAME or agencies:CODE,CODE, several joined by ;",
            ),
        ]
    }
)


CODES.update(  # branch tenancy: agencies as tenants, their registry, accounts and scopes
    {
        c.code: c
        for c in [
            _c(
                "agency_unknown",
                E,
                "ไม่มีหน่วยงานรหัส '{value}' ในทะเบียนหน่วยงานของระบบ",
                "there is no agency with the code '{value}' in the registry",
            ),
            _c(
                "agency_not_allowed",
                E,
                "บัญชี '{name}' ไม่มีสิทธิ์ดูข้อมูลของหน่วยงาน '{agency}' "
                "(ดูได้เฉพาะหน่วยงานของตนหรือหน่วยงานในขอบเขตที่กำกับดูแล)",
                "the account '{name}' may not see the agency '{agency}' "
                "(only its own agency, or those its scope covers)",
            ),
            _c(
                "agency_write_not_allowed",
                E,
                "บัญชี '{name}' ของหน่วยงาน '{own}' {what_th}ของหน่วยงาน '{agency}' ไม่ได้ "
                "(แก้ไขได้เฉพาะหน่วยงานของตน)",
                "the account '{name}' of the agency '{own}' may not {what_en} of the agency "
                "'{agency}' (only within its own agency)",
            ),
            _c(
                "system_admin_only",
                E,
                "บัญชี '{name}' {what_th}ไม่ได้: ต้องเป็นผู้ดูแลระบบทั้งระบบ (ผู้ดูแลที่มีขอบเขต all)",
                "the account '{name}' may not {what_en}: this needs a system administrator "
                "(an admin whose scope is all)",
            ),
            _c(
                "supervisor_needs_scope",
                E,
                "บัญชีผู้กำกับดูแล '{value}' ต้องระบุขอบเขตที่กำกับดูแล (--scope เช่น province:พะเยา)",
                "the supervisor account '{value}' needs a scope (--scope, e.g. province:NAME)",
            ),
            _c(
                "scope_not_for_role",
                E,
                "บัญชี '{value}' ({role}) มีขอบเขตไม่ได้: ขอบเขตใช้กับผู้กำกับดูแล "
                "หรือ all สำหรับผู้ดูแลระบบทั้งระบบเท่านั้น",
                "the account '{value}' ({role}) cannot have a scope: scopes are for supervisors, "
                "or all for a system administrator",
            ),
        ]
    }
)

CODES.update(  # branch multi-agency: the agencies sheet and the agency column of an OIT sheet
    {
        c.code: c
        for c in [
            _c(
                "bad_agency_code",
                E,
                "รหัสหน่วยงาน '{value}' ใช้ไม่ได้ (ตัวอักษรไทยหรืออังกฤษ ตัวเลข . _ - ไม่เกิน 32 ตัว ไม่มีช่องว่าง)",
                "the agency code '{value}' cannot be used (Thai or Latin letters, digits, . _ -; "
                "at most 32, no spaces)",
            ),
            _c(
                "duplicate_agency",
                E,
                "รหัสหน่วยงาน {value} ซ้ำกับแถว {first_row} รหัสหนึ่งต้องมีเพียงแถวเดียว",
                "agency code {value} repeats row {first_row}; one row per code",
            ),
            _c(
                "unknown_agency_type",
                E,
                "ไม่รู้จักประเภทหน่วยงาน '{value}'{hint_th} ใช้: {allowed}",
                "unknown agency type '{value}'{hint_en}; use one of: {allowed_en}",
            ),
            _c(
                "cell_too_long",
                E,
                "'{column}' ยาว {length:,} ตัวอักษร เกินกำหนด {limit:,} ตัวอักษร",
                "'{column}' is {length:,} characters long, more than {limit:,}",
            ),
            _c(
                "unknown_agency",
                E,
                "ไม่พบหน่วยงาน '{value}' ในทะเบียนหน่วยงาน{hint_th} "
                "(เพิ่มด้วย python -m ita_model agencies import)",
                "agency '{value}' is not in the registry{hint_en}; "
                "add it with python -m ita_model agencies import",
            ),
            _c(
                "ambiguous_agency",
                E,
                "ชื่อหน่วยงาน '{value}' ตรงกับหลายหน่วยงาน{hint_th} ให้ใช้รหัสหน่วยงานแทนชื่อ",
                "the agency name '{value}' matches several agencies{hint_en}; write the code",
            ),
            _c(
                "agency_not_checked",
                N,
                "ยังไม่ได้ตรวจคอลัมน์ '{column}' กับทะเบียนหน่วยงาน จะตรวจเมื่อส่งเข้าคลังด้วย "
                "python -m ita_model submit",
                "column '{column}' was not checked against the agency registry; submit checks it",
            ),
            _c(
                "agency_column_ignored",
                N,
                "คลังข้อมูลนี้มีหน่วยงานเดียว จึงไม่อ่านคอลัมน์ '{column}' เป็นรายชื่อหน่วยงาน "
                "(อ่านแถวเป็นของหน่วยงานนี้ตามปกติ)",
                "this store holds one agency, so column '{column}' is not read as a list of "
                "agencies (the rows are this agency's, as usual)",
            ),
            _c(
                "agency_division_ignored",
                N,
                "แผ่นงานนี้มีหลายหน่วยงาน แต่ละหน่วยงานรายงานรวมทั้งหน่วยงาน คอลัมน์ '{column}' จึงไม่นำมาใช้",
                "a sheet of several agencies: each agency reports as a whole, so column "
                "'{column}' is not used",
            ),
            _c(
                "agency_sheet_without_agency",
                E,
                "แผ่นงาน {sheet} ไม่มีคอลัมน์หน่วยงาน แต่ไฟล์นี้มีข้อมูลหลายหน่วยงาน ข้อมูลทุกแผ่นงานต้องระบุหน่วยงาน "
                "(แยกแผ่นงานนี้เป็นไฟล์ของหน่วยงานนั้น)",
                "sheet {sheet} has no agency column in a file of several agencies: every sheet's "
                "rows must name their agency (send this sheet in that agency's own file)",
            ),
            _c(
                "whole_agency_division_ignored",
                N,
                "หน่วยงานนี้ยังไม่ได้ตั้งค่าส่วนราชการ จึงรายงานรวมทั้งหน่วยงาน คอลัมน์ '{column}' จึงไม่นำมาใช้ "
                "(ตั้งค่าส่วนราชการได้ที่หน้าตั้งค่าหน่วยงาน)",
                "this agency has no divisions set up, so it reports as a whole and column "
                "'{column}' is not used (set up its divisions on the Agency set-up page)",
            ),
        ]
    }
)

CODES.update(  # branch manylinks: python -m ita_model links check --scope
    {
        c.code: c
        for c in [
            _c(
                "link_scope_conflict",
                E,
                "ใช้ --scope พร้อมกับ {option} ไม่ได้: {why_th}",
                "--scope cannot be given with {option}: {why_en}",
            ),
            _c(
                "link_scope_empty",
                E,
                "ขอบเขต '{scope}' ไม่ตรงกับหน่วยงานใดในทะเบียนหน่วยงาน จึงไม่มีลิงก์ให้ตรวจ "
                "(ดูรายชื่อด้วย python -m ita_model agencies list)",
                "the scope '{scope}' matches no agency of the registry, so there is nothing to "
                "check (list them with python -m ita_model agencies list)",
            ),
            _c(
                "link_scope_agency_failed",
                E,
                "ตรวจลิงก์ของหน่วยงาน '{agency}' ไม่สำเร็จ ({why}) หน่วยงานอื่นตรวจและเก็บผลตามปกติ",
                "the links of the agency '{agency}' could not be checked ({why_en}); the other "
                "agencies were checked and kept as usual",
            ),
        ]
    }
)
