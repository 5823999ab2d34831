"""Data in's "what accepting this file would change" for rows that name no division: the agency
speaking as a whole. They count as readiness counts them (``readiness.as_reporters``): for each
owner of an item with owners, for the agency as a whole (ทั้งหน่วยงาน) for an item nobody owns.
Before, such rows were left out, and the card said nothing would change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ita_model.auth import Actor, Role
from ita_model.changes import what_would_change
from ita_model.framework import load_framework
from ita_model.i18n import t
from ita_model.organisation import WHOLE_AGENCY, Organisation, load_organisation, whole_agency
from ita_model.readiness import Dataset, compute_readiness, load_dataset
from ita_model.store import open_store
from ita_model.validate import FileReport, validate_file
from tests import test_whole_agency
from tests.conftest import ROOT, SAMPLE, app_test
from tests.test_app import texts
from tests.test_whole_agency import DONE, WORKING, csv_bytes

YEAR = 2565
NOBODYS = "o43"
OWN_FILE = [["ข้อ", "สถานะ", "ลิงก์"], ["o01", DONE, "https://pyo.go.th/o01"], ["o02", WORKING, ""]]


def as_whole(rows: list[list[str]]) -> FileReport:
    """A file whose rows name no division (the agency speaking as a whole)."""
    report = validate_file(csv_bytes(rows), "own.csv", year=YEAR, organisation=whole_agency("x"))
    assert report.ok and report.frame("oit")["division"].isna().all()
    return report


def pairs(items: object) -> dict[tuple[str, str], tuple[str, str]]:
    return {
        (r.item, r.division): (r.before, r.after)
        for r in items.itertuples(index=False)  # type: ignore[attr-defined]
    }


def test_an_agency_with_no_divisions_sees_its_own_rows_change() -> None:
    org = whole_agency("อบจ.พะเยา")
    changes = what_would_change(Dataset(YEAR, []), as_whole(OWN_FILE), organisation=org)
    assert changes.divisions == [WHOLE_AGENCY] and changes.as_whole
    assert pairs(changes.items) == {
        ("o01", WHOLE_AGENCY): ("not_started", "done"),
        ("o02", WHOLE_AGENCY): ("not_started", "in_progress"),
    }
    assert (changes.done_before, changes.done_after) == (0, 1)
    assert (changes.division_done_before, changes.division_done_after) == (0, 1)


def demo_without(item: str) -> Organisation:
    """The demo's divisions and owners, but ``item`` nobody's."""
    demo = load_organisation()
    data = demo.model_dump()
    data["assignments"] = {
        year: {code: owners for code, owners in table.items() if code != item}
        for year, table in data["assignments"].items()
    }
    org = Organisation.model_validate(data)
    assert not org.owners(item, YEAR)
    return org


def test_a_whole_agency_row_speaks_for_each_owner_or_for_the_agency() -> None:
    org = demo_without(NOBODYS)
    fw = load_framework(YEAR)
    shared = next(i.code for i in fw.items() if len(org.owners(i.code, YEAR)) >= 2)
    owners = [d.id for d in org.owners(shared, YEAR)]
    dataset = load_dataset([SAMPLE], year=YEAR, organisation=org)
    before = compute_readiness(dataset, fw, org)
    sheet = [["ข้อ", "สถานะ", "ลิงก์"], [shared, DONE, "https://x.go.th/a"],
             [NOBODYS, DONE, "https://x.go.th/b"]]  # fmt: skip
    changes = what_would_change(dataset, as_whole(sheet), before=before, organisation=org)
    assert set(changes.divisions) == {*owners, WHOLE_AGENCY}
    moved = pairs(changes.items)
    assert (NOBODYS, WHOLE_AGENCY) in moved and moved[(NOBODYS, WHOLE_AGENCY)][1] == "done"
    for owner in owners:
        assert moved.get((shared, owner), (None, "done"))[1] == "done"
    # the file speaks for its item's owners wholesale: an item of theirs it leaves out falls back
    left_out = {
        (r.item, d)
        for r in before.items.itertuples(index=False)
        for d in owners
        if r.item != shared and r.owner_status.get(d) == "done"
    }
    assert left_out and all(moved[p][1] == "not_started" for p in left_out)


# --------------------------------------------------------------------------- the page


province = test_whole_agency.province  # the fixture: agencies fed by a multi-agency sheet


@pytest.fixture
def registered(province: Path) -> Path:
    """Agency 5601 (no set-up: o01, o02 done and o04 in progress from the province's sheet),
    and an administrator of it."""
    s = open_store(province)
    s.accounts.add("adm5601", "admin", "pw-12345678", user="root", agency="5601", rounds=4)
    s.close()
    return province


def data_in_with_own_file(lang: str) -> Any:
    """Agency 5601's Data-in, its administrator signed in, its own file (``OWN_FILE``) dropped."""
    who = Actor("adm5601", Role.ADMIN, "local", agency="5601")
    page = app_test(ROOT / "dashboard.py", lang=lang, actor=who).run()
    page.switch_page("app_pages/data_in.py").run()
    page.file_uploader(key="uploads").set_value(("own.csv", csv_bytes(OWN_FILE), "text/csv"))
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    return page


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_data_in_card_shows_the_agencys_own_rows(registered: Path, lang: str) -> None:
    page = data_in_with_own_file(lang)
    shown = texts(page)
    assert t("data_in.no_change", lang) not in shown
    name = t("whole_agency.name", lang)
    # every row is the agency's own: no line on whom rows with no division count for
    assert t("whole_agency.counts_for", lang, names=name) not in shown
    [table] = [d.value for d in page.dataframe if "move" in d.value.columns]
    assert list(table["item"]) == ["o02", "o04"]  # o02 no longer done; o04 left out
    assert set(table["div"]) == {name}
    assert t("data_in.done_moves", lang, before=2, after=1) in shown
    undone = t("data_in.undoes_done", lang, n=1, items="o02")
    assert undone in [w.value for w in page.warning]
