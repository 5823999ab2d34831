"""What a fetched page or file says, read as untrusted bytes: the HTML title and visible text, a
PDF's first page, whether it asks for a password, and which years it shows.

Nothing here is ever rendered: titles and text are plain strings, shown as text by the pages.
"""

from __future__ import annotations

import html
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from ita_model.thai import BE_OFFSET, MONTHS_EN, MONTHS_EN_ABBR, MONTHS_TH, MONTHS_TH_ABBR

TITLE_MAX = 300
TEXT_MAX = 200_000  # characters read for the year and the emptiness; a page's first screens
EXCERPT_MAX = 1_000  # kept with the check: the PDF's first page as shown
PDF_PAGES_READ = 3
_SPACE = re.compile(r"\s+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}


@dataclass
class Facts:
    """What the checker read from the bytes; kept with the check so a 304 needs no re-reading."""

    kind: str = "other"  # html, pdf, other
    title: str | None = None
    text: str = ""  # visible text (HTML) or the first pages' text (PDF), whitespace collapsed
    pages: int | None = None
    images: bool = False  # a PDF page with pictures: a scan, text or not
    password_field: bool = False
    site_name: str | None = None
    unreadable: bool = False

    @property
    def excerpt(self) -> str:
        return self.text[:EXCERPT_MAX]

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "title": self.title,
            "text": self.text[:TEXT_MAX],
            "pages": self.pages,
            "images": self.images,
            "password_field": self.password_field,
            "site_name": self.site_name,
            "unreadable": self.unreadable,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Facts:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)  # type: ignore[arg-type]


def kind_of(content_type: str, body: bytes) -> str:
    ctype = content_type.split(";", 1)[0].strip().lower()
    if body[:5] == b"%PDF-" or ctype == "application/pdf":
        return "pdf"
    if ctype in ("text/html", "application/xhtml+xml") or (
        not ctype and body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))
    ):
        return "html"
    return "other"


def read(content_type: str, body: bytes) -> Facts:
    kind = kind_of(content_type, body)
    if kind == "html":
        return read_html(decode(content_type, body))
    if kind == "pdf":
        return read_pdf(body)
    return Facts(kind="other")


def decode(content_type: str, body: bytes) -> str:
    """HTML bytes as text: the header's charset, else the page's <meta>, else UTF-8; Thai sites
    still serve TIS-620 / windows-874."""
    found = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_\-]+)", content_type, re.I)
    name = found.group(1) if found else None
    if name is None and (meta := _CHARSET.search(body[:4096])):
        name = meta.group(1).decode("ascii", errors="replace")
    for candidate in (name, "utf-8"):
        if not candidate:
            continue
        try:
            return body.decode(_codec(candidate))
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp874", errors="replace")


def _codec(name: str) -> str:
    low = name.lower()
    return "cp874" if low in ("tis-620", "tis620", "windows-874", "x-windows-874") else low


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title_parts: list[str] = []
        self.text_parts: list[str] = []
        self.size = 0
        self.in_title = False
        self.skipping = 0
        self.password_field = False
        self.site_name: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "title":
            self.in_title = True
        elif tag in _SKIP:
            self.skipping += 1
        elif tag == "input" and values.get("type", "").strip().lower() == "password":
            self.password_field = True
        elif tag == "meta" and values.get("property", "").lower() == "og:site_name":
            self.site_name = values.get("content", "")[:TITLE_MAX] or None

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            if sum(map(len, self.title_parts)) < 4 * TITLE_MAX:
                self.title_parts.append(data)
        elif not self.skipping and self.size < TEXT_MAX:
            self.text_parts.append(data)
            self.size += len(data)


def read_html(text: str) -> Facts:
    page = _Page()
    page.feed(text[: 8 * TEXT_MAX])
    page.close()
    title = collapse("".join(page.title_parts))[:TITLE_MAX] or None
    return Facts(
        kind="html",
        title=title,
        text=collapse(" ".join(page.text_parts))[:TEXT_MAX],
        password_field=page.password_field,
        site_name=page.site_name,
    )


def read_pdf(body: bytes) -> Facts:
    """The first pages' text. pypdf raises many kinds of error on a broken file: a broken PDF
    is a fact about the link (``unreadable``), never a crash of the check."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        pages = len(reader.pages)
        texts = []
        images = False
        for page in list(reader.pages)[:PDF_PAGES_READ]:
            texts.append(page.extract_text() or "")
            images = images or bool(page.images)
        title = None
        if reader.metadata is not None and reader.metadata.title:
            title = collapse(str(reader.metadata.title))[:TITLE_MAX] or None
    except Exception:  # pypdf has no one base error for a broken file
        return Facts(kind="pdf", unreadable=True)
    return Facts(
        kind="pdf",
        title=title,
        text=collapse(" ".join(texts))[:TEXT_MAX],
        pages=pages,
        images=images,
    )


def collapse(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(text)).strip()


# --------------------------------------------------------------------------- years

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    zip(MONTHS_TH, MONTHS_TH_ABBR, MONTHS_EN, MONTHS_EN_ABBR, strict=True), start=1
):
    for _name in _names:
        _MONTHS[_name.lower()] = _n
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_YEAR4 = re.compile(r"(?<!\d)(2[4-6]\d\d|19\d\d|2[01]\d\d)(?!\d)")
_MONTH_YEAR = re.compile(
    rf"({_MONTH_RE})\s*(?:พ\.\s?ศ\.|ค\.\s?ศ\.|ปี)?\s*(\d{{4}}|\d{{2}})(?!\d)", re.I
)
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")
_FISCAL_2 = re.compile(r"(?:ปีงบประมาณ|ปีงบ\.?|พ\.\s?ศ\.)\s*(?:พ\.\s?ศ\.)?\s*(\d{2})(?!\d)")


def _be(digits: str) -> int:
    """A year as written → Buddhist Era: 2565 stays, 2022 (CE) → 2565, 65 → 2565."""
    year = int(digits)
    if year < 100:
        return 2500 + year
    return year if year >= 2400 else year + BE_OFFSET


@dataclass
class Years:
    """The years (Buddhist Era) a text shows, and the months it ties to some of them."""

    years: set[int] = field(default_factory=set)
    months: set[tuple[int, int]] = field(default_factory=set)  # (BE year, month)

    def shows(self, fiscal: int) -> bool:
        """Whether the text shows the fiscal year (BE) or a date in its range (1 Oct of the year
        before to 30 Sep)."""
        if fiscal in self.years:
            return True
        return any(y == fiscal - 1 and m >= 10 for y, m in self.months)

    def found(self, fiscal: int) -> list[int]:
        """The plausible years seen, newest first (an amount such as 1999 baht is not a year
        of an ITA report)."""
        return sorted((y for y in self.years if fiscal - 20 <= y <= fiscal + 5), reverse=True)


def years_in(text: str) -> Years:
    """Every year a text shows: four-digit BE or CE years, two-digit years after a month name
    or 'ปีงบประมาณ'/'พ.ศ.', and numeric dates; Thai or Arabic digits."""
    plain = text.translate(_THAI_DIGITS)
    out = Years()
    for m in _YEAR4.finditer(plain):
        out.years.add(_be(m.group(1)))
    for m in _MONTH_YEAR.finditer(plain):
        month = _MONTHS.get(m.group(1).lower())
        if month is None:
            continue
        year = _be(m.group(2))
        out.years.add(year)
        out.months.add((year, month))
    for m in _NUMERIC_DATE.finditer(plain):
        day, month, year = int(m.group(1)), int(m.group(2)), _be(m.group(3))
        try:
            date(year - BE_OFFSET, month, day)
        except ValueError:
            continue
        out.months.add((year, month))
    for m in _FISCAL_2.finditer(plain):
        out.years.add(_be(m.group(1)))
    return out
