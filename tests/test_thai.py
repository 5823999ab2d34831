"""Thai digits, BE dates, month words and periods: every example of spec/workbooks.md section 3."""

from __future__ import annotations

import ast
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from ita_model import thai
from ita_model.thai import (
    MONTHS_EN_ABBR,
    MONTHS_TH,
    MONTHS_TH_ABBR,
    THAI_DIGITS,
    DateError,
    Period,
    PeriodError,
    be_year,
    fiscal_year_of,
    fiscal_year_range,
    format_date,
    format_month,
    format_period,
    month_number,
    parse_date,
    parse_period,
    to_arabic_digits,
    to_thai_digits,
)

D = date(2022, 1, 26)  # ๒๖ มกราคม ๒๕๖๕


# --------------------------------------------------------------------------- digits


@pytest.mark.parametrize(
    ("thai_text", "arabic"),
    [
        ("๐๑๒๓๔๕๖๗๘๙", "0123456789"),
        ("๒๖ ม.ค. ๒๕๖๕", "26 ม.ค. 2565"),
        ("ข้อ ๐๑", "ข้อ 01"),
        ("no digits", "no digits"),
        ("", ""),
    ],
)
def test_digits_round_trip(thai_text: str, arabic: str) -> None:
    assert to_arabic_digits(thai_text) == arabic
    assert to_thai_digits(arabic) == thai_text


def test_thai_digits_constant() -> None:
    assert len(THAI_DIGITS) == 10
    assert to_arabic_digits(THAI_DIGITS) == "0123456789"


# --------------------------------------------------------------------------- month words


def test_month_tables() -> None:
    assert len(MONTHS_TH) == len(MONTHS_TH_ABBR) == len(MONTHS_EN_ABBR) == 12
    assert (MONTHS_TH[0], MONTHS_TH[-1]) == ("มกราคม", "ธันวาคม")
    assert (MONTHS_TH_ABBR[0], MONTHS_TH_ABBR[-1]) == ("ม.ค.", "ธ.ค.")
    assert (MONTHS_EN_ABBR[0], MONTHS_EN_ABBR[-1]) == ("Jan", "Dec")


@pytest.mark.parametrize(
    ("word", "month"),
    [
        *[(name, i) for i, name in enumerate(MONTHS_TH, start=1)],
        *[(name, i) for i, name in enumerate(MONTHS_TH_ABBR, start=1)],
        *[(name.rstrip("."), i) for i, name in enumerate(MONTHS_TH_ABBR, start=1)],
        *[(name.replace(".", ""), i) for i, name in enumerate(MONTHS_TH_ABBR, start=1)],
        *[(name, i) for i, name in enumerate(MONTHS_EN_ABBR, start=1)],
        ("ม. ค.", 1),
        ("มค", 1),
        ("มีค", 3),
        ("เมย", 4),
        ("มิย", 6),
        ("January", 1),
        ("SEPTEMBER", 9),
        ("sept", 9),
        ("dec.", 12),
        ("กรกฏาคม", 7),  # the common misspelling with ฏ
        ("มกรา", 1),
        ("เดือนมกราคม", 1),
        (" ธันวาคม ", 12),
    ],
)
def test_month_number(word: str, month: int) -> None:
    assert month_number(word) == month


@pytest.mark.parametrize("word", ["", "abc", "พ.ศ.", "มกราคมเมษายน", "13", "jun-jul"])
def test_month_number_refuses(word: str) -> None:
    assert month_number(word) is None


# --------------------------------------------------------------------------- dates

DATE_EXAMPLES = [
    # contract examples
    ("2022-01-26", D),
    ("26/01/2565", D),
    ("26/1/65", D),
    ("26-01-2022", D),
    ("๒๖ มกราคม ๒๕๖๕", D),
    ("๒๖ ม.ค. ๒๕๖๕", D),
    ("๒๖ ม.ค ๒๕๖๕", D),
    ("วันที่ ๒๖ ม.ค. ๖๕", D),
    # brief examples
    ("2022-01-26 00:00:00", D),
    ("2565-01-26 00:00:00", D),
    ("26.01.2565", D),
    ("26 ม.ค.65", D),
    ("๒๖ มกราคม พ.ศ. ๒๕๖๕", D),
    ("วันศุกร์ที่ ๒๑ มกราคม ๒๕๖๕", date(2022, 1, 21)),
    ("26 Jan 2022", D),
    ("44587", D),
    ("44587.0", D),
    ("  26/01/2565  ", D),
    # Thai digits anywhere, and mixed
    ("๒๖/๐๑/๒๕๖๕", D),
    ("2๖/01/๒565", D),
    ("๒๐๒๒-๐๑-๒๖", D),
    # more spellings a clerk types
    ("26 มค 65", D),
    ("26ม.ค.2565", D),
    ("26 มกรา 65", D),
    ("26-ม.ค.-65", D),  # Thai Excel's d-mmm-yy display
    ("วันที่ 26 เดือนมกราคม พ.ศ. 2565", D),
    ("วันที่: 26/01/2565", D),
    ("ณ วันที่ 26 ม.ค. 2565", D),
    ("วันพุธ 26 ม.ค. 2565", D),
    ("พ. 26 ม.ค. 65", D),
    ("26 ม.ค. 2565 เวลา 10.30 น.", D),
    ("26/01/2565 13:45", D),
    ("2022-01-26T00:00:00", D),
    ("2022/01/26", D),
    ("26 January 2022", D),
    ("26-Jan-2022", D),
    ("26th of January 2022", D),
    ("Wednesday, 26 January 2022", D),
    ("January 26, 2022", D),
    ("26 Jan 2565 BE", D),
    ("26 ม.ค. ค.ศ. 2022", D),
    ("\u200b26/01/2565", D),  # zero-width space pasted from the web
    ("'26/01/2565", D),  # Excel's text prefix
    # leap years: BE 2567 = CE 2024
    ("29/02/2567", date(2024, 2, 29)),
    ("29 ก.พ. 67", date(2024, 2, 29)),
    ("29/02/2020", date(2020, 2, 29)),
]


@pytest.mark.parametrize(("text", "expected"), DATE_EXAMPLES)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # four-digit years: >= 2400 is BE, below is CE
        ("01/01/2400", date(1857, 1, 1)),
        ("31/12/2399", date(2399, 12, 31)),
        ("01/01/2399", date(2399, 1, 1)),
        ("2400-01-01", date(1857, 1, 1)),
        ("26/01/2022", D),
        ("26/01/1999", date(1999, 1, 26)),
        # two-digit years are always BE, even when they look like CE
        ("26/01/65", D),
        ("26/01/00", date(1957, 1, 26)),
        ("26/01/99", date(2056, 1, 26)),
        ("26/01/22", date(1979, 1, 26)),
        ("26 Jan 22", date(1979, 1, 26)),
    ],
)
def test_year_rule(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D, D),
        (datetime(2022, 1, 26, 13, 45), D),
        (date(2565, 1, 26), D),  # a BE date typed into an Excel date cell
        (datetime(2565, 1, 26), D),
        (date(2399, 1, 26), date(2399, 1, 26)),
        (date(2400, 1, 1), date(1857, 1, 1)),
        (44587, D),
        (44587.0, D),
        (44587.75, D),  # the time of day is dropped
        (20000, date(1954, 10, 3)),
        (80000, date(2119, 1, 11)),
    ],
)
def test_parse_date_objects_and_numbers(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("31/02/2565", "nonexistent"),
        ("29/02/2566", "nonexistent"),  # 2023 is not a leap year
        ("29/02/2565", "nonexistent"),
        ("31/04/2565", "nonexistent"),
        ("31 ก.พ. 2565", "nonexistent"),
        ("๓๑/๐๒/๒๕๖๕", "nonexistent"),
        ("2565-02-30 00:00:00", "nonexistent"),
        (date(2564, 2, 29), "nonexistent"),  # leap in CE 2564, not in CE 2021
        ("abc", "unreadable"),
        ("", "unreadable"),
        ("   ", "unreadable"),
        ("32/01/2565", "unreadable"),  # no month has 32 days: a typo, not a calendar gap
        ("26/13/2565", "unreadable"),
        ("01/26/2565", "unreadable"),  # month-first is never guessed
        ("00/01/2565", "unreadable"),
        ("26/01/565", "unreadable"),
        ("26/01", "unreadable"),
        ("26 ม.ค.", "unreadable"),
        ("ม.ค. 2565", "unreadable"),  # a month is a period, not a date
        ("2565", "unreadable"),
        ("19999", "unreadable"),  # serials outside 20000-80000 are not plausible dates
        ("80001", "unreadable"),
        ("0", "unreadable"),
        ("26 foo 2565", "unreadable"),
        ("26/01/2565 - 31/01/2565", "unreadable"),
        (None, "unreadable"),
        (True, "unreadable"),
        (float("nan"), "unreadable"),
    ],
)
def test_parse_date_refuses(value: object, kind: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(value)
    assert info.value.kind == kind
    assert isinstance(info.value, ValueError)
    assert info.value.code == ("bad_date" if kind == "unreadable" else "nonexistent_date")


def test_date_error_keeps_the_value() -> None:
    with pytest.raises(DateError) as info:
        parse_date(" 31/02/2565 ")
    assert info.value.value == "31/02/2565"


def test_parse_date_is_cached_and_failures_do_not_leak() -> None:
    thai._parse_date_text.cache_clear()
    for _ in range(3):
        assert parse_date("26 ม.ค. 2565") == D
        with pytest.raises(DateError):
            parse_date("31/02/2565")
    info = thai._parse_date_text.cache_info()
    assert (info.hits, info.misses) == (4, 2)


# --------------------------------------------------------------------------- years


@pytest.mark.parametrize(
    ("day", "be", "fiscal"),
    [
        (date(2022, 1, 26), 2565, 2565),
        (date(2021, 9, 30), 2564, 2564),
        (date(2021, 10, 1), 2564, 2565),
        (date(2021, 12, 31), 2564, 2565),
        (date(2022, 9, 30), 2565, 2565),
    ],
)
def test_be_and_fiscal_year(day: date, be: int, fiscal: int) -> None:
    assert be_year(day) == be
    assert fiscal_year_of(day) == fiscal


def test_fiscal_year_range() -> None:
    assert fiscal_year_range(2565) == (date(2021, 10, 1), date(2022, 9, 30))
    start, end = fiscal_year_range(2567)
    assert fiscal_year_of(start) == fiscal_year_of(end) == 2567
    with pytest.raises(ValueError):
        fiscal_year_range(2022)  # a CE year is a caller's bug


# --------------------------------------------------------------------------- periods

FY2565 = Period(date(2021, 10, 1), date(2022, 9, 30))
JAN_APR = Period(date(2022, 1, 1), date(2022, 4, 30))

PERIOD_EXAMPLES = [
    # contract examples
    ("มกราคม ๒๕๖๕", Period(date(2022, 1, 1), date(2022, 1, 31))),
    ("มกราคม - เมษายน ๒๕๖๕", JAN_APR),
    ("ธ.ค. ๒๕๖๔ – มีนาคม ๒๕๖๕", Period(date(2021, 12, 1), date(2022, 3, 31))),
    ("ม.ค.-ก.ย.๖๕", Period(date(2022, 1, 1), date(2022, 9, 30))),
    ("ธ.ค. ๒๕๖๔ เป็นต้นไป", Period(date(2021, 12, 1), None)),
    ("งบประมาณ ๒๕๖๕", FY2565),
    ("ปีงบประมาณ พ.ศ. ๒๕๖๕", FY2565),
    # brief examples
    ("ตุลาคม - มีนาคม ๒๕๖๕", Period(date(2021, 10, 1), date(2022, 3, 31))),
    ("ต.ค. - ธ.ค. ๖๕", Period(date(2022, 10, 1), date(2022, 12, 31))),
    ("ตั้งแต่ ธ.ค. ๒๕๖๔", Period(date(2021, 12, 1), None)),
    ("ปีงบประมาณ 2565", FY2565),
    ("๒๖ มกราคม ๒๕๖๕", Period(D, D)),
    ("1 - 15 มิ.ย. 2565", Period(date(2022, 6, 1), date(2022, 6, 15))),
    ("๑ มี.ค. - ๓๐ เม.ย. ๒๕๖๕", Period(date(2022, 3, 1), date(2022, 4, 30))),
    ("พ.ศ. ๒๕๖๕", Period(date(2022, 1, 1), date(2022, 12, 31))),
    # every dash, and ถึง
    ("มกราคม-เมษายน 2565", JAN_APR),
    ("มกราคม – เมษายน 2565", JAN_APR),
    ("มกราคม — เมษายน 2565", JAN_APR),
    ("มกราคม ‒ เมษายน 2565", JAN_APR),
    ("มกราคม − เมษายน 2565", JAN_APR),
    ("มกราคม ~ เมษายน 2565", JAN_APR),
    ("มกราคม ถึง เมษายน 2565", JAN_APR),
    ("ม.ค.ถึงเม.ย.65", JAN_APR),
    ("มกราคม จนถึง เมษายน 2565", JAN_APR),
    ("ตั้งแต่ ม.ค. ถึง เม.ย. 2565", JAN_APR),  # ตั้งแต่ ... ถึง is closed
    ("ระหว่าง ม.ค. - เม.ย. 2565", JAN_APR),
    ("ช่วงเดือน ม.ค. - เม.ย. 2565", JAN_APR),
    ("Jan - Apr 2022", JAN_APR),
    ("January to April 2565", JAN_APR),
    ("01/2565 – 04/2565", JAN_APR),
    ("ม.ค. 2565 - เม.ย.", JAN_APR),  # the year written on the left carries right
    ("jan - apr 2565 be", JAN_APR),
    # year roll-over when the year is written once
    ("พ.ย. 2564 - ก.พ.", Period(date(2021, 11, 1), date(2022, 2, 28))),
    ("ต.ค. - ก.ย. 2565", FY2565),
    # days and dates
    ("1-15 มิ.ย. 2565", Period(date(2022, 6, 1), date(2022, 6, 15))),
    ("วันที่ 1 - 15 มิ.ย. 2565", Period(date(2022, 6, 1), date(2022, 6, 15))),
    ("1 มิ.ย. 2565 - 15", Period(date(2022, 6, 1), date(2022, 6, 15))),
    ("26/01/2565 - 31/03/2565", Period(D, date(2022, 3, 31))),
    ("26-01-2565 - 31-03-2565", Period(D, date(2022, 3, 31))),  # dashes inside dates
    ("2022-01-26 - 2022-03-31", Period(D, date(2022, 3, 31))),
    ("15 ธ.ค. 2564 - 15 ม.ค. 2565", Period(date(2021, 12, 15), date(2022, 1, 15))),
    ("26/01/2565", Period(D, D)),
    ("44587", Period(D, D)),
    # years
    ("2565", Period(date(2022, 1, 1), date(2022, 12, 31))),
    ("ปี 2565", Period(date(2022, 1, 1), date(2022, 12, 31))),
    ("ปี พ.ศ. 65", Period(date(2022, 1, 1), date(2022, 12, 31))),
    ("2564 - 2565", Period(date(2021, 1, 1), date(2022, 12, 31))),
    # fiscal years and their quarters
    ("ปีงบประมาณ ๖๕", FY2565),
    ("ปีงบฯ 2565", FY2565),
    ("ปีงบ 65", FY2565),
    ("งบประมาณปี 2565", FY2565),
    ("ประจำปีงบประมาณ พ.ศ. 2565", FY2565),
    ("ตลอดปีงบประมาณ 2565", FY2565),
    ("FY 2565", FY2565),
    ("fiscal year 2565", FY2565),
    ("ปีงบประมาณ 2022", FY2565),  # a CE year ends in September 2022, like BE 2565
    ("ปีงบประมาณ 2564 - 2565", Period(date(2020, 10, 1), date(2022, 9, 30))),
    ("ไตรมาส 1/2565", Period(date(2021, 10, 1), date(2021, 12, 31))),
    ("ไตรมาสที่ 2 ปีงบประมาณ 2565", Period(date(2022, 1, 1), date(2022, 3, 31))),
    ("ไตรมาส 4 ปี 65", Period(date(2022, 7, 1), date(2022, 9, 30))),
    # open ends
    ("ธ.ค. 2564 เป็นต้นไป", Period(date(2021, 12, 1), None)),
    ("ตั้งแต่วันที่ 15 ธ.ค. 2564 เป็นต้นไป", Period(date(2021, 12, 15), None)),
    ("ตั้งแต่ 15 ธ.ค. 2564", Period(date(2021, 12, 15), None)),
    ("ตั้งแต่เดือน ธันวาคม พ.ศ. ๒๕๖๔ เป็นต้นไป", Period(date(2021, 12, 1), None)),
    ("ตั้งเเต่ ธ.ค. 2564", Period(date(2021, 12, 1), None)),  # เเ typed for แ
    ("ม.ค. 2565 - ปัจจุบัน", Period(date(2022, 1, 1), None)),
    ("ตั้งแต่ปีงบประมาณ 2565", Period(date(2021, 10, 1), None)),
    ("Dec 2021 onwards", Period(date(2021, 12, 1), None)),
    ("from 1 Dec 2564", Period(date(2021, 12, 1), None)),
]


@pytest.mark.parametrize(("text", "expected"), PERIOD_EXAMPLES)
def test_parse_period(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D, Period(D, D)),
        (datetime(2565, 1, 26), Period(D, D)),
        (2565, Period(date(2022, 1, 1), date(2022, 12, 31))),
        (JAN_APR, JAN_APR),
    ],
)
def test_parse_period_objects(value: object, expected: Period) -> None:
    assert parse_period(value) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "abc",
        "มกราคม",  # no year
        "ม.ค. - มี.ค.",  # no year on either side
        "65",  # a bare two-digit number is not a year
        "มี.ค. 2565 - ม.ค. 2565",  # ends before it starts
        "15 - 10 มิ.ย. 2565",
        "31 ก.พ. 2565",
        "1 - 31 ก.พ. 2565",
        "32 ม.ค. 2565",
        "ม.ค. - มี.ค. 2565 เป็นต้นไป",  # a closed range cannot also be open
        "ปัจจุบัน",
        "ทุกเดือน",
        None,
    ],
)
def test_parse_period_refuses(text: object) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert isinstance(info.value, ValueError)
    assert info.value.code == "bad_period"


def test_period_model() -> None:
    assert FY2565.to_dict() == {"start": "2021-10-01", "end": "2022-09-30"}
    assert Period(D).to_dict() == {"start": "2022-01-26", "end": None}
    assert Period(D).is_open and not FY2565.is_open
    with pytest.raises(PeriodError):
        Period(D, date(2022, 1, 25))
    with pytest.raises(AttributeError):
        FY2565.end = None  # type: ignore[misc]


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "26 ม.ค. 2565"),
        ({"style": "long"}, "26 มกราคม 2565"),
        ({"style": "numeric"}, "26/01/2565"),
        ({"thai_digits": True}, "๒๖ ม.ค. ๒๕๖๕"),
        ({"style": "long", "thai_digits": True}, "๒๖ มกราคม ๒๕๖๕"),
        ({"style": "numeric", "thai_digits": True}, "๒๖/๐๑/๒๕๖๕"),
        ({"lang": "en"}, "26 Jan 2565 BE"),
        ({"lang": "en", "style": "long"}, "26 January 2565 BE"),
        ({"lang": "en", "style": "numeric"}, "26/01/2565 BE"),
    ],
)
def test_format_date(kwargs: dict[str, object], expected: str) -> None:
    assert format_date(D, **kwargs) == expected  # type: ignore[arg-type]


def test_format_date_pads_only_numeric() -> None:
    assert format_date(date(2022, 6, 1)) == "1 มิ.ย. 2565"
    assert format_date(date(2022, 6, 1), style="numeric") == "01/06/2565"


@pytest.mark.parametrize(
    ("year", "month", "kwargs", "expected"),
    [
        (2022, 1, {}, "ม.ค. 2565"),
        (2565, 1, {}, "ม.ค. 2565"),  # a BE year is taken as such
        (2021, 12, {"style": "long"}, "ธันวาคม 2564"),
        (2022, 9, {"style": "numeric"}, "09/2565"),
        (2022, 1, {"thai_digits": True}, "ม.ค. ๒๕๖๕"),
        (2022, 1, {"lang": "en"}, "Jan 2565 BE"),
        (2022, 1, {"lang": "en", "style": "long"}, "January 2565 BE"),
    ],
)
def test_format_month(year: int, month: int, kwargs: dict[str, object], expected: str) -> None:
    assert format_month(year, month, **kwargs) == expected  # type: ignore[arg-type]


def test_format_month_refuses_month_13() -> None:
    with pytest.raises(ValueError):
        format_month(2022, 13)


@pytest.mark.parametrize(
    ("period", "short", "long", "numeric", "english"),
    [
        (Period(D, D), "26 ม.ค. 2565", "26 มกราคม 2565", "26/01/2565", "26 Jan 2565 BE"),
        (
            Period(date(2022, 1, 1), date(2022, 1, 31)),
            "ม.ค. 2565",
            "มกราคม 2565",
            "01/2565",
            "Jan 2565 BE",
        ),
        (
            JAN_APR,
            "ม.ค. – เม.ย. 2565",
            "มกราคม – เมษายน 2565",
            "01/2565 – 04/2565",
            "Jan – Apr 2565 BE",
        ),
        (
            Period(date(2021, 12, 1), date(2022, 3, 31)),
            "ธ.ค. 2564 – มี.ค. 2565",
            "ธันวาคม 2564 – มีนาคม 2565",
            "12/2564 – 03/2565",
            "Dec 2564 – Mar 2565 BE",
        ),
        (
            Period(date(2022, 6, 1), date(2022, 6, 15)),
            "1–15 มิ.ย. 2565",
            "1–15 มิถุนายน 2565",
            "01/06/2565 – 15/06/2565",
            "1–15 Jun 2565 BE",
        ),
        (
            Period(date(2022, 3, 2), date(2022, 4, 30)),
            "2 มี.ค. – 30 เม.ย. 2565",
            "2 มีนาคม – 30 เมษายน 2565",
            "02/03/2565 – 30/04/2565",
            "2 Mar – 30 Apr 2565 BE",
        ),
        (
            Period(date(2021, 12, 15), date(2022, 1, 15)),
            "15 ธ.ค. 2564 – 15 ม.ค. 2565",
            "15 ธันวาคม 2564 – 15 มกราคม 2565",
            "15/12/2564 – 15/01/2565",
            "15 Dec 2564 – 15 Jan 2565 BE",
        ),
        (FY2565, "ปีงบประมาณ 2565", "ปีงบประมาณ พ.ศ. 2565", "ปีงบประมาณ 2565", "FY 2565 BE"),
        (
            Period(date(2022, 1, 1), date(2022, 12, 31)),
            "พ.ศ. 2565",
            "พ.ศ. 2565",
            "พ.ศ. 2565",
            "2565 BE",
        ),
        (
            Period(date(2021, 12, 1), None),
            "1 ธ.ค. 2564 เป็นต้นไป",
            "1 ธันวาคม 2564 เป็นต้นไป",
            "01/12/2564 เป็นต้นไป",
            "from 1 Dec 2564 BE",
        ),
    ],
)
def test_format_period(period: Period, short: str, long: str, numeric: str, english: str) -> None:
    assert format_period(period) == short
    assert format_period(period, style="long") == long
    assert format_period(period, style="numeric") == numeric
    assert format_period(period, lang="en") == english
    assert format_period(period, thai_digits=True) == to_thai_digits(short)


ROUND_TRIP = sorted({expected for _, expected in PERIOD_EXAMPLES}, key=repr)


@pytest.mark.parametrize("period", ROUND_TRIP, ids=repr)
@pytest.mark.parametrize("style", ["short", "long", "numeric"])
@pytest.mark.parametrize("lang", ["th", "en"])
def test_format_period_reads_back(period: Period, style: str, lang: str) -> None:
    """What the UI shows can be pasted back into a workbook and means the same period."""
    for thai_digits in (False, True):
        text = format_period(period, style=style, lang=lang, thai_digits=thai_digits)  # type: ignore[arg-type]
        assert parse_period(text) == period, text


@pytest.mark.parametrize("style", ["short", "long", "numeric"])
@pytest.mark.parametrize("lang", ["th", "en"])
def test_format_date_reads_back(style: str, lang: str) -> None:
    for day in (D, date(2024, 2, 29), date(2021, 10, 1), date(1999, 12, 31)):
        text = format_date(day, style=style, lang=lang, thai_digits=True)  # type: ignore[arg-type]
        assert parse_date(text) == day, text


# --------------------------------------------------------------------------- module shape


def test_thai_module_uses_the_standard_library_only() -> None:
    tree = ast.parse(Path(thai.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
