"""ita_model.reader: every accepted format read to the right Excel cells, every hostile file
refused with its one code — quickly, in little memory, and never with another exception."""

from __future__ import annotations

import ast
import graphlib
import importlib.util
import io
import json
import random
import re
import subprocess
import sys
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.hyperlink import Hyperlink

from ita_model.errors import UnreadableFile
from ita_model.i18n import ui_text
from ita_model.reader import RawSheet, RawWorkbook, read_workbook
from ita_model.reader.xlsx import _letters_upto
from ita_model.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
_spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE.parent / "make_hostile.py")
assert _spec and _spec.loader
mh = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mh)


def texts(sheet: RawSheet) -> list[list[str | None]]:
    """The sheet row by row, as the user sees it."""
    cols = [c.to_pylist() for c in sheet.columns]
    return [list(row) for row in zip(*cols, strict=True)]


def refusal(source: Path | bytes, name: str | None = None, **limits: float) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as info:
        read_workbook(source, name, settings=Settings(**limits))
    return info.value


# --- accepted formats --------------------------------------------------------------------


def _openpyxl_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OIT"
    ws.append(["ส่วนราชการ: กองคลัง"])
    ws.append([])
    ws.append(["ข้อ", "สถานะ", "วันที่ปรับปรุง", "ลิงก์"])
    ws.append(["o1", "เสร็จสิ้น", datetime(2022, 1, 26), 1])
    ws.append(["o2", "", "26/01/2565", 2.5])
    wb.save(path)
    return path


def test_xlsx_cells_as_text(tmp_path: Path) -> None:
    wb = read_workbook(_openpyxl_book(tmp_path / "กองคลัง.xlsx"))
    assert (wb.name, wb.format, [s.name for s in wb.sheets]) == ("กองคลัง.xlsx", "xlsx", ["OIT"])
    sheet = wb.sheets[0]
    assert (sheet.first_row, sheet.first_col, sheet.hidden) == (1, 0, False)
    assert texts(sheet) == [
        ["ส่วนราชการ: กองคลัง", None, None, None],
        [None, None, None, None],
        ["ข้อ", "สถานะ", "วันที่ปรับปรุง", "ลิงก์"],
        ["o1", "เสร็จสิ้น", "2022-01-26 00:00:00", "1"],
        ["o2", None, "26/01/2565", "2.5"],  # "" becomes None
    ]
    assert all(c.type == pa.string() for c in sheet.columns)


def test_bytes_and_path_read_alike(tmp_path: Path) -> None:
    path = _openpyxl_book(tmp_path / "a.xlsx")
    from_bytes = read_workbook(path.read_bytes(), "a.xlsx")
    from_path = read_workbook(path)
    assert texts(from_bytes.sheets[0]) == texts(from_path.sheets[0])
    assert read_workbook(path.read_bytes()).name == "upload"


def test_xlsm_content_type(tmp_path: Path) -> None:
    (tmp_path / "vbaProject.bin").write_bytes(b"not run, not read")
    book = xlsxwriter.Workbook(tmp_path / "macro.xlsm")
    book.add_vba_project(str(tmp_path / "vbaProject.bin"))
    book.add_worksheet("OIT").write_row(0, 0, ["ข้อ", "สถานะ"])
    book.close()
    wb = read_workbook((tmp_path / "macro.xlsm").read_bytes(), "renamed.xlsx")
    assert wb.format == "xlsm"
    assert texts(wb.sheets[0]) == [["ข้อ", "สถานะ"]]


def test_sheet_starting_at_c5_hidden_sheets_merged_cells(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "มาตรการ"
    ws["C5"], ws["D5"] = "มาตรการ", "วิธีการดำเนินการ"
    ws["C6"], ws["D6"] = "ประกาศเจตนารมณ์", "จัดทำประกาศ"
    ws["D7"] = "เผยแพร่"
    ws.merge_cells("C6:C7")
    for title, state in (("ซ่อน", "hidden"), ("ซ่อนมาก", "veryHidden")):
        other = wb.create_sheet(title)
        other.sheet_state = state
        other["A1"] = title
    wb.save(tmp_path / "m.xlsx")
    sheets = read_workbook(tmp_path / "m.xlsx").sheets
    assert [(s.name, s.hidden, s.first_row, s.first_col) for s in sheets] == [
        ("มาตรการ", False, 5, 2),
        ("ซ่อน", True, 1, 0),
        ("ซ่อนมาก", True, 1, 0),
    ]
    assert texts(sheets[0]) == [
        ["มาตรการ", "วิธีการดำเนินการ"],
        ["ประกาศเจตนารมณ์", "จัดทำประกาศ"],
        [None, "เผยแพร่"],
    ]
    assert sheets[0].merged == [(6, 2, 7, 2)]


def test_hyperlinks(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ข้อ", "ลิงก์"])
    ws.append(["o1", "เอกสาร"])
    ws.append(["o2", "ดูแผ่นงาน"])
    ws.append(["o3", "https://shown.go.th"])
    ws["B2"].hyperlink = "https://www.example.go.th/ita/o1.pdf?a=1&b=2"
    ws["B3"].hyperlink = Hyperlink(ref="B3", location="Other!A1")  # inside the workbook
    wb.create_sheet("Other")
    wb.save(tmp_path / "l.xlsx")
    sheet = read_workbook(tmp_path / "l.xlsx").sheets[0]
    assert texts(sheet)[1] == ["o1", "เอกสาร"]
    assert sheet.hyperlinks == {
        (2, 1): "https://www.example.go.th/ita/o1.pdf?a=1&b=2",
        (3, 1): "Other!A1",
    }


def test_xlsxwriter_links_and_chart_sheet(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(tmp_path / "x.xlsx")
    ws = book.add_worksheet("OIT")
    ws.write_row(0, 0, ["ข้อ", "ลิงก์"])
    ws.write(1, 0, "o1")
    ws.write_url(1, 1, "https://itas.nacc.go.th/", string="เอกสาร")
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=OIT!$A$1:$A$2"})
    book.add_chartsheet("กราฟ").set_chart(chart)
    book.close()
    wb = read_workbook(tmp_path / "x.xlsx")
    assert [s.name for s in wb.sheets] == ["OIT"]  # a chart sheet has no cells
    assert wb.sheets[0].hyperlinks == {(2, 1): "https://itas.nacc.go.th/"}


def test_xls() -> None:
    wb = read_workbook(HOSTILE / "tiny.xls")
    assert wb.format == "xls"
    oit, hidden = wb.sheets
    assert (oit.name, oit.hidden, oit.first_row, oit.first_col) == ("OIT", False, 5, 2)
    assert texts(oit) == [["ข้อ", "สถานะ"], ["o1", "1"], ["ส่วนราชการ", None]]
    assert oit.merged == [(7, 2, 8, 3)]
    assert (hidden.name, hidden.hidden, texts(hidden)) == ("ซ่อน", True, [["hidden"]])


def test_ods() -> None:
    wb = read_workbook(HOSTILE / "tiny.ods")
    assert wb.format == "ods"
    oit, hidden = wb.sheets
    assert (oit.first_row, oit.first_col, texts(oit)) == (3, 2, [["ข้อ", "สถานะ"], ["o1", "1"]])
    assert (hidden.name, hidden.hidden) == ("ซ่อน", True)


CSV_ROWS = [["ข้อ", "สถานะ", "ลิงก์"], ["o1", "เสร็จสิ้น", ""], ["o2", "ยังไม่ดำเนินการ", "x;y"]]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("cp874", ","), ("tis-620", ";"), ("utf-8", "\t")],
)
def test_csv(tmp_path: Path, encoding: str, delimiter: str) -> None:
    import csv

    path = tmp_path / "กองคลัง.csv"
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(CSV_ROWS)
    wb = read_workbook(path)
    assert (wb.format, [s.name for s in wb.sheets]) == ("csv", ["กองคลัง"])
    assert texts(wb.sheets[0]) == [[v or None for v in row] for row in CSV_ROWS]


def test_csv_ragged_rows() -> None:
    wb = read_workbook(b"a,b\n1\n1,2,3\n", "r.csv")
    assert texts(wb.sheets[0]) == [["a", "b", None], ["1", None, None], ["1", "2", "3"]]


@pytest.mark.parametrize("case", ["no dimension", "lying dimension", "prefixed elements"])
def test_sheets_the_quick_check_cannot_vouch_for_are_counted_exactly(case: str) -> None:
    rows = {1: {"A1": "ข้อ", "B1": "สถานะ"}, 3: {"A3": "o1", "C3": "done"}}
    xml = mh.sheet_xml(rows, dimension=None if case == "no dimension" else "A1:B1")
    if case == "prefixed elements":
        xml = xml.replace("<row", "<x:row").replace("</row", "</x:row").replace("<c ", "<x:c ")
        xml = xml.replace("</c>", "</x:c>").replace("xmlns:r=", f'xmlns:x="{mh.MAIN_NS}" xmlns:r=')
    sheet = read_workbook(mh.xlsx({"OIT": xml}), "q.xlsx").sheets[0]
    assert texts(sheet) == [["ข้อ", "สถานะ", None], [None, None, None], ["o1", None, "done"]]


# --- refusals ----------------------------------------------------------------------------


def _zip_bomb(megabytes: int, declared: int | None = None) -> bytes:
    """An xlsx whose sheet inflates to ``megabytes`` MiB, optionally declaring another size."""
    parts = mh.xlsx_parts({"OIT": mh.sheet_xml({1: {"A1": "x"}})})
    head = parts[-1][1].split(b"</sheetData>")[0]
    body, crc = mh.padded_deflated(head, megabytes)
    entries = [(n, mh.deflate(d), zlib.crc32(d), len(d)) for n, d in parts[:-1]]
    size = len(head) + (megabytes << 20) if declared is None else declared
    return mh.zip_bytes([*entries, (parts[-1][0], body, crc, size)])


_SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '


def _string_table_bomb(root: bytes = _SST + b'uniqueCount="4000000000">') -> bytes:
    """A 1 KB xlsx whose shared-string table starts with ``root``; by default it announces
    four billion strings: the library reserves room for them all before reading one (96 GB),
    and aborts the process."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    wb.add_worksheet("OIT").write(0, 0, "ข้อ")
    wb.close()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    entries = []
    for info in source.infolist():
        part = source.read(info)
        if info.filename == "xl/sharedStrings.xml":
            part = re.sub(rb"<sst[^>]*>", lambda _: root, part)
        entries.append((info.filename, mh.deflate(part), zlib.crc32(part), len(part)))
    return mh.zip_bytes(entries)


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(0, 10**12),
    prefix=st.sampled_from(["", "x:"]),
    quote=st.sampled_from(['"', "'"]),
    space=st.sampled_from(["", " ", "\n\t"]),
    before=st.booleans(),
)
def test_a_string_table_announcing_more_than_it_can_hold_is_refused(
    count: int, prefix: str, quote: str, space: str, before: bool
) -> None:
    """However the root is written, a count the part could not hold is refused before the
    library reserves it; any other count reads."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    if prefix:
        ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    unique = f"uniqueCount{space}={space}{quote}{count}{quote}"
    attrs = f"{unique} {ns} count='1'" if before else f"{ns} count='1' {unique}"
    data = _string_table_bomb(f"<{prefix}sst {attrs}>".encode())
    if count <= 20:  # the part holds over 100 bytes: room for 20 strings of <si/>
        read_workbook(data, "a.xlsx")
    elif count > 10**6:
        with pytest.raises(UnreadableFile) as info:
            read_workbook(data, "a.xlsx")
        assert info.value.issue.code == "corrupt_file"


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Made at run time from a few KB: 2 GiB declared, a 100 MiB part at 1000:1, a part that
    declares 1 MiB but inflates to 50, and a string table announcing four billion strings."""
    folder = tmp_path_factory.mktemp("bombs")
    out = {}
    for name, data in {
        "zip_bomb_2gb.xlsx": _zip_bomb(2048),
        "zip_bomb_ratio.xlsx": _zip_bomb(100),
        "zip_bomb_lying.xlsx": _zip_bomb(50, declared=1 << 20),
        "string_table_bomb.xlsx": _string_table_bomb(),
    }.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out


REFUSALS = [
    # file, code, what the English message must say
    ("empty.xlsx", "file_empty", "0 bytes"),
    ("pdf_renamed.xlsx", "not_a_spreadsheet", "looks like PDF"),
    ("docx_renamed.xlsx", "not_a_spreadsheet", "Word document"),
    ("truncated.xlsx", "corrupt_file", "incomplete or damaged"),
    ("billion_laughs.xlsx", "xml_entity", "xl/workbook.xml"),
    ("entity_in_sheet.xlsx", "xml_entity", "xl/worksheets/sheet1.xml"),
    ("encrypted.xlsx", "encrypted_file", "password-protected"),
    ("lying_size.xlsx", "zip_bomb", "more than the size it declares"),
    ("sparse_bomb.xlsx", "sheet_too_large", "17,179,869,184"),
    ("ods_bomb.ods", "sheet_too_large", "20,000,000"),
    ("zip_bomb_2gb.xlsx", "zip_bomb", "2,048 MB, limit 1024 MB"),
    ("zip_bomb_ratio.xlsx", "zip_bomb", "expands"),
    ("zip_bomb_lying.xlsx", "zip_bomb", "more than the size it declares"),
    ("string_table_bomb.xlsx", "corrupt_file", "announces 4,000,000,000 strings"),
]


@pytest.mark.parametrize(("file", "code", "says"), REFUSALS)
def test_hostile_files_refused(bombs: dict[str, Path], file: str, code: str, says: str) -> None:
    path = bombs.get(file, HOSTILE / file)
    exc = refusal(path)
    assert (exc.issue.code, exc.path) == (code, file)
    assert says in exc.issue.message_en
    assert file in str(exc) and exc.issue.message in str(exc)  # Thai first, then English


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("data", "name", "code", "param"),
    [
        (_png(), "scan.xlsx", "not_a_spreadsheet", "image (PNG)"),
        (
            b"<html><body><table><tr><td>1</td></tr></table>",
            "export.xls",
            "not_a_spreadsheet",
            "web page",
        ),
        (b"just some notes", "notes.xlsx", "not_a_spreadsheet", "text"),
        (b"a,b\n1,2\n", "data.txt", "unsupported_type", ".txt"),
        (b"%PDF-1.4 ...", "report.pdf", "unsupported_type", ".pdf"),
        (b"\xfc\xfd\xfe,\xff\n", "bad.csv", "csv_encoding", "UTF-8 or TIS-620"),
        (b"PK\x05\x06" + b"\x00" * 18, "empty-zip.xlsx", "not_a_spreadsheet", "empty ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "corrupt_file", "damaged"),
    ],
)
def test_other_refusals(data: bytes, name: str, code: str, param: str) -> None:
    exc = refusal(data, name)
    assert exc.issue.code == code
    assert param in exc.issue.message_en


def test_word_97_document_renamed() -> None:
    data = mh.cfb({"WordDocument": b"\x00" * 100})
    assert refusal(data, "doc.xls").issue.message_en.endswith(
        "(it looks like Word document (.doc))"
    )


def test_xlsb_is_unsupported() -> None:
    data = mh.zip_bytes([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.bin", b"\x00")])
    assert refusal(data, "a.xlsb").issue.code == "unsupported_type"


def test_file_too_large(tmp_path: Path) -> None:
    path = _openpyxl_book(tmp_path / "big.xlsx")
    exc = refusal(path, max_file_mb=0.001)
    assert exc.issue.code == "file_too_large"
    assert "limit 0.001 MB" in exc.issue.message_en
    assert refusal(path.read_bytes(), "big.xlsx", max_file_mb=0.001).issue.code == "file_too_large"


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: _openpyxl_book(tmp / "a.xlsx"),  # refused from <dimension>, before loading
        lambda tmp: mh.xlsx({"OIT": mh.sheet_xml({r: {f"A{r}": "x"} for r in range(1, 12)}, None)}),
        lambda tmp: HOSTILE / "tiny.xls",
        lambda tmp: HOSTILE / "tiny.ods",
        lambda tmp: "\n".join(f"{i},x" for i in range(6)).encode(),
    ],
    ids=["xlsx", "xlsx-no-dimension", "xls", "ods", "csv"],
)
def test_sheet_over_the_cell_limit(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    source = make(tmp_path)
    exc = refusal(
        source, "a.csv" if isinstance(source, bytes) and b"," in source else "a.xlsx", max_cells=5
    )
    assert exc.issue.code == "sheet_too_large"
    assert exc.issue.sheet and exc.issue.sheet in exc.issue.message_en


def test_sheet_over_the_cell_limit_says_which_setting_to_raise() -> None:
    """One line, in both languages, naming the field on the Settings page and the variable."""
    source = "\n".join(f"{i},x" for i in range(6)).encode()
    issue = refusal(source, "a.csv", max_cells=5).issue
    labels = ui_text()
    for lang, message in (("th", issue.message), ("en", issue.message_en)):
        assert "\n" not in message
        assert labels["settings.title"][lang] in message
        assert labels["settings.max_cells"][lang] in message
        assert "ITA_MAX_CELLS" in message


def _national_box(path: Path, columns: int) -> Path:
    """A workbook whose one sheet spans the national OIT sheet's box (8,300 agencies x 43 items
    under a header row) in ``columns`` columns: the cells the reader sizes, at little cost."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("OIT")
    ws.write_row(0, 0, [f"c{i}" for i in range(columns)])
    ws.write_string(8_300 * 43, columns - 1, "x")
    wb.close()
    return path


def test_the_default_cell_limit_takes_a_national_sheet(tmp_path: Path) -> None:
    default = Settings(max_cells=Settings.model_fields["max_cells"].default)
    eight = read_workbook(_national_box(tmp_path / "eight.xlsx", 8), settings=default)
    assert len(eight.sheets[0].columns) * len(eight.sheets[0].columns[0]) == 356_901 * 8
    with pytest.raises(UnreadableFile) as info:  # two more columns: over, and told so
        read_workbook(_national_box(tmp_path / "ten.xlsx", 10), settings=default)
    assert info.value.issue.code == "sheet_too_large"
    assert "ITA_MAX_CELLS" in info.value.issue.message


def _xls_with(cells: dict[tuple[int, int], str | float], dims: bytes | None = None) -> bytes:
    data = mh.xls([("OIT", False, cells, [])])
    if dims is not None:  # overwrite the DIMENSIONS record body in place
        at = data.index(b"\x00\x02\x0e\x00") + 4
        data = data[:at] + dims + data[at + 14 :]
    return data


@pytest.mark.parametrize(
    ("data", "code"),
    [
        # numbers the .xls reader would trust and allocate from, aborting the process
        (
            _xls_with({(0, 0): "a"}, dims=bytes.fromhex("00000000ffffffff0000ffff0000")),
            "sheet_too_large",
        ),
        (_xls_with({(0, 0): "a", (65535, 255): "z"}), "sheet_too_large"),
        (_xls_with({(0, 0): "a", (0, 60000): "z"}), "corrupt_file"),
        (
            mh.xlsx({"OIT": mh.sheet_xml({1: {"A1": "a"}, 2: {"A99999999": "z"}}, "A1")}),
            "sheet_too_large",
        ),
        (
            mh.xlsx(
                {
                    "OIT": mh.sheet_xml({1: {"A1": "a"}, 2: {"B2": "b"}}, "A1:B2").replace(
                        '<c r="B2"',
                        '<c r="B2"r="XFD1048576"',  # the reader takes the last r
                    )
                }
            ),
            "sheet_too_large",
        ),
    ],
    ids=["xls-dimensions", "xls-far-cell", "xls-wide", "xlsx-far-row", "xlsx-second-r"],
)
def test_sizes_the_readers_would_trust(data: bytes, code: str) -> None:
    name = "a.xls" if data.startswith(b"\xd0\xcf") else "a.xlsx"
    assert refusal(data, name).issue.code == code


def test_xls_string_table_count() -> None:
    data = bytearray(mh.xls([("OIT", False, {(0, 0): "a"}, [])]))
    at = data.index(b"\xfc\x00") + 4  # SST: total, then unique count
    data[at + 4 : at + 8] = (0x7FFFFFFF).to_bytes(4, "little")
    assert refusal(bytes(data), "a.xls").issue.code == "corrupt_file"


def test_missing_path() -> None:
    assert refusal(Path("/nonexistent/แฟ้ม.xlsx")).issue.code == "corrupt_file"


_PROBE = """
import json, sys, time
from ita_model.errors import UnreadableFile
from ita_model.reader import read_workbook
out = {}
for path in sys.argv[1:]:
    t = time.perf_counter()
    try:
        read_workbook(path)
        code = None
    except UnreadableFile as exc:
        code = exc.issue.code
    out[path] = [code, time.perf_counter() - t]
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) forking pytest
status = open("/proc/self/status").read()
out["rss_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps(out))
"""


def test_refusals_are_fast_and_small(bombs: dict[str, Path]) -> None:
    """In a fresh process, as on the server (cells load in process, after the checks): each
    hostile file refused in < 5 s, the process under 300 MB, and nothing printed."""
    paths = [str(bombs.get(f, HOSTILE / f)) for f, _, _ in REFUSALS]
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *paths], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert run.stderr == ""
    result = json.loads(run.stdout)
    assert result.pop("rss_mb") < 300
    for (file, code, _), path in zip(REFUSALS, paths, strict=True):
        assert result[path][0] == code, file
        assert result[path][1] < 5, file


@pytest.mark.parametrize("file", ["good.xlsx", "tiny.xls", "tiny.ods"])
def test_damaged_files_raise_only_unreadable_file(file: str) -> None:
    """Truncated and bit-flipped copies either read or are refused: nothing else escapes."""
    good = (HOSTILE / file).read_bytes()
    rng = random.Random(file)
    variants = [good[:n] for n in range(0, len(good), max(1, len(good) // 40))]
    for _ in range(150):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        variants.append(bytes(data))
    for data in variants:
        try:
            result = read_workbook(data, file)
        except UnreadableFile:
            continue
        assert isinstance(result, RawWorkbook)


# --- the files and helpers themselves ----------------------------------------------------


def test_checked_in_files_are_what_the_script_builds() -> None:
    built = mh.files()
    assert sorted(built) == sorted(p.name for p in HOSTILE.iterdir())
    for name, data in built.items():
        assert (HOSTILE / name).read_bytes() == data, name
        assert len(data) <= 100_000


def test_column_pattern_matches_exactly_the_columns_up_to_the_limit() -> None:
    import re

    names = [mh_col(i) for i in range(800)] + ["XFD", "XFE", "ZZZ"]
    for limit in (0, 4, 25, 26, 27, 51, 701, 702, 16383):
        pattern = re.compile(_letters_upto(limit))
        inside = {n for n in names if pattern.fullmatch(n)}
        assert inside == {n for n in names if col_index(n) <= limit}, limit


def _plain_guard(row: int, col: int) -> re.Pattern[bytes]:
    """The quick check's pattern as first written, without the shortcuts: what it must equal."""
    digits = str(max(row, 1))
    rows = f"[1-{digits[0]}]" + (f"?[0-9]{{1,{len(digits) - 1}}}" if len(digits) > 1 else "")
    attrs = r'(?: [a-qs-z][\w:.-]*+="[^"]*+")*+/?>'
    return re.compile(f'<c(?! r="{_letters_upto(col)}{rows}"{attrs})[^a-z]'.encode())


_ENDINGS = [' s="1"', ' s="12"', ' t="s"', ' t="inlineStr"', ' r="A1"', ' x:r="B2"', '  t="s"']
_ENDINGS += ["\tt='s'", " s=1", ' cm="1"', ' s=""', ' t="s', ' s="1">']
_CELL_TAGS = st.tuples(
    st.sampled_from(['<c r="', "<c r='", '<c  r="', '<c\tr="', '<c x="1" r="', "<c", "<col", "<C"]),
    st.one_of(
        st.sampled_from(["A", "B", "E", "H", "I", "Z", "AA", "XFD"]), st.text("ABHIZ", max_size=3)
    ),
    st.one_of(st.integers(0, 2_000_000).map(str), st.text("0123456789", max_size=8)),
    st.sampled_from(['"', "'", ""]),
    st.lists(st.sampled_from(_ENDINGS), max_size=3).map("".join),
    st.sampled_from([">", "/>", " >", "", " />", ">>"]),
    st.sampled_from(["<v>1</v></c>", "", "x", "<c", "c"]),
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 1_048_576), st.integers(0, 40), st.lists(_CELL_TAGS, max_size=6))
def test_the_quick_check_finds_what_its_plain_form_finds(
    row: int, col: int, tags: list[str]
) -> None:
    """The literal shortcuts for Excel's usual cell endings, and the row written without
    backtracking, change how fast a cell is vouched for, never which cells are."""
    from ita_model.reader.xlsx import _guard

    fast = _guard(row, col, Settings(max_cells=10**12))
    assert fast is not None
    xml = "".join(tags).encode()
    assert [m.start() for m in fast.finditer(xml)] == [
        m.start() for m in _plain_guard(row, col).finditer(xml)
    ]


_REFS = st.tuples(st.sampled_from(["A", "B", "C", "Z", "AA"]), st.integers(1, 60)).map(
    lambda ref: f"{ref[0]}{ref[1]}"
)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(st.integers(1, 60), st.lists(_REFS, max_size=4), min_size=1, max_size=40),
    st.sampled_from([None, "A1", "A1:C60", "A1:B9"]),
    st.sampled_from([512, 1000, 4096]),
)
def test_a_sheet_reads_alike_whatever_the_chunks_it_is_scanned_in(
    rows: dict[int, list[str]], dimension: str | None, chunk: int
) -> None:
    """The worksheet scan reads the part in chunks; a cell cut in two by a chunk's end is seen
    whole: the same cells, or the same refusal, in chunks of 512 bytes as in one."""
    from unittest import mock

    from ita_model.reader import guards

    cells = {r: {ref: f"v{ref}" for ref in refs} for r, refs in rows.items()}
    data = mh.xlsx({"OIT": mh.sheet_xml(cells, dimension)})

    def outcome() -> object:
        try:
            return [texts(sheet) for sheet in read_workbook(data, "c.xlsx").sheets]
        except UnreadableFile as exc:
            return exc.issue.code, exc.issue.message_en

    whole = outcome()
    with mock.patch.object(guards, "_CHUNK", chunk):
        assert outcome() == whole


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(st.integers(1, 60), st.lists(_REFS, max_size=4), min_size=1, max_size=40),
    st.sampled_from(["A1:C60", "A1:B9", "A1:Z5"]),
    st.sampled_from([512, 1000, 4096]),
)
def test_the_quick_check_vouches_only_for_cells_in_its_box_whatever_the_chunks(
    rows: dict[int, list[str]], dimension: str, chunk: int
) -> None:
    """A cell cut in two by a chunk's end is still seen: the quick pass never vouches for a
    sheet with a cell outside the columns of its <dimension> and rows below twice its last."""
    from unittest import mock

    from ita_model.reader import guards
    from ita_model.reader.xlsx import _scan_cells

    cells = {r: {ref: "v" for ref in refs} for r, refs in rows.items()}
    data = mh.xlsx({"OIT": mh.sheet_xml(cells, dimension)})
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    with mock.patch.object(guards, "_CHUNK", chunk):
        vouched = _scan_cells(data, info, "OIT", Settings(), exact=False)
    last = re.fullmatch(r"A1:([A-Z]+)(\d+)", dimension)
    assert last
    top = (int(last[2][0]) + 1) * 10 ** (len(last[2]) - 1)  # the bound of its first digit
    outside = [
        ref
        for refs in rows.values()
        for ref in refs
        if col_index(ref.rstrip("0123456789")) > col_index(last[1])
        or int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) >= top
    ]
    assert vouched is None or not outside, outside


def mh_col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        s = chr(65 + rem) + s
    return s


def col_index(name: str) -> int:
    n = 0
    for ch in name:
        n = n * 26 + ord(ch) - 64
    return n - 1


def test_the_reader_modules_import_one_another_without_a_cycle() -> None:
    """Each module of the package imports only modules below it; none imports the package."""
    deps: dict[str, set[str]] = {}
    for path in (ROOT / "ita_model" / "reader").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        found = {m for m in modules if m.startswith("ita_model.reader")}
        if path.stem != "__init__":
            assert "ita_model.reader" not in found, path.name
        deps[path.stem] = {m.rsplit(".", 1)[-1] for m in found if m != "ita_model.reader"}
    assert deps["__init__"] >= {"sniff", "guards", "xlsx", "ods", "xls", "csv", "raw"}
    order = list(graphlib.TopologicalSorter(deps).static_order())  # CycleError on a cycle
    assert order[-1] == "__init__"


def test_cells_repeated_inside_the_box_are_counted() -> None:
    """A1 written 5,000 times sits inside a one-cell <dimension>, but the library keeps every
    one: past the cell limit the sheet is refused, as a sheet of as many cells would be."""
    xml = mh.sheet_xml({1: {"A1": "x"}}, "A1")
    xml = xml.replace("</row>", '<c r="A1"><v>1</v></c>' * 5_000 + "</row>")
    exc = refusal(mh.xlsx({"OIT": xml}), "a.xlsx", max_cells=1_000)
    assert exc.issue.code == "sheet_too_large"
    assert "5,001" in exc.issue.message_en
    assert texts(read_workbook(mh.xlsx({"OIT": xml}), "a.xlsx").sheets[0]) == [["1"]]
