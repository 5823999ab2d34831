"""What can be wrong with a link, as an assessor opening it would see it: stable codes, Thai and
English templates, and the weight (error: the item loses its point; warning: it may).

Same shape as the workbook checker's codes (``ita_model.errors``), kept apart because a link
problem has a URL for its place, not a sheet and a row.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ita_model.errors import Code, Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE

LINK_CODES: dict[str, Code] = {
    c.code: c
    for c in [
        Code(
            "link_unreachable",
            E,
            "เปิดลิงก์ไม่ได้ ({detail})",
            "the link cannot be opened ({detail_en})",
        ),
        Code(
            "link_private_address",
            E,
            "ลิงก์ชี้ไปที่อยู่ภายในหน่วยงาน ({address}) ผู้ประเมินจากภายนอกเปิดไม่ได้ "
            "จึงไม่ได้ตรวจ (ผู้ดูแลระบบอนุญาตโฮสต์นี้ได้ในหน้าการตั้งค่า)",
            "the link points to an internal address ({address}) that assessors outside cannot "
            "open; not checked (an administrator can allow this host in Settings)",
        ),
        Code(
            "link_http_error",
            E,
            "เว็บไซต์ตอบกลับด้วยรหัสข้อผิดพลาด HTTP {status}",
            "the site answered with HTTP error {status}",
        ),
        Code(
            "link_to_home_page",
            E,
            "ลิงก์ไปจบที่{where} ไม่ใช่หน้าของข้อนี้โดยตรง ผู้ประเมินจะหาข้อมูลไม่พบ",
            "the link ends on {where_en}, not on this item's own page; assessors will not find it",
        ),
        Code(
            "link_wrong_year",
            E,
            "หน้านี้ไม่แสดงปีงบประมาณ {year} หรือช่วงวันที่ของปีนั้น (ปีที่พบ: {found})",
            "the page shows neither fiscal year {year} nor its date range (years found: {found})",
        ),
        Code(
            "link_empty",
            E,
            "หน้านี้แทบไม่มีเนื้อหา ({chars} ตัวอักษร)",
            "the page has almost no content ({chars} characters)",
        ),
        Code(
            "link_login_required",
            E,
            "ต้องเข้าสู่ระบบก่อนจึงจะเห็นหน้านี้ ({detail}) ผู้ประเมินเปิดไม่ได้",
            "the page asks to sign in first ({detail_en}); assessors cannot open it",
        ),
        Code(
            "link_shared_drive",
            E,
            "ไฟล์ในไดรฟ์ออนไลน์ ({service}) ต้องขอสิทธิ์ก่อนเปิด ให้ตั้งค่าแชร์เป็น "
            "'ทุกคนที่มีลิงก์' หรือนำขึ้นเว็บไซต์ของหน่วยงาน",
            "a file on an online drive ({service}) that needs permission to open; share it with "
            "'anyone with the link' or publish it on the agency's site",
        ),
        Code(
            "link_not_https",
            W,
            "ลิงก์ใช้ http:// ที่ไม่เข้ารหัส เบราว์เซอร์อาจเตือนว่าไม่ปลอดภัย ควรใช้ https://",
            "the link uses unencrypted http://; browsers may warn; use https://",
        ),
        Code(
            "link_robots",
            N,
            "robots.txt ของ {host} ไม่อนุญาตให้โปรแกรมเปิดหน้านี้ จึงไม่ได้ตรวจ "
            "(ผู้ดูแลระบบยกเว้นให้เว็บไซต์ของหน่วยงานได้ในหน้าการตั้งค่า)",
            "robots.txt of {host} does not allow programs to open this page; not checked (an "
            "administrator can override it for the agency's own site in Settings)",
        ),
    ]
}


class LinkProblem(BaseModel):
    """One problem of one link, worded in both languages."""

    code: str
    severity: Severity
    message: str
    message_en: str

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "message_en": self.message_en,
        }


def problem(code: str, **params: Any) -> LinkProblem:
    """Fill a code's templates; an unknown code is a programming error (KeyError)."""
    c = LINK_CODES[code]
    return LinkProblem(
        code=c.code,
        severity=c.severity,
        message=c.th.format(**params),
        message_en=c.en.format(**params),
    )


def counts(problems: list[LinkProblem]) -> bool:
    """Whether a link's problems are worth acting on (errors and warnings; notices are not)."""
    return any(p.severity in (E, W) for p in problems)
