"""The 2565 framework data and its API: shape, weights, grades, item codes, no OCR debris."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ita_model.errors import FrameworkNotFound, InvalidDataFile
from ita_model.framework import (
    FRAMEWORKS_DIR,
    Framework,
    available_years,
    item_code,
    load_framework,
    load_framework_file,
    parse_item_code,
)

YAML_2565 = FRAMEWORKS_DIR / "2565.yaml"


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(2565)


def test_shape(fw: Framework) -> None:
    assert [i.number for i in fw.indicators] == list(range(1, 11))
    subs = [s.code for i in fw.indicators for s in i.subindicators]
    assert subs == ["9.1", "9.2", "9.3", "9.4", "9.5", "10.1", "10.2"]
    assert [i.number for i in fw.oit_indicators()] == [9, 10]
    assert [i.code for i in fw.items()] == [f"o{n:02d}" for n in range(1, 44)]
    assert fw.last_item_number == 43
    assert len(fw.indicators[8].items()) == 33
    assert len(fw.indicators[9].items()) == 10
    assert 2565 in available_years()


@pytest.mark.parametrize(
    ("sub", "first", "last"),
    [
        ("9.1", "o01", "o09"),
        ("9.2", "o10", "o17"),
        ("9.3", "o18", "o24"),
        ("9.4", "o25", "o28"),
        ("9.5", "o29", "o33"),
        ("10.1", "o34", "o41"),
        ("10.2", "o42", "o43"),
    ],
)
def test_subindicator_ranges(fw: Framework, sub: str, first: str, last: str) -> None:
    assert fw.subindicator_of(first).code == sub
    assert fw.subindicator_of(last).code == sub


def test_every_name_is_bilingual_and_every_item_has_components(fw: Framework) -> None:
    for ind in fw.indicators:
        assert ind.name_th and ind.name_en
        for sub in ind.subindicators:
            assert sub.name_th and sub.name_en
            for group in sub.groups:
                assert group.name_th and group.name_en
    for item in fw.items():
        assert item.name_th and item.name_en
        assert len(item.components) >= 1
        assert all(c.strip() == c and c for c in item.components)
        assert not any(c.startswith(("*", "กรณี")) for c in item.components), item.code


def test_weights(fw: Framework) -> None:
    assert {t.code: t.weight for t in fw.tools} == {"IIT": 30, "EIT": 30, "OIT": 40}
    assert sum(t.weight for t in fw.tools) == 100
    assert sum(i.weight for i in fw.indicators) == 100
    assert [i.weight for i in fw.indicators if i.tool == "OIT"] == [20, 20]
    for ind in fw.oit_indicators():
        assert len({s.weight for s in ind.subindicators}) == 1  # equal inside the indicator


@pytest.mark.parametrize(
    "debris",
    ["que", "<ul", "<p>", "</p>", "ยังน้อย", "ทำกรร้อง", "ดำเนินการกิจ", "ปฏิบัติการกิจ", "○", "•"],
)
def test_no_ocr_debris(debris: str) -> None:
    assert debris not in YAML_2565.read_text(encoding="utf-8")


def test_no_devanagari_and_no_thai_digits() -> None:
    text = YAML_2565.read_text(encoding="utf-8")
    assert not re.search(r"[\u0900-\u097f]", text)
    assert not re.search(r"[๐-๙]", text)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("o04", "แสดงแผนการดำเนินภารกิจของหน่วยงาน"),
        ("o13", "เป็นคู่มือปฏิบัติภารกิจใด"),
        ("o13", "จะต้องมีอย่างน้อย 1 คู่มือ"),
        ("o29", "ทำการร้องเรียน"),
        ("o31", "จำนวนเรื่องที่ดำเนินการแล้วเสร็จ"),
    ],
)
def test_ocr_corrections(fw: Framework, code: str, fragment: str) -> None:
    assert any(fragment in c for c in fw.item(code).components)


def test_item_names_corrected(fw: Framework) -> None:
    assert fw.item("o23").name_th == "สรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายเดือน"


def test_notes_are_not_components(fw: Framework) -> None:
    assert [c for c in ("o21", "o23", "o27") if fw.item(c).notes] == ["o21", "o23", "o27"]
    assert fw.item("o05").components[1:] == ["ที่อยู่หน่วยงาน", "หมายเลขโทรศัพท์", "E-mail", "แผนที่ตั้ง"]


@pytest.mark.parametrize(
    ("code", "kind", "year"),
    [
        ("o01", None, None),
        ("o04", "in_force", 2565),
        ("o07", "within_year", 2565),
        ("o11", "first_half", 2565),
        ("o12", "report_of_year", 2564),
        ("o23", "first_half", 2565),
        ("o27", "in_force", 2565),
        ("o34", None, None),
        ("o42", "report_of_year", 2564),
        ("o43", "within_year", 2565),
    ],
)
def test_requirements(fw: Framework, code: str, kind: str | None, year: int | None) -> None:
    req = fw.item(code).requirement
    assert (req.kind if req else None, req.year if req else None) == (kind, year)


def test_every_requirement_comes_from_a_component(fw: Framework) -> None:
    for item in fw.items():
        if item.requirement:
            assert item.requirement.text_th in item.components
            assert str(item.requirement.year) in item.requirement.text_th


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "AA"),
        (95, "AA"),
        (94.99, "A"),
        (85, "A"),
        (84.99, "B"),
        (75, "B"),
        (74.99, "C"),
        (65, "C"),
        (55, "D"),
        (54.99, "E"),
        (50, "E"),
        (49.99, "F"),
        (0, "F"),
    ],
)
def test_grade_for(fw: Framework, score: float, grade: str) -> None:
    assert fw.grade_for(score) == grade


@pytest.mark.parametrize("score", [-0.01, 100.01, float("nan")])
def test_grade_for_refuses_impossible_scores(fw: Framework, score: float) -> None:
    with pytest.raises(ValueError):
        fw.grade_for(score)


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("o1", 1),
        ("O1", 1),
        ("o01", 1),
        ("O 01", 1),
        ("๐๑", 1),
        ("01", 1),
        ("1", 1),
        ("1.0", 1),
        ("ข้อ ๐๑", 1),
        ("ข้อ 1", 1),
        ("ข้อที่ 1", 1),
        ("o1 โครงสร้าง", 1),
        ("o.1", 1),
        ("๐๑.", 1),
        (" o01 ", 1),
        ("๐๑๐", 10),
        ("o010", 10),
        ("๐๔๓", 43),
        ("o43", 43),
        ("O-12", 12),
        ("44", 44),  # readable; whether the year has it is the framework's call
        (1, 1),
        (1.0, 1),
    ],
)
def test_parse_item_code(raw: str, number: int) -> None:
    assert parse_item_code(raw) == number


@pytest.mark.parametrize(
    "raw", ["abc", "", "ข้อ", "ข้อมูลผู้บริหาร", "o", "o0", "9.1", "1.5", "o1a", "2565"]
)
def test_parse_item_code_refuses(raw: str) -> None:
    assert parse_item_code(raw) is None


def test_item_code() -> None:
    assert [item_code(1), item_code(10), item_code(43)] == ["o01", "o10", "o43"]
    with pytest.raises(ValueError):
        item_code(0)


def test_lookups(fw: Framework) -> None:
    assert fw.item("๐๑").code == "o01"
    assert fw.has_item("o43") and not fw.has_item("o44") and not fw.has_item("abc")
    assert fw.indicator_of("o34").number == 10
    with pytest.raises(KeyError):
        fw.item("o44")
    with pytest.raises(KeyError):
        fw.subindicator_of("abc")


@pytest.mark.parametrize("lang", ["th", "en"])
def test_outline(fw: Framework, lang: str) -> None:
    text = fw.outline(lang)
    assert text.count("\n        o") == 43
    assert ("โครงสร้าง" if lang == "th" else "Organisation structure") in text
    assert "    9.1 " in text and "    10.2 " in text


def test_unknown_year() -> None:
    with pytest.raises(FrameworkNotFound, match="2499"):
        load_framework(2499)


def test_is_cached() -> None:
    assert load_framework(2565) is load_framework(2565)


def _broken(tmp_path: Path, change: dict) -> Path:
    data = yaml.safe_load(YAML_2565.read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / "2565.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change",
    [
        {"tools": [{"code": "IIT", "name_th": "x", "name_en": "x", "weight": 50}]},
        {"ratings": [{"name_th": "A", "name_en": "A", "min_total": 85, "passes": True}]},
        {"rating_kind": "stars"},
        {"agency_type": "Local Government!"},
        {"surprise": 1},
    ],
)
def test_invalid_file(tmp_path: Path, change: dict) -> None:
    with pytest.raises(InvalidDataFile):
        load_framework_file(_broken(tmp_path, change))


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "2565.yaml"
    path.write_text("year: [", encoding="utf-8")
    with pytest.raises(InvalidDataFile):
        load_framework_file(path)
