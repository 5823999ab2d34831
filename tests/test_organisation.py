"""อบจ.พะเยา's divisions, how their names are matched, and who owns which 2565 item."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from ita_model.errors import InvalidDataFile
from ita_model.framework import load_framework
from ita_model.organisation import Organisation, load_organisation
from ita_model.settings import get_settings


@pytest.fixture(scope="module")
def org() -> Organisation:
    return load_organisation()


def test_header(org: Organisation) -> None:
    assert org.name_th == "องค์การบริหารส่วนจังหวัดพะเยา"
    assert org.short_th == "อบจ.พะเยา"
    assert org.report_date == date(2022, 3, 27)


def test_default_path_is_the_setting(org: Organisation) -> None:
    assert load_organisation(get_settings().organisation) == org


@pytest.mark.parametrize(
    "division_id",
    [
        "office",
        "legal",
        "admin",
        "it",
        "personnel",
        "strategy",
        "finance",
        "procurement",
        "asset_registry",
        "audit",
    ],
)
def test_every_division_the_seed_names_is_there(org: Organisation, division_id: str) -> None:
    assert org.division(division_id).id == division_id


def test_parents(org: Organisation) -> None:
    assert org.division("legal").parent == "office"
    assert org.division("admin").parent == "office"
    assert org.division("asset_registry").parent == "procurement"
    assert org.reporting_division("asset_registry").id == "procurement"
    assert org.reporting_division("legal").id == "legal"


def test_unknown_division_id(org: Organisation) -> None:
    with pytest.raises(KeyError):
        org.division("nope")


@pytest.mark.parametrize(
    ("name", "division_id"),
    [
        ("ฝ่ายสถิติ ข้อมูลและสารสนเทศ", "it"),
        ("ฝ่ายสถิติข้อมูลและสารสนเทศ", "it"),
        ("ฝ่ายสถิติ ข้อมูล และสารสนเทศ", "it"),
        ("- ฝ่ายสถิติ ข้อมูล และสารสนเทศ", "it"),
        ("ฝ่ายนิติการ", "legal"),
        ("ฝ่ายนิติการ สำนักปลัด", "legal"),
        ("ฝ่ายนิติการ สำนักปลัด อบจ. พะเยา", "legal"),
        ("ฝ่ายนิติการ สำนักปลัด องค์การบริหารส่วนจังหวัดพะเยา", "legal"),
        ("ฝ่ายนิติการ อบจ.พะเยา", "legal"),
        ("-ฝ่ายนิติการ สำนักปลัด", "legal"),
        ("ฝ่ายบริหารทั่วไป สำนักปลัด", "admin"),
        ("ฝ่ายบริหารงานทั่วไป", "admin"),
        ("สำนักปลัดองค์การบริหารส่วนจังหวัดพะเยา ฝ่ายบริหารงานทั่วไป", "admin"),
        ("สำนักปลัด", "office"),
        ("สำนักปลัด อบจ.พะเยา", "office"),
        ("สำนักปลัดองค์การบริหารส่วนจังหวัดพะเยา", "office"),
        ("ส่วนราชการ: สำนักปลัด", "office"),
        ("กองการเจ้าหน้าที่", "personnel"),
        ("กองยุทธศาสตร์และแผนงาน", "strategy"),
        ("กองคลัง", "finance"),
        ("ส่วนราชการ: กองคลัง", "finance"),
        ("ส่วนราชการ:กองคลัง อบจ.พะเยา", "finance"),
        ("กองคลัง องค์การบริหารส่วนจังหวัด", "finance"),
        ("กองพัสดุและทรัพย์สิน", "procurement"),
        ("ฝ่ายทะเบียนพัสดุทรัพย์สิน", "asset_registry"),
        ("หน่วยตรวจสอบภายใน", "audit"),
        ("หน่วยงานตรวจสอบภายใน", "audit"),
        ("กองการศึกษา ศาสนา และวัฒนธรรม", "education"),
        ("finance", "finance"),
        ("FINANCE", "finance"),
        ("Finance Division", "finance"),
    ],
)
def test_match_division(org: Organisation, name: str, division_id: str) -> None:
    found = org.match_division(name)
    assert found is not None and found.id == division_id


@pytest.mark.parametrize(
    "name", ["", "อบจ.พะเยา", "องค์การบริหารส่วนจังหวัดพะเยา", "ทุกส่วนราชการ", "กองอื่น"]
)
def test_match_division_refuses(org: Organisation, name: str) -> None:
    assert org.match_division(name) is None


def test_every_spelling_matches_its_own_division(org: Organisation) -> None:
    for d in org.divisions:
        for spelling in (d.id, d.name_th, d.name_en, *d.aliases):
            assert org.match_division(spelling) == d, spelling


@pytest.mark.parametrize(
    ("text", "division_id"),
    [
        ("o_กองคลัง_2565-03", "finance"),
        ("o_กองคลัง_2565-03.xlsx", "finance"),
        ("ITA65 ฝ่ายสถิติ ข้อมูล และสารสนเทศ (แก้ไข)", "it"),
        ("ฝ่ายนิติการ_สำนักปลัด", "legal"),
        ("สำนักปลัด_ฝ่ายบริหารงานทั่วไป", "admin"),
        ("สำนักปลัด", "office"),
        ("oit_สำนักปลัด อบจ.พะเยา_มีนาคม", "office"),
        ("กองพัสดุและทรัพย์สิน", "procurement"),
        ("o_it_2565", "it"),
        ("audit-2565", "audit"),
    ],
)
def test_match_division_in_text(org: Organisation, text: str, division_id: str) -> None:
    found = org.match_division_in_text(text)
    assert found is not None and found.id == division_id


@pytest.mark.parametrize("text", ["", "ITA_2565", "submit", "รายงาน อบจ.พะเยา 2565"])
def test_match_division_in_text_refuses(org: Organisation, text: str) -> None:
    assert org.match_division_in_text(text) is None


def test_every_2565_item_has_an_existing_owner(org: Organisation) -> None:
    fw = load_framework(2565)
    assert sorted(org.assignments[2565]) == [i.code for i in fw.items()]
    ids = {d.id for d in org.divisions}
    for item in fw.items():
        owners = org.owners(item.code, 2565)
        assert owners, item.code
        assert {d.id for d in owners} <= ids


@pytest.mark.parametrize(
    ("code", "owner_ids"),
    [
        ("o01", ["personnel", "it"]),
        ("o03", ["personnel", "strategy"]),
        ("o06", ["it", "legal"]),
        ("o16", ["admin"]),
        ("o21", ["procurement"]),
        ("o30", ["legal", "it"]),
        ("o36", ["audit", "legal"]),
        ("o43", ["legal"]),
        ("๐๑", ["personnel", "it"]),  # any spelling of the code
    ],
)
def test_owners(org: Organisation, code: str, owner_ids: list[str]) -> None:
    assert [d.id for d in org.owners(code, 2565)] == owner_ids


@pytest.mark.parametrize("code", ["o13", "o14", "o15", "o33", "o35", "o38"])
def test_all_expands_to_every_reporting_division(org: Organisation, code: str) -> None:
    assert org.owners(code, 2565) == org.reporting_divisions()
    assert org.reporting_divisions() == [d for d in org.divisions if d.reports]
    assert [d.id for d in org.divisions if not d.reports] == ["asset_registry"]


def test_serves_public_expands(org: Organisation) -> None:
    owners = org.owners("o17", 2565)
    assert owners and all(d.serves_public and d.reports for d in owners)
    assert owners == [d for d in org.reporting_divisions() if d.serves_public]


def test_unassigned_lookups_are_empty(org: Organisation) -> None:
    assert org.owners("o44", 2565) == []
    assert org.owners("o01", 2599) == []
    assert org.owners("abc", 2565) == []
    assert org.items_of("finance", 2599) == []


@pytest.mark.parametrize(
    ("division_id", "codes"),
    [
        ("finance", ["o13", "o14", "o15", "o17", "o18", "o19", "o20", "o33", "o35", "o38"]),
        ("audit", ["o13", "o14", "o15", "o33", "o35", "o36", "o37", "o38"]),
        ("asset_registry", []),
    ],
)
def test_items_of(org: Organisation, division_id: str, codes: list[str]) -> None:
    assert org.items_of(division_id, 2565) == codes


def test_items_of_and_owners_agree(org: Organisation) -> None:
    for d in org.divisions:
        for code in org.items_of(d.id, 2565):
            assert d in org.owners(code, 2565)


def test_items_of_unknown_division(org: Organisation) -> None:
    with pytest.raises(KeyError):
        org.items_of("nope", 2565)


def _write(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(get_settings().organisation.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "organisation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["assignments"]["2565"].update(o01=["nobody"]),
        lambda d: d["assignments"]["2565"].update(o01=[]),
        lambda d: d["assignments"]["2565"].update(o1=["it"]),  # o01 twice
        lambda d: d["assignments"]["2565"].update(o01=["asset_registry"]),  # does not report
        lambda d: d["divisions"][1].update(parent="nowhere"),
        lambda d: d["divisions"].append(dict(d["divisions"][0])),  # repeated id
        lambda d: d["divisions"][1]["aliases"].append("กองคลัง"),  # one name, two divisions
        lambda d: d["divisions"][1]["aliases"].append("อบจ.พะเยา"),  # names only the PAO
        lambda d: d.pop("report_date"),
    ],
)
def test_invalid_file(tmp_path: Path, edit) -> None:
    with pytest.raises(InvalidDataFile):
        load_organisation(_write(tmp_path, edit))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidDataFile):
        load_organisation(tmp_path / "nope.yaml")
