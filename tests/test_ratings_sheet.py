"""The framework workbook's ratings sheet: a 2570 import with levels, coded row errors, fuzzing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_model.framework import load_framework
from ita_model.framework_import import framework_workbook_bytes, import_framework
from ita_model.ratings import check_ratings
from ita_model.ratings_sheet import read_ratings, score_cell, yes_no
from tests.conftest import flat
from tests.vocational import LEVELS, vocational_workbook


def test_a_2570_vocational_framework_with_levels() -> None:
    result = import_framework(
        vocational_workbook(), 2570, name="voc.xlsx", agency_type="vocational_college"
    )
    assert result.report.ok and not result.report.issues.errors, flat(result.report)
    fw = result.framework
    assert fw is not None and fw.year == 2570 and fw.agency_type == "vocational_college"
    assert len(fw.items()) == 23
    assert [s.code for i in fw.oit_indicators() for s in i.subindicators] == [
        "9.1",
        "9.2",
        "9.3",
        "9.4",
        "9.5",
        "10.1",
        "10.2",
    ]
    assert fw.rating_kind == "level" and not fw.graded
    assert [r.name_th for r in fw.ratings] == [row[0] for row in LEVELS]
    assert fw.ratings[1].min_tools == {"IIT": 85, "EIT": 85, "OIT": 85}
    assert fw.ratings[2].min_tools == {} and fw.pass_mark == 85
    assert fw.rating(94, {"IIT": 96, "EIT": 84, "OIT": 100}).name_th == "ผ่าน"
    # and back out and in again: the ratings survive the round trip
    again = import_framework(framework_workbook_bytes(fw), 2570, name="again.xlsx")
    assert again.framework is not None and again.framework.ratings == fw.ratings


def test_english_header_and_yes_no() -> None:
    rows = [
        ["A", "A", 85, None, None, None, "yes"],
        ["F", "F", 0, None, None, None, "no"],
    ]
    data = vocational_workbook(rows)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["ระดับผลการประเมิน"]
    for cell, word in zip(
        ws[1],
        [
            "level",
            "english name",
            "minimum total",
            "minimum IIT",
            "minimum EIT",
            "minimum OIT",
            "passes",
        ],
        strict=True,
    ):
        cell.value = word
    out = io.BytesIO()
    wb.save(out)
    fw = import_framework(out.getvalue(), 2570, name="en.xlsx").framework
    assert fw is not None and fw.graded and [r.passes for r in fw.ratings] == [True, False]


def test_without_a_ratings_sheet_the_year_rules_apply() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(vocational_workbook()))
    del wb["ระดับผลการประเมิน"]
    out = io.BytesIO()
    wb.save(out)
    fw = import_framework(out.getvalue(), 2570, name="no-ratings.xlsx").framework
    assert fw is not None and fw.rating_kind == "level" and fw.ratings_provisional


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["ผ่าน", "Pass", 85, None, None, None, "อาจจะ"], LEVELS[-1]],
            [(2, "ผ่าน", "bad_yes_no")],
        ),
        (
            [["ผ่าน", "Pass", 185, None, None, None, "ใช่"], LEVELS[-1]],
            [(2, "คะแนนรวมขั้นต่ำ", "bad_score")],
        ),
        (
            [["ผ่าน", "Pass", 85, None, "สูง", None, "ใช่"], LEVELS[-1]],
            [(2, "EIT ขั้นต่ำ", "bad_score")],
        ),
        (
            [[None, "Pass", 85, None, None, None, "ใช่"], LEVELS[-1]],
            [(2, "ระดับ", "missing_value")],
        ),
        (
            [["ผ่าน", "Pass", 85, None, None, None, "ใช่"], LEVELS[-1], LEVELS[-1]],
            [(4, "ระดับ", "duplicate_rating")],
        ),
        (
            [LEVELS[3], LEVELS[2], LEVELS[4]],
            [(3, "คะแนนรวมขั้นต่ำ", "rating_order"), (3, "ผ่าน", "rating_pass_order")],
        ),
        ([LEVELS[0], LEVELS[1]], [(3, "คะแนนรวมขั้นต่ำ", "rating_no_floor")]),
        ([LEVELS[3], LEVELS[4]], [(None, "ผ่าน", "rating_none_pass")]),
    ],
)
def test_row_errors(rows: list[list], expected: list[tuple]) -> None:
    result = import_framework(vocational_workbook(rows), 2570, name="bad.xlsx")
    assert result.framework is None
    got = [(i.row, i.column, i.code) for i in result.report.issues if i.sheet == "ระดับผลการประเมิน"]
    assert got == expected
    assert all(i.message and i.message_en for i in result.report.issues)


@pytest.mark.parametrize(
    ("text", "value"),
    [("ใช่", True), ("ไม่", False), ("Yes", True), (" no ", False), ("ผ่าน", True), ("x", None)],
)
def test_yes_no(text: str, value: bool | None) -> None:
    assert yes_no(text) is value


@pytest.mark.parametrize(
    ("text", "value"), [("85", 85.0), ("๘๕", 85.0), ("84.99", 84.99), ("101", None), ("ห้า", None)]
)
def test_score_cell(text: str, value: float | None) -> None:
    assert score_cell(text) == value


_cell = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["ใช่", "ไม่", "85", "0", "๙๕"]))
_row = st.fixed_dictionaries(
    {c: _cell for c in ("level", "name_en", "min_total", "min_iit", "min_eit", "min_oit", "passes")}
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(_row, max_size=8))
def test_any_sheet_gives_levels_or_located_problems(rows: list[dict]) -> None:
    """Whatever is typed: never an exception; levels that pass the framework's own check, or
    problems each with a code and, but for the whole-sheet ones, a row."""
    labels = {c: c for c in rows[0]} if rows else {c: c for c in ("level", "min_total", "passes")}
    problems: list[tuple[str, int | None]] = []

    def add(code: str, *, sheet: str | None = None, row: int | None = None, **_: object) -> None:
        problems.append((code, row))

    found = read_ratings(list(enumerate(rows, start=2)), labels, "ระดับ", add)
    if found is None:
        assert problems or not rows
        assert all(row is not None for code, row in problems if code != "rating_none_pass")
    else:
        assert not problems
        check_ratings(found, {"IIT", "EIT", "OIT"})


def test_a_later_year_gets_its_own_scoring_note() -> None:
    fw = import_framework(vocational_workbook(), 2570, name="voc.xlsx").framework
    assert "2566" not in fw.scoring_note_th and "ทุติยภูมิ" in fw.scoring_note_th
    again = import_framework(framework_workbook_bytes(load_framework(2566)), 2566).framework
    assert again.scoring_note_th == load_framework(2566).scoring_note_th


def test_framework_import_command_with_the_agency_type(tmp_path) -> None:
    from tests.conftest import run_cli

    book = tmp_path / "voc.xlsx"
    book.write_bytes(vocational_workbook())
    out = tmp_path / "2570.yaml"
    done = run_cli(
        "framework-import", book, "--year", "2570", "--agency-type", "vocational_college",
        "--out", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text(encoding="utf-8")
    assert "agency_type: vocational_college" in text and "rating_kind: level" in text
    bad = run_cli("framework-import", book, "--year", "2570", "--agency-type", "zoo", "--out",
                  tmp_path / "x.yaml")  # fmt: skip
    assert bad.returncode == 1 and "zoo" in bad.stdout
