"""The set-up's steps as functions: divisions from the editor, the owners grid both ways,
last year's owners carried over (by the mapping where one ships), a copied framework, the zip."""

from __future__ import annotations

import io
import zipfile

from ita_model.framework import load_framework
from ita_model.mapping import load_mapping
from ita_model.organisation import ALL, SERVES_PUBLIC, Division, load_organisation
from ita_model.setup_steps import (
    assignments_from_grid,
    copy_framework,
    divisions_from_rows,
    owners_grid,
    prefill,
    templates_zip,
)

DIVS = [
    Division(id="finance", name_th="กองคลัง", name_en="Finance"),
    Division(id="it", name_th="ฝ่ายสารสนเทศ", name_en="IT", serves_public=True),
]


def test_divisions_keep_their_ids_when_renamed_in_english() -> None:
    rows = [
        {"name_th": "กองคลัง", "name_en": "Treasury", "aliases": "คลัง; การคลัง", "serves_public": 0},
        {"name_th": " ฝ่าย  สารสนเทศ ", "name_en": "", "aliases": None, "serves_public": True},
        {"name_th": "", "name_en": "blank row", "aliases": "", "serves_public": False},
        {"name_th": "กองช่าง", "name_en": "Engineering", "aliases": "", "serves_public": True},
    ]
    got = divisions_from_rows(rows, DIVS)
    assert [d.id for d in got] == ["finance", "div", "engineering"]
    assert got[0].aliases == ["คลัง", "การคลัง"] and got[0].name_en == "Treasury"
    assert got[1].name_th == "ฝ่าย สารสนเทศ" and got[1].serves_public


def test_the_grid_both_ways() -> None:
    fw = load_framework(2565)
    table = {"o01": ["finance"], "o02": [ALL], "o03": [SERVES_PUBLIC, "finance"]}
    rows = owners_grid(fw, DIVS, table)
    assert len(rows) == 43 and rows[0]["finance"] and not rows[0]["it"]
    rows[3]["it"] = True  # o04 ticked for IT
    rows[1]["finance"] = True  # redundant under "all"
    back = assignments_from_grid(rows, DIVS)
    assert back == {
        "o01": ["finance"],
        "o02": [ALL],
        "o03": [SERVES_PUBLIC, "finance"],
        "o04": ["it"],
    }


def test_last_year_carried_over_by_the_mapping() -> None:
    org = load_organisation()
    fw = load_framework(2566)
    found, year = prefill(fw, {2565: org.assignments[2565]}, list(org.divisions))
    assert year == 2565
    mapping = load_mapping(2565, 2566)
    for link in mapping.links:
        if link.new and len(link.old) == 1 and org.assignments[2565].get(link.old[0]):
            assert found[link.new] == org.assignments[2565][link.old[0]]
    saved, year = prefill(fw, {2566: {"o01": ["legal"]}}, list(org.divisions))
    assert (saved, year) == ({"o01": ["legal"]}, 2566)
    assert prefill(fw, {}, DIVS) == ({}, None)


def test_a_copied_framework_takes_the_new_year_rules() -> None:
    fw = copy_framework(load_framework(2566), 2570)
    assert fw.year == 2570 and fw.provisional and fw.rating_kind == "level"
    assert [i.code for i in fw.items()] == [i.code for i in load_framework(2566).items()]
    assert "2566 นี้" not in fw.scoring_note_th


def test_templates_zip_has_every_reporting_division() -> None:
    org = load_organisation()
    zf = zipfile.ZipFile(io.BytesIO(templates_zip(org, 2565)))
    assert sorted(zf.namelist()) == sorted(
        f"oit_2565_{d.id}.xlsx" for d in org.reporting_divisions()
    )


def test_the_type_s_usual_owners_matched_by_name() -> None:
    from ita_model.agency import agency_types

    usual = agency_types()["local_government"].usual_organisation()
    assert usual is not None and agency_types()["hospital"].usual_organisation() is None
    ours = [
        Division(id="finance", name_th="กองคลัง", name_en="Finance"),
        Division(id="legal", name_th="งานนิติการ", name_en="Legal", aliases=["ฝ่ายนิติการ"]),
    ]
    fw = load_framework(2565)
    found, year = prefill(fw, {}, ours, usual)
    assert year == 0 and found
    theirs = usual.assignments[2565]
    for code, owners in found.items():
        assert set(owners) <= {"finance", "legal", ALL, SERVES_PUBLIC}
        names = {usual.division(o).name_th for o in theirs[code] if o not in (ALL, SERVES_PUBLIC)}
        if "finance" in owners:
            assert "กองคลัง" in names
        if "legal" in owners:
            assert "ฝ่ายนิติการ" in names
    assert any("legal" in o for o in found.values()) and any("finance" in o for o in found.values())
    assert prefill(load_framework(2566), {}, ours, None) == ({}, None)
