"""Thai digits, Buddhist-Era dates, Thai month names and periods.

Workbooks are typed by hand in Thai offices, so a date or period arrives in many spellings.
This module reads them the way a careful clerk would (contract: spec/workbooks.md, section 3)
and writes them back in the Buddhist Era, which is what every user of the dashboard reads.
Standard library only: the reader, the validator and the pages all import it.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from typing import Literal, NamedTuple

__all__ = [
    "MAX_CELL_CHARS",
    "MONTHS_EN",
    "MONTHS_EN_ABBR",
    "MONTHS_TH",
    "MONTHS_TH_ABBR",
    "THAI_DIGITS",
    "DateError",
    "Period",
    "PeriodError",
    "be_year",
    "fiscal_year_of",
    "fiscal_year_range",
    "format_date",
    "format_month",
    "format_period",
    "month_number",
    "parse_date",
    "parse_period",
    "to_arabic_digits",
    "to_thai_digits",
]

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

BE_OFFSET = 543  # Buddhist Era year = Common Era year + 543
BE_THRESHOLD = 2400  # a year at or above this is Buddhist Era (contract, section 3)
# A date or a period is never longer than a few dozen characters: a longer cell is refused
# unread (contract, section 3), so that every pattern below runs on bounded text.
MAX_CELL_CHARS = 100

# Index 0 is January: MONTHS_TH[month - 1].
MONTHS_TH = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_TH_ABBR = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_EN_ABBR = tuple(name[:3] for name in MONTHS_EN)

Style = Literal["short", "long", "numeric"]
Lang = Literal["th", "en"]


def to_arabic_digits(text: str) -> str:
    """'๐๑' -> '01'; other characters unchanged."""
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    """'01' -> '๐๑'; other characters unchanged."""
    return text.translate(_TO_THAI)


# --------------------------------------------------------------------------- normalising

# Thai digits become Arabic; zero-width characters (pasted from Word and the web) and the
# abbreviation mark ฯ ("ปีงบฯ", "พฤหัสฯ") disappear.
_NORMALISE = {
    **str.maketrans(THAI_DIGITS, "0123456789"),
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeffฯ"), None),
}
# A trailing era after a year ("2565 BE", "2022 AD") says nothing the year rule does not.
_TRAILING_ERA = re.compile(r"(?<=\d)\s*(?:b\.?\s*e|c\.?\s*e|a\.?\s*d)\.?$")


def _normalise(text: str) -> str:
    """One spelling per value, so the patterns below stay few and the caches hit more."""
    text = text.translate(_NORMALISE).replace("เเ", "แ").replace("ํา", "ำ").lower()
    text = " ".join(text.split()).lstrip("'").rstrip(" .,;")
    return _TRAILING_ERA.sub("", text)


# --------------------------------------------------------------------------- month words

_KEY_DROP = str.maketrans("", "", " .-/,")
_MONTH_EXTRA = {
    # spoken short forms and the usual misspellings
    "มกรา": 1,
    "กุมภา": 2,
    "กุมภาพันธ": 2,
    "มีนา": 3,
    "เมษา": 4,
    "พฤษภา": 5,
    "มิถุนา": 6,
    "กรกฎา": 7,
    "กรกฏา": 7,
    "กรกฏาคม": 7,
    "สิงหา": 8,
    "กันยา": 9,
    "ตุลา": 10,
    "พฤศจิกา": 11,
    "ธันวา": 12,
    "sept": 9,
}
_MONTH_WORDS: dict[str, int] = {
    name.lower().translate(_KEY_DROP): number
    for number, names in enumerate(
        zip(MONTHS_TH, MONTHS_TH_ABBR, MONTHS_EN, MONTHS_EN_ABBR, strict=True), start=1
    )
    for name in names
} | _MONTH_EXTRA
# Words around a month name that do not change it: "เดือนมกราคม", "มกราคม พ.ศ.", "มกราคม ปี",
# "26th of January". The era is remembered: it decides what a two-digit year means.
_ERA_SUFFIXES = (("พศ", "be"), ("คศ", "ce"), ("be", "be"), ("ce", "ce"), ("ad", "ce"))
_MONTH_PREFIX = re.compile(r"^(?:เดือน|(?:st|nd|rd|th)?(?:of)?)")


def _month_and_era(word: str) -> tuple[int | None, str | None]:
    """Month number and era marker of a normalised month word; (None, None) if it is none."""
    key = word.translate(_KEY_DROP)
    if (month := _MONTH_WORDS.get(key)) is not None:
        return month, None
    era = None
    key = _MONTH_PREFIX.sub("", key, count=1)
    changed = True
    while changed and key:
        changed = False
        if key.endswith("ปี"):
            key, changed = key[:-2], True
        for suffix, marker in _ERA_SUFFIXES:
            if key.endswith(suffix):
                key, era, changed = key[: -len(suffix)], marker, True
    month = _MONTH_WORDS.get(key)
    return (month, era) if month is not None else (None, None)


def month_number(word: str) -> int | None:
    """1-12 for a Thai or English month name or abbreviation (dots optional), else None."""
    return _month_and_era(_normalise(word))[0]


# --------------------------------------------------------------------------- dates


class DateError(ValueError):
    """A cell that should hold a date does not; ``kind`` picks the message the user sees."""

    def __init__(self, kind: Literal["unreadable", "nonexistent"], value: str = "") -> None:
        self.kind: Literal["unreadable", "nonexistent"] = kind
        self.value = value
        super().__init__(f"{kind} date: {value!r}")

    @property
    def code(self) -> str:
        """The issue code in ita_model.errors that reports this problem."""
        return "bad_date" if self.kind == "unreadable" else "nonexistent_date"


_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 20_000, 80_000  # 1954-10-03 .. 2119-01-11: plausible serials only

_SEP = r"[\s/\-.,]*"
_ORDINAL = r"(?:st|nd|rd|th)?"
_SERIAL = re.compile(r"\d{1,7}(?:\.\d+)?")
_ISO = re.compile(r"(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})(?:\s*[/\-.]\s*|\s+)(\d{1,2})(?:\s*[/\-.]\s*|\s+)(\d{4}|\d{2})")
_TEXT_DMY = re.compile(rf"(\d{{1,2}}){_ORDINAL}{_SEP}([^\d]+?){_SEP}(\d{{4}}|\d{{2}})")
_TEXT_MDY = re.compile(rf"([a-z][a-z.\s]*?){_SEP}(\d{{1,2}}){_ORDINAL}[\s/\-.,]+(\d{{4}}|\d{{2}})")
_TIME = re.compile(
    r"(?:(?:\s+|(?<=\d)t)(?:เวลา\s*)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"|\s*เวลา\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
    r"\s*(?:น\.?|am|pm|z|[+-]\d{2}:?\d{2})?$"
)
_WEEKDAYS_TH = "จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์"
_DATE_PREFIX = re.compile(
    rf"^(?:ณ\s*)?(?:วัน\s*(?:{_WEEKDAYS_TH})\s*(?:ที่)?|วันที่"
    r"|(?:พฤ|อา|จ|อ|พ|ศ|ส)\.(?=\s*\d)"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?|date\b|on\b)\s*:?\s*"
)


def _year(digits: str, era: str | None = None) -> int:
    """Common-Era year: >= 2400 is BE, two digits are BE (unless marked ค.ศ./CE), else CE."""
    n = int(digits)
    if len(digits) <= 2:
        return 2000 + n if era == "ce" else 2500 + n - BE_OFFSET
    if n >= BE_THRESHOLD:
        return n - BE_OFFSET
    if n < 1:
        raise DateError("unreadable")
    return n


def _make(year: int, month: int, day: int) -> date:
    """A day 1-31 and a month 1-12 that make no date (31 Feb) are 'nonexistent'; others unread."""
    if not (1 <= month <= 12 and 1 <= day <= 31 and MINYEAR <= year <= MAXYEAR):
        raise DateError("unreadable")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError("nonexistent") from None


def _read_date(text: str) -> date:
    """Date from normalised text; raises DateError without the value (the caller adds it)."""
    text = _DATE_PREFIX.sub("", _TIME.sub("", text), count=1)
    if not text:
        raise DateError("unreadable")
    if _SERIAL.fullmatch(text):
        serial = float(text)
        if _SERIAL_MIN <= serial <= _SERIAL_MAX:
            return _EXCEL_EPOCH + timedelta(days=int(serial))
        raise DateError("unreadable")
    if m := _ISO.fullmatch(text):
        return _make(_year(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.fullmatch(text):
        return _make(_year(m[3]), int(m[2]), int(m[1]))
    if m := _TEXT_DMY.fullmatch(text):
        month, era = _month_and_era(m[2])
        if month is not None:
            return _make(_year(m[3], era), month, int(m[1]))
    if (m := _TEXT_MDY.fullmatch(text)) and text.isascii():
        month, era = _month_and_era(m[1])
        if month is not None:
            return _make(_year(m[3], era), month, int(m[2]))
    raise DateError("unreadable")


@functools.lru_cache(maxsize=1 << 16)
def _parse_date_text(text: str) -> date | Literal["unreadable", "nonexistent"]:
    """Cached on the raw text. Failures are cached as their kind: re-raising one stored
    exception would grow its traceback on every row."""
    try:
        return _read_date(_normalise(text))
    except DateError as error:
        return error.kind


def _from_date_object(value: date) -> date:
    """A BE date typed into an Excel date cell comes back with year 2565: take 543 off."""
    day = value.date() if isinstance(value, datetime) else value
    if day.year < BE_THRESHOLD:
        return day
    try:
        return day.replace(year=day.year - BE_OFFSET)
    except ValueError:  # 29 Feb of a year that is leap only in its BE number
        raise DateError("nonexistent", str(value)) from None


def parse_date(value: object) -> date:
    """Read one date cell: a date/datetime, or its text in any form the contract accepts."""
    if value is None or isinstance(value, bool) or value != value:  # None, True, NaN, NaT
        raise DateError("unreadable", "" if value is None else str(value))
    if isinstance(value, date):
        return _from_date_object(value)
    text = str(value)
    if len(text) > MAX_CELL_CHARS and len(text.strip()) > MAX_CELL_CHARS:
        raise DateError("unreadable", text.strip())
    result = _parse_date_text(text)
    if isinstance(result, str):
        raise DateError(result, text.strip())
    return result


# --------------------------------------------------------------------------- years


def be_year(d: date) -> int:
    """The Buddhist-Era year users see."""
    return d.year + BE_OFFSET


def fiscal_year_of(d: date) -> int:
    """BE fiscal year of a day: it starts on 1 October, so Oct-Dec belong to the next one."""
    return be_year(d) + (1 if d.month >= 10 else 0)


def fiscal_year_range(be_year: int) -> tuple[date, date]:
    """First and last day of a BE fiscal year: 2565 -> (2021-10-01, 2022-09-30).

    A CE year is refused rather than guessed: 2022 here is a caller's bug, not a user's typo.
    """
    if be_year < BE_THRESHOLD:
        raise ValueError(f"fiscal_year_range wants a Buddhist-Era year, got {be_year}")
    ce = be_year - BE_OFFSET
    return date(ce - 1, 10, 1), date(ce, 9, 30)


# --------------------------------------------------------------------------- periods


class PeriodError(ValueError):
    """A period that cannot be read; the row keeps it as text with a warning."""

    code = "bad_period"

    def __init__(self, reason: str, value: str = "") -> None:
        self.reason = reason
        self.value = value
        super().__init__(f"{reason}: {value!r}" if value else reason)


@dataclass(frozen=True, slots=True)
class Period:
    """A range of days, both ends included; ``end`` None means open-ended ("เป็นต้นไป")."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise PeriodError(f"end {self.end} is before start {self.start}")

    @property
    def is_open(self) -> bool:
        return self.end is None

    def to_dict(self) -> dict[str, str | None]:
        """The contract's JSON form: ISO Common-Era dates, end null when open."""
        return {
            "start": self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
        }


class _Point(NamedTuple):
    """One end of a period as written: any of its parts may be missing ("1", "มี.ค.")."""

    year: int | None
    month: int | None
    day: int | None


_DASHES = "-–—‒−―~－"
_RANGE_SEP = re.compile(
    rf"\s*(?:[{_DASHES}]|จนถึง|ถึง|(?<![a-z])(?:to|until|till|through)(?![a-z]))\s*"
)
_OPEN_SUFFIX = re.compile(r"\s*(?:เป็นต้น\s*ไป|ต้นไป|onwards?|and\s+after)$")
_SINCE_PREFIX = re.compile(r"^(?:ตั้งแต่|เริ่ม\s*(?:ตั้งแต่)?|since|from|starting(?:\s+from)?)\s*")
_FILLER_PREFIX = re.compile(r"^(?:ระหว่าง|ช่วง|ตลอด(?:ทั้ง)?)\s*")
_NOW = re.compile(r"ปัจจุบัน|present|now|ongoing|ต่อเนื่อง|ไม่มีกำหนด")
_BE_WORD = r"(?:พ\.?\s*ศ\.?\s*)?"
_FY_WORDS = r"(?:ประจำ\s*)?(?:ปี\s*)?งบ\s*(?:ประมาณ)?\s*(?:ปี\s*)?"
_FISCAL = re.compile(
    rf"{_FY_WORDS}{_BE_WORD}(\d{{4}}|\d{{2}})"
    rf"(?:\s*(?:[{_DASHES}]|ถึง)\s*(?:{_FY_WORDS})?{_BE_WORD}(\d{{4}}|\d{{2}}))?"
    r"|(?:fiscal\s*year|fy)\s*(\d{4})"
)
_QUARTER = re.compile(
    rf"ไตรมาส\s*(?:ที่)?\s*([1-4])\s*(?:/|ของ)?\s*(?:{_FY_WORDS}|ปี\s*)?{_BE_WORD}(\d{{4}}|\d{{2}})"
)
_POINT_NUMERIC_MONTH = re.compile(r"(\d{1,2})\s*/\s*(\d{4})")
_POINT_DAY_MONTH = re.compile(rf"(\d{{1,2}}){_ORDINAL}{_SEP}([^\d]+)")
_POINT_MONTH_YEAR = re.compile(rf"([^\d]+?){_SEP}(\d{{4}}|\d{{2}})")
_POINT_YEAR = re.compile(r"(ปี\s*)?(?:(พ\.?\s*ศ\.?|ค\.?\s*ศ\.?)\s*)?(\d{4}|\d{2})")


def _fiscal_span(fiscal_be: int, quarter: int | None = None) -> tuple[date, date]:
    """Thai government quarters are fiscal: Q1 is October-December of the year before."""
    start, end = fiscal_year_range(fiscal_be)
    if quarter is None:
        return start, end
    first = date(start.year, 10, 1) if quarter == 1 else date(end.year, 3 * quarter - 5, 1)
    last_month = first.month + 2
    return first, date(first.year, last_month, calendar.monthrange(first.year, last_month)[1])


def _read_fiscal(text: str) -> tuple[date, date] | None:
    if m := _FISCAL.fullmatch(text):
        first = m[1] or m[3]
        start, end = _fiscal_span(_fiscal_year(first))
        if m[2]:
            end = _fiscal_span(_fiscal_year(m[2]))[1]
        return start, end
    if m := _QUARTER.fullmatch(text):
        return _fiscal_span(_fiscal_year(m[2]), int(m[1]))
    return None


def _fiscal_year(digits: str) -> int:
    """The BE fiscal year a cell names; 'ปีงบประมาณ 1000' or 'FY 1800' names none."""
    fiscal = _year(digits) + BE_OFFSET
    if not BE_THRESHOLD <= fiscal <= MAXYEAR:
        raise PeriodError("no such fiscal year")
    return fiscal


def _read_point(text: str) -> _Point | None:
    """One end of a period, or None if the text is not one; raises for an impossible day."""
    text = _DATE_PREFIX.sub("", text, count=1).strip()
    if not text:
        return None
    try:
        day = _read_date(text)
    except DateError as error:
        if error.kind == "nonexistent":
            raise PeriodError("the date does not exist", text) from None
    else:
        return _Point(day.year, day.month, day.day)
    if m := _POINT_NUMERIC_MONTH.fullmatch(text):
        if 1 <= int(m[1]) <= 12:
            return _Point(_year(m[2]), int(m[1]), None)
        return None
    if m := _POINT_DAY_MONTH.fullmatch(text):
        month, _ = _month_and_era(m[2])
        return None if month is None else _Point(None, month, int(m[1]))
    if m := _POINT_MONTH_YEAR.fullmatch(text):
        month, era = _month_and_era(m[1])
        if month is not None:
            return _Point(_year(m[2], era), month, None)
    if m := _POINT_YEAR.fullmatch(text):
        era = None if not m[2] else "ce" if m[2].startswith("ค") else "be"
        if len(m[3]) == 4 or m[1] or era:  # a bare "65" is a day, not a year
            return _Point(_year(m[3], era), None, None)
    if text.isdecimal() and len(text) <= 2:  # not isdigit(): '²' is a digit int() refuses
        return _Point(None, None, int(text))
    month, _ = _month_and_era(text)
    return None if month is None else _Point(None, month, None)


def _span(point: _Point) -> tuple[date, date]:
    """First and last day a point covers: a day, a whole month, or a whole year."""
    year, month, day = point
    if year is None or (month is None and day is not None):
        raise PeriodError("no year or no month")
    if not MINYEAR <= year <= MAXYEAR:  # "ธ.ค. - ม.ค. 0001" starts in year 0
        raise PeriodError("no such year")
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if day is None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    try:
        one = _make(year, month, day)
    except DateError as error:
        raise PeriodError(f"{error.kind} date") from None
    return one, one


def _join(a: _Point, b: _Point) -> tuple[date, date]:
    """Share the year (and month) written once; "ต.ค. - มี.ค. 2565" starts in 2564."""
    if a.year is None and b.year is None:
        raise PeriodError("no year")
    if a.year is None:
        if a.month is None:  # "1 - 15 มิ.ย. 2565"
            if b.month is None:
                raise PeriodError("no month")
            a = a._replace(year=b.year, month=b.month)
        else:
            rolls = b.month is not None and a.month > b.month
            a = a._replace(year=b.year - 1 if rolls else b.year)  # type: ignore[operator]
    elif b.year is None:
        if b.month is None:  # "1 มิ.ย. 2565 - 15"
            if a.month is None:
                raise PeriodError("no month")
            b = b._replace(year=a.year, month=a.month)
        else:
            rolls = a.month is not None and b.month < a.month
            b = b._replace(year=a.year + 1 if rolls else a.year)
    start, end = _span(a)[0], _span(b)[1]
    if end < start:
        raise PeriodError("the end is before the start")
    return start, end


def _read_range(text: str) -> tuple[date, date | None] | None:
    """Try each dash or "ถึง" as the separator: dashes also sit inside dates (26-01-2565)."""
    failure: PeriodError | None = None
    for m in _RANGE_SEP.finditer(text):
        left, right = text[: m.start()].strip(), text[m.end() :].strip()
        if not left or not right:
            continue
        try:
            a = _read_point(left)
            if a is None:
                continue
            if _NOW.fullmatch(right):
                return _span(a)[0], None
            b = _read_point(right)
            if b is not None:
                return _join(a, b)
        except (PeriodError, DateError) as error:
            failure = error if isinstance(error, PeriodError) else PeriodError(str(error))
    if failure is not None:
        raise failure
    return None


def _read_period(text: str) -> Period:
    """Period from normalised text; raises PeriodError without the value."""
    open_end = False
    if m := _OPEN_SUFFIX.search(text):
        open_end, text = True, text[: m.start()]
    since = False
    if m := _SINCE_PREFIX.match(text):
        since, text = True, text[m.end() :]
    text = _FILLER_PREFIX.sub("", text, count=1).strip()
    if not text:
        raise PeriodError("empty")
    ranged = False
    try:
        span: tuple[date, date | None] | None = _read_fiscal(text)
        if span is None and (point := _read_point(text)) is not None:
            span = _span(point)
        if span is None:
            span, ranged = _read_range(text), True
    except DateError as error:
        raise PeriodError(f"{error.kind} year") from None
    if span is None:
        raise PeriodError("unreadable")
    if open_end and ranged:
        raise PeriodError("both a range and 'onwards'")
    if open_end or (since and not ranged):
        return Period(span[0], None)
    return Period(span[0], span[1])


@functools.lru_cache(maxsize=1 << 14)
def _parse_period_text(text: str) -> Period | str:
    """Cached on the raw text; a failure is cached as its reason."""
    try:
        return _read_period(_normalise(text))
    except PeriodError as error:
        return error.reason


def parse_period(text: object) -> Period:
    """Read a period cell ("มกราคม - เมษายน ๒๕๖๕", "ปีงบประมาณ ๒๕๖๕", a date...)."""
    if isinstance(text, Period):
        return text
    if text is None or isinstance(text, bool) or text != text:
        raise PeriodError("empty", "" if text is None else str(text))
    if isinstance(text, date):
        try:
            day = _from_date_object(text)
        except DateError as error:
            raise PeriodError("the date does not exist", str(text)) from error
        return Period(day, day)
    raw = str(text)
    if len(raw) > MAX_CELL_CHARS and len(raw.strip()) > MAX_CELL_CHARS:
        raise PeriodError("too long", raw.strip())
    result = _parse_period_text(raw)
    if isinstance(result, str):
        raise PeriodError(result, raw.strip())
    return result


# --------------------------------------------------------------------------- formatting
# Buddhist Era always. English adds "BE" once, after the last year, so a reader who does
# not know the Thai calendar is not misled: "26 Jan 2565 BE", "Jan – Apr 2565 BE".


def _month_name(month: int, style: Style, lang: Lang) -> str:
    if lang == "en":
        return (MONTHS_EN if style == "long" else MONTHS_EN_ABBR)[month - 1]
    return (MONTHS_TH if style == "long" else MONTHS_TH_ABBR)[month - 1]


def _date_text(d: date, style: Style, lang: Lang) -> str:
    if style == "numeric":
        return f"{d.day:02d}/{d.month:02d}/{be_year(d)}"
    return f"{d.day} {_month_name(d.month, style, lang)} {be_year(d)}"


def _month_text(year_ce: int, month: int, style: Style, lang: Lang) -> str:
    if style == "numeric":
        return f"{month:02d}/{year_ce + BE_OFFSET}"
    return f"{_month_name(month, style, lang)} {year_ce + BE_OFFSET}"


def _finish(text: str, lang: Lang, thai_digits: bool) -> str:
    if lang == "en":
        text += " BE"
    return to_thai_digits(text) if thai_digits else text


def format_date(
    d: date, *, style: Style = "short", thai_digits: bool = False, lang: Lang = "th"
) -> str:
    """'26 ม.ค. 2565' (short), '26 มกราคม 2565' (long), '26/01/2565' (numeric).

    English keeps the BE year, marked: '26 Jan 2565 BE'.
    """
    return _finish(_date_text(d, style, lang), lang, thai_digits)


def format_month(
    year: int,
    month: int,
    *,
    style: Style = "short",
    thai_digits: bool = False,
    lang: Lang = "th",
) -> str:
    """'ม.ค. 2565' for chart axes. ``year`` may be CE or BE (>= 2400), as everywhere else."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
    year_ce = year - BE_OFFSET if year >= BE_THRESHOLD else year
    return _finish(_month_text(year_ce, month, style, lang), lang, thai_digits)


def _period_text(p: Period, style: Style, lang: Lang) -> str:
    start, end = p.start, p.end
    if end is None:
        since = _date_text(start, style, lang)
        return f"from {since}" if lang == "en" else f"{since} เป็นต้นไป"
    if start == end:
        return _date_text(start, style, lang)
    if (start, end) == (date(start.year, 10, 1), date(start.year + 1, 9, 30)):
        fiscal = be_year(end)
        if lang == "en":
            return f"fiscal year {fiscal}" if style == "long" else f"FY {fiscal}"
        return f"ปีงบประมาณ พ.ศ. {fiscal}" if style == "long" else f"ปีงบประมาณ {fiscal}"
    if (start, end) == (date(start.year, 1, 1), date(start.year, 12, 31)):
        return str(be_year(start)) if lang == "en" else f"พ.ศ. {be_year(start)}"
    last_day = calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and end.day == last_day:  # whole months
        last = _month_text(end.year, end.month, style, lang)
        if (start.year, start.month) == (end.year, end.month):
            return last
        if start.year == end.year and style != "numeric":
            return f"{_month_name(start.month, style, lang)} – {last}"
        return f"{_month_text(start.year, start.month, style, lang)} – {last}"
    last = _date_text(end, style, lang)
    if style == "numeric" or start.year != end.year:
        return f"{_date_text(start, style, lang)} – {last}"
    if start.month == end.month:
        return f"{start.day}–{last}"
    return f"{start.day} {_month_name(start.month, style, lang)} – {last}"


def format_period(
    p: Period, *, style: Style = "short", thai_digits: bool = False, lang: Lang = "th"
) -> str:
    """The shortest unambiguous Thai form, which parse_period reads back to the same Period:
    'ม.ค. – เม.ย. 2565', '1–15 มิ.ย. 2565', 'ปีงบประมาณ 2565', '1 ธ.ค. 2564 เป็นต้นไป'."""
    return _finish(_period_text(p, style, lang), lang, thai_digits)
