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
NO_ACCESS_CHARS = 5_000  # the first words, kept: where a drive says "you need access"
PDF_PAGES_READ = 3
_SPACE = re.compile(r"\s+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}


@dataclass
class Facts:
    """What the checker read from the bytes. Kept with the check (without the whole text: its
    length, its first words and the years it shows), so a 304 needs no re-reading."""

    kind: str = "other"  # html, pdf, other
    title: str | None = None
    text: str = ""  # the first words (visible text of HTML, first pages of a PDF); kept: fewer
    chars: int = 0  # how much text there was
    years: list[int] = field(default_factory=list)  # the years it shows (BE)
    months: list[tuple[int, int]] = field(default_factory=list)  # (BE year, month) it shows
    pages: int | None = None
    images: bool = False  # a PDF page with pictures: a scan, text or not
    password_field: bool = False
    site_name: str | None = None
    unreadable: bool = False

    @property
    def excerpt(self) -> str:
        return self.text[:EXCERPT_MAX]

    @property
    def seen(self) -> Years:
        return Years(set(self.years), {(y, m) for y, m in self.months})

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "title": self.title,
            "text": self.text[:EXCERPT_MAX],
            "chars": self.chars,
            "years": self.years,
            "months": [list(m) for m in self.months],
            "pages": self.pages,
            "images": self.images,
            "password_field": self.password_field,
            "site_name": self.site_name,
            "unreadable": self.unreadable,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Facts:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["months"] = [tuple(m) for m in known.get("months", [])]  # type: ignore[union-attr]
        return cls(**known)  # type: ignore[arg-type]


def _finish(facts: Facts, text: str) -> Facts:
    """Length, first words and years of the whole text (read here once, never kept whole)."""
    facts.chars = len(text)
    facts.text = text[:NO_ACCESS_CHARS]
    seen = years_in(" ".join(filter(None, [facts.title, text])))
    facts.years = sorted(seen.years)
    facts.months = sorted(seen.months)
    return facts


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
    facts = Facts(
        kind="html", title=title, password_field=page.password_field, site_name=page.site_name
    )
    return _finish(facts, collapse(" ".join(page.text_parts))[:TEXT_MAX])


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
    facts = Facts(kind="pdf", title=title, pages=pages, images=images)
    return _finish(facts, collapse(" ".join(texts))[:TEXT_MAX])


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
_DIGITS = re.compile(r"\d+")
_YEAR4 = re.compile(r"2[4-6]\d\d|19\d\d|2[01]\d\d")  # BE 24xx–26xx, CE 19xx–21xx
# what may stand before a year, read backwards from its digits (a short slice, not the page)
_MONTH_BEFORE = re.compile(rf"({_MONTH_RE})\s*(?:พ\.\s?ศ\.|ค\.\s?ศ\.|ปี)?\s*$", re.I)
_FISCAL_BEFORE = re.compile(r"(?:ปีงบประมาณ|ปีงบ\.?|พ\.\s?ศ\.)\s*(?:พ\.\s?ศ\.)?\s*$")
_DATE_BEFORE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-]$")
_LOOK_BACK = 24


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
    or 'ปีงบประมาณ'/'พ.ศ.', and numeric dates; Thai or Arabic digits.

    Walks the runs of digits and looks a few characters back from each (a page has few numbers
    and much text: one pass of a month-name alternation over every character was the cost).
    """
    plain = text.translate(_THAI_DIGITS)
    out = Years()
    for m in _DIGITS.finditer(plain):
        digits = m.group()
        if len(digits) not in (2, 4):
            continue
        before = plain[max(0, m.start() - _LOOK_BACK) : m.start()]
        if len(digits) == 4 and _YEAR4.fullmatch(digits):
            out.years.add(_be(digits))
        month = _MONTH_BEFORE.search(before)
        if month is not None and (number := _MONTHS.get(month.group(1).lower())):
            year = _be(digits)
            out.years.add(year)
            out.months.add((year, number))
        elif len(digits) == 2 and _FISCAL_BEFORE.search(before):
            out.years.add(_be(digits))
        if len(digits) == 4 and (numeric := _DATE_BEFORE.search(before)):
            day, month_no, year = int(numeric.group(1)), int(numeric.group(2)), _be(digits)
            try:
                date(year - BE_OFFSET, month_no, day)
            except ValueError:
                continue
            out.months.add((year, month_no))
    return out
