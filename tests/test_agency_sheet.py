"""The sheet of agencies and the agency column of a multi-agency OIT sheet, read and checked
without a store: records, or every problem located by sheet, row and column."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_model.agencies import AgencyRecord, agency_type_of, type_words
from ita_model.agency import agency_types
from ita_model.agency_column import AgencyMatcher
from ita_model.agency_sheet import read_agencies, read_code
from ita_model.multi_agency import check_sheets, is_multi_agency, split
from ita_model.validate import FileReport, validate_file
from tests.conftest import flat

HEADER = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "สังกัด"]
LOCAL = "องค์กรปกครองส่วนท้องถิ่น"
REGISTRY = [
    AgencyRecord(code="5001", name="องค์การบริหารส่วนจังหวัดพะเยา", type="local_government"),
    AgencyRecord(code="5002", name="เทศบาลเมืองพะเยา", type="local_government"),
    AgencyRecord(code="6001", name="เทศบาลตำบลบ้านใหม่", province="เชียงราย"),
    AgencyRecord(code="7001", name="เทศบาลตำบลบ้านใหม่", province="นครราชสีมา"),
]


def csv_bytes(rows: list[list[str | None]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["" if c is None else c for c in r] for r in rows])
    return out.getvalue().encode("utf-8")


def test_a_clerks_sheet_reads_whole(book) -> None:
    """Title rows above the header, columns in another order, a blank row, the header again on
    a second page, Thai digits, a code typed into a number cell: every agency, no problem."""
    path = book(
        "agencies.xlsx",
        {
            "ทะเบียน": [
                ["ทะเบียนหน่วยงานในจังหวัดพะเยา ปีงบประมาณ ๒๕๖๘"],
                [],
                ["ชื่อหน่วยงาน", "รหัสหน่วยงาน", "จังหวัด", "ประเภท", "สังกัด"],
                ["องค์การบริหารส่วนจังหวัดพะเยา", "๕๐๐๑", "พะเยา", LOCAL, "สถ."],
                [None, None, None, None, None],
                ["ชื่อหน่วยงาน", "รหัสหน่วยงาน", "จังหวัด", "ประเภท", "สังกัด"],
                ["เทศบาลเมืองพะเยา", 5002, "พะเยา", "local_government", None],
                ["โรงพยาบาลพะเยา", "H-0001", "พะเยา", "Hospitals", "สธ."],
            ]
        },
    )
    sheet = read_agencies(path)
    assert flat(sheet.report) == []
    assert [(row, r.code, r.type) for row, r in sheet.rows] == [
        (4, "5001", "local_government"),
        (7, "5002", "local_government"),
        (8, "H-0001", "hospital"),
    ]
    assert sheet.records[0].parent == "สถ." and sheet.records[1].parent is None


def test_english_headers_and_csv() -> None:
    data = csv_bytes(
        [["code", "name", "type", "province", "parent"], ["A1", "Agency one", "", "", ""]]
    )
    sheet = read_agencies(data, "agencies.csv")
    assert sheet.ok and sheet.records == [AgencyRecord(code="A1", name="Agency one")]


def test_bad_rows_are_located_and_nothing_is_given() -> None:
    data = csv_bytes(
        [
            HEADER,
            ["5001", "อบจ.พะเยา", LOCAL, "พะเยา", ""],
            ["", "ไม่มีรหัส", "", "", ""],
            ["A 1", "รหัสมีช่องว่าง", "", "", ""],
            ["๕๐๐๑", "รหัสซ้ำ (เลขไทย)", "", "", ""],
            ["5003", "", "", "", ""],
            ["5004", "ประเภทสะกดผิด", "องคกรปกครองส่วนท้องถิ่น", "", ""],
            ["5005", "ก" * 301, "", "", ""],
            ["5006", "ถูกต้อง", "", "", ""],
        ]
    )
    sheet = read_agencies(data, "agencies.csv")
    assert flat(sheet.report) == [
        (3, "รหัสหน่วยงาน", "missing_value"),
        (4, "รหัสหน่วยงาน", "bad_agency_code"),
        (5, "รหัสหน่วยงาน", "duplicate_agency"),
        (6, "ชื่อหน่วยงาน", "missing_value"),
        (7, "ประเภท", "unknown_agency_type"),
        (8, "ชื่อหน่วยงาน", "cell_too_long"),
    ]
    issues = {i.row: i for i in sheet.report.issues}
    assert "แถว 2" in issues[5].message and "row 2" in issues[5].message_en  # both rows named
    assert issues[7].suggestion == LOCAL and f"หมายถึง '{LOCAL}'" in issues[7].message
    assert not sheet.ok and sheet.records == []  # a registry is imported whole or not at all


def test_an_unreadable_file_and_a_sheet_of_something_else() -> None:
    assert flat(read_agencies(b"%PDF-1.4 not a sheet", "agencies.xlsx").report)[0][2] == (
        "not_a_spreadsheet"
    )
    other = read_agencies(csv_bytes([["ข้อ", "สถานะ"], ["o01", "done"]]), "oit.csv")
    assert [i.code for i in other.report.issues] == ["sheet_not_recognised", "no_recognised_sheet"]


@pytest.mark.parametrize(
    ("text", "code"),
    [("๕๐๐๑", "5001"), ("1001.0", "1001"), (" A-1 ", "A-1"), ("A 1", None), ("x" * 33, None)],
)
def test_read_code(text: str, code: str | None) -> None:
    assert read_code(text) == code


_cell = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(
        ["5001", "๕๐๐๑", LOCAL, "Hospitals", "#REF!", "\u200b", "ชื่อหน่วยงาน", "x" * 400]
    ),
)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(_cell, min_size=5, max_size=5), max_size=8))
def test_any_cells_give_records_or_located_problems(rows: list[list[str | None]]) -> None:
    """Whatever is typed: never an exception; records only when there is no error, and every
    row-level problem names its row and column."""
    sheet = read_agencies(csv_bytes([HEADER, *rows]), "agencies.csv")
    errors = [i for i in sheet.report.issues if i.severity == "error"]
    if errors:
        assert sheet.records == []
        file_level = sheet.report.unreadable or errors[0].code == "no_recognised_sheet"
        assert file_level or all(i.row and i.column for i in errors)
    codes = [r.code.casefold() for r in sheet.records]
    assert len(codes) == len(set(codes))


# --------------------------------------------------------------------------- the agency column


def oit(rows: list[list[str | None]], header: list[str] | None = None) -> bytes:
    return csv_bytes([header or ["หน่วยงาน", "ข้อ", "สถานะ", "ลิงก์"], *rows])


def checked(rows: list[list[str | None]], header: list[str] | None = None) -> FileReport:
    """A multi-agency sheet checked against the four agencies of ``REGISTRY``."""
    return validate_file(oit(rows, header), "province.csv", agencies=AgencyMatcher(REGISTRY))


def test_agencies_by_code_or_name_as_a_clerk_writes_them() -> None:
    report = checked(
        [
            ["5001", "o01", "เสร็จสิ้น", "https://a.go.th/1"],
            ["๕๐๐๑", "o02", "ยังไม่ดำเนินการ", ""],
            ["เทศบาลเมือง  พะเยา", "o01", "เสร็จสิ้น", "https://b.go.th/1"],
            ["5001 องค์การบริหารส่วนจังหวัดพะเยา", "o03", "เสร็จสิ้น", "https://a.go.th/3"],
        ]
    )
    assert flat(report) == [] and is_multi_agency(report)
    frame = report.frame("oit")
    assert frame["agency"].tolist() == ["5001", "5001", "5002", "5001"]
    assert frame["division"].isna().all()  # each agency reports as a whole


def test_unknown_and_ambiguous_agencies_are_row_errors() -> None:
    report = checked(
        [
            ["5001", "o01", "เสร็จสิ้น", "https://a.go.th/1"],
            ["เทศบาลเมืองพะยา", "o01", "เสร็จสิ้น", "https://b.go.th/1"],
            ["เทศบาลตำบลบ้านใหม่", "o01", "เสร็จสิ้น", "https://c.go.th/1"],
            ["", "o02", "เสร็จสิ้น", "https://a.go.th/2"],
        ]
    )
    assert flat(report) == [
        (3, "หน่วยงาน", "unknown_agency"),
        (4, "หน่วยงาน", "ambiguous_agency"),
        (5, "หน่วยงาน", "missing_value"),
    ]
    issues = {i.row: i for i in report.issues}
    assert issues[3].suggestion == "5002 เทศบาลเมืองพะเยา"
    assert "6001, 7001" in issues[4].message and "codes 6001, 7001" in issues[4].message_en
    assert report.frame("oit")["agency"].tolist() == ["5001"]


def test_the_division_column_of_the_contract_stays_the_division() -> None:
    """หน่วยงานที่รับผิดชอบ is the contract's division header, matched exactly: not an agency."""
    report = checked(
        [["ฝ่ายนิติการ", "o01", "เสร็จสิ้น", "https://a.go.th/1"]],
        header=["หน่วยงานที่รับผิดชอบ", "ข้อ", "สถานะ", "ลิงก์"],
    )
    assert not is_multi_agency(report)
    assert report.frame("oit")["division"].tolist() == ["legal"]


def test_in_a_store_of_one_agency_a_column_headed_agency_is_the_clerks_own() -> None:
    """A division's workbook with a column หน่วยงาน (its own name there) on a store that holds
    only its own agency reads as it always did: the column is not a list of agencies."""
    data = oit(
        [["ฝ่ายนิติการ", "o06", "เสร็จสิ้น", "https://a.go.th/1"]],
        header=["หน่วยงาน", "ข้อ", "สถานะ", "ลิงก์"],
    )
    report = validate_file(data, "legal.csv", division="legal", agencies=AgencyMatcher(()))
    assert flat(report) == [(None, "หน่วยงาน", "agency_column_ignored")]
    assert not is_multi_agency(report)
    assert report.frame("oit")["division"].tolist() == ["legal"]
    # the same sheet on a store of several agencies names agencies
    assert is_multi_agency(validate_file(data, "x.csv", agencies=AgencyMatcher(REGISTRY)))


def test_without_a_registry_and_with_a_division_column() -> None:
    data = oit(
        [["5001", "กองคลัง", "o01", "เสร็จสิ้น", "https://a.go.th/1"]],
        header=["รหัสหน่วยงาน", "ส่วนราชการ", "ข้อ", "สถานะ", "ลิงก์"],
    )
    alone = validate_file(data, "province.csv")
    assert flat(alone) == [
        (None, "ส่วนราชการ", "agency_division_ignored"),
        (None, "รหัสหน่วยงาน", "agency_not_checked"),
    ]
    assert alone.ok


def test_a_sheet_without_the_agency_column_beside_them_is_an_error(book) -> None:
    path = book(
        "mixed.xlsx",
        {
            "OIT": [["agency code", "item", "status"], ["5001", "o01", "not started"]],
            "กองคลัง": [["ข้อ", "สถานะ"], ["o01", "ยังไม่ดำเนินการ"]],
        },
    )
    report = validate_file(path, division="กองคลัง", agencies=AgencyMatcher(REGISTRY))
    check_sheets(report)
    assert ("กองคลัง", "agency_sheet_without_agency") in flat(report, "sheet", "code")
    assert not report.ok


def test_split_gives_each_agency_its_rows_and_its_own_problems() -> None:
    report = checked(
        [
            ["5002", "o01", "เสร็จสิ้น", ""],
            ["5001", "o01", "เสร็จสิ้น", "https://a.go.th/1"],
            ["5002", "o02", "ยังไม่ดำเนินการ", ""],
            ["5001", "o01", "เสร็จสิ้น", "https://a.go.th/1b"],
        ]
    )
    parts = split(report)
    assert [(p.agency, p.rows) for p in parts.parts] == [("5001", 2), ("5002", 2)]
    assert parts.frame["row"].tolist() == [3, 5, 2, 4]  # by agency, each in the file's order
    own = {p.agency: [(i.row, i.code) for i in p.issues] for p in parts.parts}
    assert own == {"5001": [(5, "duplicate_item")], "5002": [(2, "done_without_url")]}
    rows = parts.oit_rows()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("5001", 0, 3),
        ("5001", 1, 5),
        ("5002", 0, 2),
        ("5002", 1, 4),
    ]
    assert len(parts.payloads()) == 2


_agency_cell = st.one_of(
    st.none(),
    st.text(
        st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=30
    ),  # a NUL: not a CSV at all
    st.sampled_from(["5001", "๕๐๐๑", "เทศบาลตำบลบ้านใหม่", "เทศบาลเมืองพะยา", "5001 x", "#N/A"]),
)


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(_agency_cell, min_size=1, max_size=8))
def test_any_agency_cell_gives_a_registered_code_or_a_located_error(cells) -> None:
    report = checked([[c, "o01", "done", "https://x.go.th"] for c in cells])
    assert not report.unreadable
    codes = {r.code for r in REGISTRY}
    frame = report.frame("oit")
    if len(frame):
        assert set(frame["agency"]) <= codes
    for i in report.issues:
        if i.severity == "error":
            assert i.row and i.column == "หน่วยงาน", i
    if report.ok and len(frame):
        parts = split(report)
        assert sum(p.rows for p in parts.parts) == len(frame)
        assert parts.agencies == sorted(set(parts.agencies))


# --------------------------------------------------------------------------- agency type words

TYPE_WORDS = [
    (k.code, word)
    for k in agency_types().values()
    for word in (k.code, k.name_th, k.name_en, *k.abbreviations)
]


@st.composite
def as_a_clerk_writes(draw: st.DrawFn, word: str) -> str:
    """The word with spaces and dots dropped, doubled or put between its letters, Latin letters
    in any case, blanks around it."""
    out = []
    for ch in word:
        if ch in " .":
            out.append(draw(st.sampled_from(["", " ", ".", "  ", ". "])))
            continue
        if ch.isascii() and ch.isalpha() and draw(st.booleans()):
            ch = ch.swapcase()
        out.append(ch + draw(st.sampled_from(["", "", "", " ", ".", ". "])))
    return (
        draw(st.sampled_from(["", " ", "\u00a0"])) + "".join(out) + draw(st.sampled_from(["", " "]))
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_type_word_and_abbreviation_reads_as_its_type(data: st.DataObject) -> None:
    code, word = data.draw(st.sampled_from(TYPE_WORDS))
    written = data.draw(as_a_clerk_writes(word))
    assert agency_type_of(written) == code, (word, written)


def test_abbreviations_are_data_and_never_a_type_of_their_own() -> None:
    kinds = agency_types()
    assert "อปท." in kinds["local_government"].abbreviations
    assert "รพ." in kinds["hospital"].abbreviations
    assert len(type_words()) == len({w for _, w in TYPE_WORDS})  # no word names two types
    sheet = read_agencies(
        csv_bytes(
            [
                HEADER,
                ["5001", "อบจ.พะเยา", "อ.ป.ท.", "พะเยา", ""],
                ["5002", "โรงพยาบาลพะเยา", "รพ", "พะเยา", ""],
                ["5003", "โรงเรียนพะเยาพิทยาคม", "โรงเรียนสังกัดสพฐ", "พะเยา", ""],
                ["5004", "วิทยาลัยเทคนิคพะเยา", "สถานศึกษาสังกัด สอศ.", "พะเยา", ""],
            ]
        ),
        "agencies.csv",
    )
    assert sheet.ok, flat(sheet.report)
    assert [r.type for r in sheet.records] == [
        "local_government",
        "hospital",
        "basic_education_school",
        "vocational_college",
    ]


@pytest.mark.parametrize(
    ("typed", "nearest"),
    [
        ("โรงพยาบาลล", "โรงพยาบาล"),
        ("องคกรปกครองส่วนท้องถิ่น", LOCAL),
        ("โรงเรียนสังกัด สพท.", "สถานศึกษาสังกัดสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน"),
        ("อบต", None),  # a kind of local government, not a word for the type: no guess
    ],
)
def test_an_unknown_type_still_suggests_the_nearest_word(typed: str, nearest: str | None) -> None:
    sheet = read_agencies(csv_bytes([HEADER, ["5001", "x", typed, "", ""]]), "agencies.csv")
    [issue] = sheet.report.issues
    assert issue.code == "unknown_agency_type"
    assert (issue.suggestion or None) == nearest
