"""Starting 2566 from 2565: division workbooks pre-filled with last year's links and owners."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ita_model.new_year import Written, build_new_year
from ita_model.organisation import load_organisation
from ita_model.readiness import load_dataset
from ita_model.template import HEADERS, OIT_SHEET, header_row
from ita_model.validate import validate_file
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Written]:
    return build_new_year(2565, 2566, tmp_path_factory.mktemp("y2566"), [SAMPLE])


@pytest.fixture(scope="module")
def last_year() -> dict[tuple[str, str], object]:
    current = load_dataset([SAMPLE], year=2565).oit_current()
    return {(r.division, r.item): r for r in current.itertuples(index=False)}


def rows_of(path: Path) -> dict[str, dict[str, object]]:
    ws = openpyxl.load_workbook(path)[OIT_SHEET]
    top, cols = header_row(ws)
    out = {}
    for r in range(top + 1, ws.max_row + 1):
        code = ws.cell(r, cols[HEADERS["item"]]).value
        if code:
            out[code] = {k: ws.cell(r, cols[h]).value for k, h in HEADERS.items() if h in cols}
    return out


def by_division(written: list[Written]) -> dict[str, Path]:
    return {w.division: w.path for w in written}


def test_one_workbook_per_division_with_2566_items(written: list[Written]) -> None:
    org = load_organisation()
    expected = [d.id for d in org.reporting_divisions() if org.items_of(d.id, 2566)]
    assert [w.division for w in written] == expected
    for w in written:
        assert w.path.name == f"oit_2566_{w.division}.xlsx"
        assert sorted(rows_of(w.path)) == org.items_of(w.division, 2566)
        assert w.rows == len(org.items_of(w.division, 2566))


def test_every_workbook_validates_against_2566_with_blank_statuses(written: list[Written]) -> None:
    for w in written:
        report = validate_file(w.path, year=2566)
        assert report.ok, [(i.row, i.code) for i in report.issues if i.severity == "error"]
        assert report.division == w.division
        assert {i.code for i in report.issues if i.severity == "warning"} == {"blank_status"}
        assert all(
            row["status"] is None and row["updated"] is None for row in rows_of(w.path).values()
        )


def test_same_items_carry_last_years_link_and_owner(written: list[Written], last_year) -> None:
    legal = rows_of(by_division(written)["legal"])
    before = last_year[("legal", "o29")]  # 2565 o29 → 2566 o27, the same item
    assert legal["o27"]["url"] == "\n".join(before.urls or [before.url])
    assert legal["o27"]["owner"] == before.owner
    assert legal["o27"]["note"].startswith("ต่อจากข้อ o29 ปี 2565")


def test_merged_items_take_each_owners_own_link(written: list[Written], last_year) -> None:
    paths = by_division(written)
    finance, strategy = rows_of(paths["finance"]), rows_of(paths["strategy"])
    # o11 (2566) = o10 (strategy's operating plan) + o18 (finance's spending plan)
    assert finance["o11"]["url"] == last_year[("finance", "o18")].url
    assert strategy["o11"]["url"] == last_year[("strategy", "o10")].url
    assert finance["o11"]["note"].startswith("รวมข้อ o10, o18 ของปี 2565")


def test_new_items_are_left_blank_and_say_so(written: list[Written]) -> None:
    legal = rows_of(by_division(written)["legal"])
    assert legal["o32"]["url"] is None and legal["o32"]["owner"] is None
    assert legal["o32"]["note"] == "ข้อใหม่ในปี 2566 (ไม่มีในปี 2565)"
    assert sum(w.prefilled for w in written) > 0.8 * sum(w.rows for w in written)


def test_cli_new_year(tmp_path: Path) -> None:
    proc = run_cli("new-year", "--from", "2565", "--to", "2566", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "oit_2566_legal.xlsx").is_file()
    assert "written 14 files" in proc.stdout


def test_cli_new_year_without_a_mapping(tmp_path: Path) -> None:
    proc = run_cli("new-year", "--from", "2564", "--to", "2565", "--out", str(tmp_path))
    assert proc.returncode == 2
    assert "ไม่มีตารางจับคู่ข้อ" in proc.stderr and "no OIT item mapping" in proc.stderr
    assert "Traceback" not in proc.stderr
