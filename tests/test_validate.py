"""The workbook contract, end to end through validate_file: what is read, what is refused, where."""

from __future__ import annotations

import datetime as dt

import pytest

from ita_model.validate import validate_file
from tests.conftest import flat

TITLE = ["องค์การบริหารส่วนจังหวัดพะเยา"]
LEGAL = ["ส่วนราชการ: ฝ่ายนิติการ สำนักปลัด อบจ.พะเยา"]
HEAD = ["ข้อ", "สถานะ", "ลิงก์", "วันที่ปรับปรุง"]
URL = "https://www.pao-phayao.go.th/ita/o39"


def oit(*rows: list, head: list | None = None) -> dict:
    return {"OIT": [TITLE, LEGAL, head or HEAD, *rows]}


def test_clean_sheet_below_title_rows(book):
    path = book(
        "any_name.xlsx",
        oit(
            ["o39", "ดำเนินการแล้ว", URL, "26/01/2565"],
            ["๔๐", "อยู่ระหว่างดำเนินการ", None, "๒๖ ม.ค. ๒๕๖๕"],
            ["ข้อ 41", "ยังไม่ดำเนินการ", None, None],
        ),
    )
    report = validate_file(path)
    assert flat(report) == []
    assert report.ok and report.division == "legal"
    assert [(s.kind, s.rows, s.valid_rows) for s in report.sheets] == [("oit", 3, 3)]
    recs = report.records("oit")
    assert [(r.item, r.status, r.division, r.row) for r in recs] == [
        ("o39", "done", "legal", 4),
        ("o40", "in_progress", "legal", 5),
        ("o41", "not_started", "legal", 6),
    ]
    assert recs[0].url == URL and recs[0].updated == dt.date(2022, 1, 26)
    assert recs[1].updated == dt.date(2022, 1, 26)


@pytest.mark.parametrize(
    "header",
    [
        ["ข้อ", "สถานะ"],
        ["  รหัสข้อ ", "สถานะ*"],
        ["ITEM CODE", "Status:"],
        ["ตัวชี้วัด OIT", "สถานะการ\nดำเนินการ"],
        ["รหัส", "ผลการดำเนินการ"],
    ],
)
def test_header_words_and_their_variants(book, header):
    path = book("h.xlsx", {"แผ่น1": [LEGAL, header, ["o39", "ไม่เกี่ยวข้อง"]]})
    report = validate_file(path)
    assert [s.kind for s in report.sheets] == ["oit"]
    assert [r.status for r in report.records("oit")] == ["not_applicable"]


def test_header_beyond_row_15_is_not_found(book):
    rows = [[f"บรรทัด {i}"] for i in range(15)] + [HEAD, ["o39", "done", URL, None]]
    report = validate_file(book("late.xlsx", {"S": rows}))
    assert flat(report, "code") == [("sheet_not_recognised",), ("no_recognised_sheet",)]
    assert report.issues.errors == 1


def test_sheet_kind_comes_from_header_not_name(book):
    path = book(
        "x.xlsx",
        {
            "มาตรการ": [["ไม่มีหัวตาราง"]],
            "Sheet3": [["มาตรการ", "วิธีการดำเนินการ"], ["ประชุม", "จัดประชุม"]],
        },
        hidden=("Sheet3",),
    )
    report = validate_file(path)
    assert [(s.name, s.kind) for s in report.sheets] == [("มาตรการ", None), ("Sheet3", "measures")]
    assert flat(report, "sheet", "code") == [("มาตรการ", "sheet_not_recognised")]


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("o44", "unknown_item"),
        ("๔๔", "unknown_item"),
        ("abc", "bad_item_code"),
    ],
)
def test_bad_item_codes_drop_the_row(book, cell, code):
    report = validate_file(book("i.xlsx", oit([cell, "done", URL, None], ["o39", "done", URL])))
    assert flat(report) == [(4, "ข้อ", code)]
    assert [r.item for r in report.records("oit")] == ["o39"]
    assert report.sheets[0].valid_rows == 1


def test_every_row_problem_is_located(book):
    path = book(
        "many.xlsx",
        oit(
            ["o39", "เสร็จ", URL, None],  # 4: unknown status
            ["o40", None, None, None],  # 5: blank status -> not started, warning
            ["o41", "done", None, "31/02/2565"],  # 6: no URL (warn), date does not exist
            ["o42", "done", "www.example.com", "ไม่ทราบ"],  # 7: not a URL, unreadable date
            [None, "done", URL, None],  # 8: item missing
            ["o01", "done", URL, None],  # 9: not legal's item
            ["o40", "done", URL, None],  # 10: o40 again, the later row counts
        ),
    )
    report = validate_file(path)
    assert flat(report) == [
        (4, "สถานะ", "unknown_status"),
        (5, "สถานะ", "blank_status"),
        (6, "วันที่ปรับปรุง", "nonexistent_date"),
        (7, "ลิงก์", "bad_url"),
        (7, "วันที่ปรับปรุง", "bad_date"),
        (8, "ข้อ", "missing_value"),
        (9, "ข้อ", "item_not_assigned"),
        (10, "ข้อ", "duplicate_item"),
    ]
    errors = {(i.row, i.code) for i in report.issues if i.severity == "error"}
    assert errors == {
        (4, "unknown_status"),
        (6, "nonexistent_date"),
        (7, "bad_date"),
        (8, "missing_value"),
    }
    assert [(r.item, r.status) for r in report.records("oit")] == [
        ("o40", "not_started"),
        ("o01", "done"),
        ("o40", "done"),
    ]
    duplicate = next(i for i in report.issues if i.code == "duplicate_item")
    assert "แถว 5" in duplicate.message and "row 5" in duplicate.message_en


def test_done_without_url_is_a_warning(book):
    report = validate_file(book("u.xlsx", oit(["o39", "done", None, None])))
    assert flat(report, "row", "code", "severity") == [(4, "done_without_url", "warning")]
    assert report.ok


def test_messages_are_thai_with_english_beside(book):
    report = validate_file(book("m.xlsx", oit(["o39", "เสร็จ", URL, None])))
    (issue,) = list(report.issues)
    assert "ไม่รู้จักสถานะ 'เสร็จ'" in issue.message and "ดำเนินการแล้ว" in issue.message
    assert issue.message_en.startswith("unknown status 'เสร็จ'")
    assert (issue.sheet, issue.row, issue.column) == ("OIT", 4, "สถานะ")


def test_hyperlink_target_counts_when_text_is_not_a_url(book):
    path = book("l.xlsx", oit(["o39", "done", "คลิกที่นี่", None]), links={("OIT", "C4"): URL})
    report = validate_file(path)
    assert flat(report) == []
    assert report.records("oit")[0].url == URL


def test_several_urls_in_one_cell(book):
    cell = "https://a.go.th/1\nhttps://a.go.th/2, https://a.go.th/3"
    report = validate_file(book("l.xlsx", oit(["o39", "done", cell, None])))
    assert report.records("oit")[0].urls == [
        "https://a.go.th/1",
        "https://a.go.th/2",
        "https://a.go.th/3",
    ]


def test_excel_date_cells_even_with_a_buddhist_year(book):
    rows = oit(
        ["o39", "done", URL, dt.datetime(2022, 1, 26)],
        ["o40", "done", URL, dt.datetime(2565, 1, 26)],
    )
    report = validate_file(book("d.xlsx", rows))
    assert [r.updated for r in report.records("oit")] == [dt.date(2022, 1, 26)] * 2


def test_division_column_per_row_and_unknown_division(book):
    path = book(
        "all.xlsx",
        {
            "OIT": [
                ["ข้อ", "สถานะ", "ส่วนราชการ", "ลิงก์"],
                ["o18", "done", "กองคลัง", URL],
                ["o06", "done", "ฝ่ายสถิติ ข้อมูล และสารสนเทศ", URL],
                ["o06", "done", "กองเกษตร", URL],
            ]
        },
    )
    report = validate_file(path)
    assert flat(report) == [(4, "ส่วนราชการ", "unknown_division")]
    assert [(r.item, r.division) for r in report.records("oit")] == [
        ("o18", "finance"),
        ("o06", "it"),
    ]


def test_division_from_file_name_then_uploader(book):
    rows = {"OIT": [HEAD, ["o18", "done", URL, None]]}
    assert validate_file(book("OIT_กองคลัง_มีนาคม.xlsx", rows)).division == "finance"
    anonymous = book("oit.xlsx", rows)
    report = validate_file(anonymous)
    assert flat(report, "code") == [("no_division",)]
    assert validate_file(anonymous, division="กองคลัง").division == "finance"


def test_unknown_and_duplicate_columns_are_notices(book):
    head = [*HEAD, "ผู้ตรวจ", "สถานะ"]
    report = validate_file(book("c.xlsx", oit(["o39", "done", URL, None, "x", "y"], head=head)))
    assert flat(report, "column", "code", "severity") == [
        ("ผู้ตรวจ", "unknown_column", "notice"),
        ("สถานะ", "duplicate_column", "warning"),
    ]
    assert report.records("oit")[0].status == "done"


def test_missing_required_column(book):
    report = validate_file(book("c.xlsx", {"S": [LEGAL, ["ข้อ", "ลิงก์"], ["o39", URL]]}))
    assert flat(report, "column", "code") == [("สถานะ", "missing_column")]
    assert not report.ok


def test_measures_merged_cells_and_periods(book):
    path = book(
        "measures.xlsx",
        {
            "มาตรการ": [
                ["มาตรการ/แนวทาง", "วิธีการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลา\nดำเนินการ"],
                ["การยกระดับผลการประเมิน ITA", "๑. แต่งตั้งคณะกรรมการ", "ฝ่ายนิติการ", "มกราคม ๒๕๖๕"],
                [None, "๒. แบ่งหน้าที่", "ฝ่ายนิติการ", "ธ.ค. ๒๕๖๔ – มีนาคม ๒๕๖๕"],
                [None, "๓. ติดตาม", "ทุกส่วนราชการ", "ธ.ค. ๒๕๖๔ เป็นต้นไป"],
                ["(๔) ทรัพย์สิน", "ประชุมชี้แจง", "ฝ่ายทะเบียนพัสดุทรัพย์สิน", "บ่อยๆ"],
                ["(๕) อื่น", None, None, "งบประมาณ ๒๕๖๕"],
            ]
        },
    )
    report = validate_file(path)
    assert flat(report) == [
        (5, "ระยะเวลา\nดำเนินการ", "bad_period"),
        (6, "วิธีการดำเนินการ", "missing_value"),
    ]
    recs = report.records("measures")
    assert [r.measure for r in recs] == ["การยกระดับผลการประเมิน ITA"] * 3 + ["(๔) ทรัพย์สิน"]
    assert recs[0].period.start == dt.date(2022, 1, 1) and recs[0].period.end == dt.date(
        2022, 1, 31
    )
    assert recs[1].period.start == dt.date(2021, 12, 1)
    assert recs[2].period.end is None
    assert recs[3].period is None and recs[3].period_text == "บ่อยๆ"


def test_timeline_dates_months_and_order(book):
    path = book(
        "timeline.xlsx",
        {
            "กำหนดการ": [
                ["กิจกรรม", "แบบวัด", "เริ่ม", "สิ้นสุด"],
                ["ตอบแบบวัด OIT", "OIT", "1/3/2565", "30/4/2565"],
                ["เก็บข้อมูล IIT", "IIT", "มีนาคม - พฤษภาคม ๒๕๖๕", None],
                ["ประชุม", None, "๒๖ ม.ค. ๒๕๖๕", None],
                ["ย้อนเวลา", "EIT", "30/4/2565", "1/3/2565"],
                [None, "EIT", "1/3/2565", None],
            ]
        },
    )
    report = validate_file(path)
    assert flat(report) == [(5, "สิ้นสุด", "end_before_start"), (6, "กิจกรรม", "missing_value")]
    recs = report.records("timeline")
    assert [(r.phase, r.start, r.end) for r in recs] == [
        ("OIT", dt.date(2022, 3, 1), dt.date(2022, 4, 30)),
        ("IIT", dt.date(2022, 3, 1), dt.date(2022, 5, 31)),
        ("general", dt.date(2022, 1, 26), None),
    ]


def test_survey_and_scores(book):
    path = book(
        "progress.xlsx",
        {
            "แบบวัด": [
                ["แบบวัด", "วันที่", "จำนวนผู้ตอบ", "เป้าหมาย"],
                ["IIT", "๑๕ มี.ค. ๒๕๖๕", "๓๒", 52],
                ["EIT", "15/3/2565", "1,234", 100],
                ["ITA", "15/3/2565", 3, None],
                ["EIT", "15/3/2565", "หลายคน", None],
            ],
            "คะแนน": [
                ["ปีงบประมาณ", "ตัวชี้วัด", "คะแนน"],
                ["๒๕๖๔", "1", "88.5"],
                [2564, "การเปิดเผยข้อมูล", 90],
                ["2564", "ตัวชี้วัดที่ 10", 75.25],
                ["ปีที่แล้ว", "1", 80],
                [2564, "ความสุข", 80],
                [2564, "2", 180],
            ],
        },
    )
    report = validate_file(path)
    assert flat(report, "sheet", "row", "code") == [
        ("แบบวัด", 4, "unknown_tool"),
        ("แบบวัด", 5, "bad_number"),
        ("คะแนน", 5, "bad_year"),
        ("คะแนน", 6, "unknown_indicator"),
        ("คะแนน", 7, "score_out_of_range"),
    ]
    assert [(r.tool, r.respondents, r.target) for r in report.records("survey")] == [
        ("IIT", 32, 52),
        ("EIT", 1234, 100),
    ]
    assert [(r.year, r.indicator, r.score) for r in report.records("scores")] == [
        (2564, "1", 88.5),
        (2564, "9", 90.0),
        (2564, "10", 75.25),
    ]


def test_csv_in_tis620(tmp_path):
    path = tmp_path / "ฝ่ายนิติการ.csv"
    path.write_bytes("ข้อ,สถานะ,ลิงก์\no39,ดำเนินการแล้ว,https://a.go.th/x\n".encode("cp874"))
    report = validate_file(path)
    assert report.ok and report.division == "legal"
    assert report.records("oit")[0].status == "done"


def test_unreadable_file_is_one_issue_never_an_exception(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook")
    report = validate_file(path)
    assert report.unreadable and not report.ok
    assert flat(report, "code") == [("not_a_spreadsheet",)]


def test_an_unknown_status_or_division_names_the_nearest_accepted_word(book):
    """A typo gets "did you mean …?" in both messages and as data; a word like nothing gets none.
    Each cell gets its own suggestion, however many distinct typos a column has."""
    path = book(
        "typos.xlsx",
        {
            "OIT": [
                ["ข้อ", "สถานะ", "ส่วนราชการ", "ลิงก์"],
                ["o01", "ดำเนนการแล้ว", "กองคลงั", URL],
                ["o02", "อยู่ระหว่างดำเนินกา", "กองคลัง", URL],
                ["o03", "xyz", "ฝ่ายไอที", URL],
            ]
        },
    )
    report = validate_file(path)
    got = [(i.row, i.code, i.suggestion) for i in report.issues]
    assert got == [
        (2, "unknown_status", "ดำเนินการแล้ว"),
        (2, "unknown_division", "กองคลัง"),
        (3, "unknown_status", "อยู่ระหว่างดำเนินการ"),
        (4, "unknown_status", None),
        (4, "unknown_division", None),
    ]
    first = report.issues[0] if isinstance(report.issues, list) else next(iter(report.issues))
    assert "หมายถึง 'ดำเนินการแล้ว' หรือไม่?" in first.message
    assert "did you mean 'ดำเนินการแล้ว'?" in first.message_en
    last = list(report.issues)[-1]
    assert "หมายถึง" not in last.message and "did you mean" not in last.message_en


def test_a_report_keeps_its_rows_through_the_pages_cache(book):
    """The pages cache a report (pickled): its rows, worked out only when first asked for,
    come back whole, hyperlinked URLs included."""
    import pickle

    links = [
        ["o01", "เสร็จสิ้น", "https://a.go.th/1"],
        ["o02", "เสร็จสิ้น", "ดูที่ https://a.go.th/2 และ https://b.go.th/2"],
        ["o03", "ยังไม่ดำเนินการ", None],
    ]
    path = book("ฝ่ายนิติการ.xlsx", oit(*links, head=["ข้อ", "สถานะ", "ลิงก์"]))
    fresh = validate_file(path)
    cached = pickle.loads(pickle.dumps(validate_file(path)))
    rows = cached.records("oit")
    assert rows == fresh.records("oit")
    assert [r.url for r in rows] == ["https://a.go.th/1", "https://a.go.th/2", None]
    assert rows[1].urls == ["https://a.go.th/2", "https://b.go.th/2"]
