"""The provisional 2566 framework, the 2565 → 2566 mapping, the 2566 owners, a 2566 score."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import yaml

from ita_model import scoring
from ita_model.errors import InvalidDataFile, MappingNotFound
from ita_model.framework import Framework, load_framework
from ita_model.mapping import (
    LinkKind,
    YearMapping,
    derived_assignments,
    load_mapping,
    load_mapping_file,
    mapping_path,
)
from ita_model.organisation import Organisation, load_organisation
from ita_model.readiness import compute_readiness, load_dataset
from ita_model.template import HEADERS, OIT_SHEET, header_row, template_bytes
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
TSV = ROOT.parent / "shared" / "reference" / "ita-2566-oit-items.tsv"


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(2566)


@pytest.fixture(scope="module")
def old() -> Framework:
    return load_framework(2565)


@pytest.fixture(scope="module")
def mapping() -> YearMapping:
    return load_mapping(2565, 2566)


@pytest.fixture(scope="module")
def org() -> Organisation:
    return load_organisation()


def tsv_items() -> dict[str, str]:
    rows = [
        line.rstrip("\n").split("\t")
        for line in TSV.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    return {code: name for code, name in rows[1:]}


# --------------------------------------------------------------------------- the framework


@pytest.mark.skipif(not TSV.is_file(), reason="the shared reference list is not checked out")
def test_items_are_the_reference_list(fw: Framework) -> None:
    assert {i.code: i.name_th for i in fw.items()} == tsv_items()


def test_shape_and_provisional_marks(fw: Framework) -> None:
    assert fw.year == 2566 and fw.provisional
    subs = {s.code: s for ind in fw.oit_indicators() for s in ind.subindicators}
    assert {c: s.name_th for c, s in subs.items()} == {
        "9.1": "ข้อมูลพื้นฐาน",
        "9.2": "การบริหารงาน",
        "9.3": "การบริหารเงินงบประมาณ",
        "9.4": "การบริหารและพัฒนาทรัพยากรบุคคล",
        "9.5": "การส่งเสริมความโปร่งใส",
        "10.1": "การดำเนินการเพื่อป้องกันการทุจริต",
        "10.2": "มาตรการภายในเพื่อป้องกันการทุจริต",
    }
    counts = {c: len(s.items()) for c, s in subs.items()}
    assert counts == {"9.1": 10, "9.2": 8, "9.3": 4, "9.4": 4, "9.5": 4, "10.1": 11, "10.2": 2}
    # every guess is marked: the source gives names only
    assert all(s.provisional for s in subs.values())
    assert all(g.provisional for s in subs.values() for g in s.groups)
    assert all(i.provisional for i in fw.items())
    assert [(i.number, i.weight) for i in fw.indicators] == [
        (i.number, i.weight) for i in load_framework(2565).indicators
    ]
    assert fw.grade_for(85) == "A" and fw.pass_mark == 85


def test_grouping_agrees_with_the_item_names(fw: Framework) -> None:
    group_of = {i.code: g.name_th for s in (x for ind in fw.indicators for x in ind.subindicators)
                for g in s.groups for i in g.items}  # fmt: skip
    procurement = [c for c, g in group_of.items() if g == "การจัดซื้อจัดจ้างหรือการจัดหาพัสดุ"]
    assert all("จัดซื้อจัดจ้าง" in fw.item(c).name_th for c in procurement)
    assert all("No Gift" in fw.item(c).name_th for c, g in group_of.items() if "No Gift" in g)
    assert all("จริยธรรม" in fw.item(c).name_th for c, g in group_of.items() if "จริยธรรม" in g)
    assert all("ร้องเรียน" in fw.item(c).name_th for c, g in group_of.items() if "ร้องเรียน" in g)
    hr = fw.subindicator_of("o23")
    assert all("ทรัพยากรบุคคล" in i.name_th for i in hr.items())


def test_carried_items_stay_in_the_same_sub_indicator(
    fw: Framework, old: Framework, mapping: YearMapping
) -> None:
    for link in mapping.links:
        if link.kind in (LinkKind.SAME, LinkKind.RENAMED):
            assert (
                fw.subindicator_of(link.new).name_th == old.subindicator_of(link.old[0]).name_th
            ), link


def test_carried_requirements_move_on_a_year(
    fw: Framework, old: Framework, mapping: YearMapping
) -> None:
    for link in mapping.links:
        if link.kind in (LinkKind.SAME, LinkKind.RENAMED):
            before, after = old.item(link.old[0]).requirement, fw.item(link.new).requirement
            assert (before is None) == (after is None), link
            if before and after:
                assert (after.kind, after.year) == (before.kind, before.year + 1), link


def test_outline_says_provisional(fw: Framework) -> None:
    assert fw.outline().splitlines()[0].endswith("(provisional)")


# --------------------------------------------------------------------------- the mapping


def test_mapping_covers_both_years(fw: Framework, old: Framework, mapping: YearMapping) -> None:
    assert sorted(c for link in mapping.links for c in link.old) == [i.code for i in old.items()]
    assert sorted(link.new for link in mapping.links if link.new) == [i.code for i in fw.items()]
    kinds = {k: len(mapping.of_kind(k)) for k in LinkKind}
    assert kinds == {
        LinkKind.SAME: 30,
        LinkKind.RENAMED: 4,
        LinkKind.MERGED: 4,
        LinkKind.NEW: 5,
        LinkKind.DROPPED: 1,
    }
    assert mapping.sources("o11") == ["o10", "o18"]
    assert mapping.target("o18") == "o11"
    assert mapping.target("o35") is None
    assert mapping.sources("o10") == []


def test_mapping_kinds_agree_with_the_names(
    fw: Framework, old: Framework, mapping: YearMapping
) -> None:
    for link in mapping.links:
        if link.kind == LinkKind.SAME:
            assert fw.item(link.new).name_th == old.item(link.old[0]).name_th, link
        elif link.kind == LinkKind.RENAMED:
            assert fw.item(link.new).name_th != old.item(link.old[0]).name_th, link


def test_a_mapping_that_forgets_an_item_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(mapping_path(2565, 2566).read_text(encoding="utf-8"))
    data["links"] = [link for link in data["links"] if link["to"] != "o43"]
    path = tmp_path / "mapping_2565_2566.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidDataFile, match="o43"):
        load_mapping_file(path)
    data["links"].append({"from": ["o43"], "to": "o43", "kind": "merged"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidDataFile, match="merged"):
        load_mapping_file(path)


def test_no_mapping_for_other_years() -> None:
    with pytest.raises(MappingNotFound, match="2564"):
        load_mapping(2564, 2565)


# --------------------------------------------------------------------------- 2566 owners


def test_every_2566_item_has_an_owner(fw: Framework, org: Organisation) -> None:
    assert sorted(org.assignments[2566]) == [i.code for i in fw.items()]
    for item in fw.items():
        assert org.owners(item.code, 2566), item.code


def test_2566_owners_follow_the_mapping(mapping: YearMapping, org: Organisation) -> None:
    derived = derived_assignments(mapping, org)
    filed = org.assignments[2566]
    assert {c: filed[c] for c in derived} == derived
    new = {link.new for link in mapping.of_kind(LinkKind.NEW)}
    assert set(filed) - set(derived) == new
    assert derived["o11"] == ["strategy", "finance"]  # merged: both owners
    assert derived["o30"] == ["all"]


# --------------------------------------------------------------------------- scoring a 2566 year


def filled(division: str, fill: Callable[[str], str]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(division, year=2566)))
    ws = wb[OIT_SHEET]
    top, cols = header_row(ws)
    for row in range(top + 1, ws.max_row + 1):
        item = ws.cell(row, cols[HEADERS["item"]]).value
        if item:
            ws.cell(row, cols[HEADERS["status"]]).value = fill(item)
            ws.cell(row, cols[HEADERS["url"]]).value = f"https://pao.example/2566/{item}"
            ws.cell(row, cols[HEADERS["updated"]]).value = "15/03/2566"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def workbooks_2566(tmp_path_factory: pytest.TempPathFactory, org: Organisation) -> Path:
    """Every division's 2566 workbook: all done except o43 (10.2) and o01 (9.1)."""
    folder = tmp_path_factory.mktemp("y2566")
    for div in org.reporting_divisions():
        if org.items_of(div.id, 2566):
            data = filled(div.id, lambda c: "ยังไม่ดำเนินการ" if c in ("o01", "o43") else "เสร็จแล้ว")
            (folder / f"{div.id}.xlsx").write_bytes(data)
    return folder


def test_a_2566_workbook_is_scored_against_the_2566_framework(workbooks_2566: Path) -> None:
    dataset = load_dataset([workbooks_2566], year=2566)
    assert all(r.ok for r in dataset.reports), [
        (r.path, [i.code for i in r.issues]) for r in dataset.reports if not r.ok
    ]
    readiness = compute_readiness(dataset)
    assert readiness.year == 2566 and readiness.done == 41
    est = scoring.estimate(readiness, None, iit=90, eit=90)
    assert est.framework.year == 2566
    out = est.to_json()
    # 9.1 has 10 items in 2566: 90; indicator 9 = (90 + 400) / 5 = 98; 10.2: 50 → indicator 10 = 75
    assert out["oit"]["9.1"] == 90.0 and out["oit"]["9"] == 98.0
    assert out["oit"]["10.2"] == 50.0 and out["oit"]["10"] == 75.0
    assert out["total"] == round(0.3 * 90 + 0.3 * 90 + 0.2 * 98 + 0.2 * 75, 2)
    assert any("2566" in line and "ชั่วคราว" in line for line in est.assumptions("th"))


def test_cli_scores_a_2566_folder(workbooks_2566: Path) -> None:
    proc = run_cli(
        "score", workbooks_2566, "--year", "2566", "--iit", "90", "--eit", "90", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["oit"]["10"] == 75.0
