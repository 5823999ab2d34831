"""The last pages that spoke of divisions to an agency that reports as a whole (no divisions, one
reporter: ทั้งหน่วยงาน): Data-in asks for no sender division and offers its own blank workbook,
the change table (Data-in's card, History's rollback preview) shows one status and one count,
History and OIT have no division filter, column or map, and the Excel hand-out has no empty
division sheet. The bundled demo (with divisions) keeps exactly today's words. On every agency's
overview the "waiting on" cell marks an owner "not started" only where the item's status does
not already say so."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from google.protobuf import text_format

from ita_model.auth import Actor, Role
from ita_model.handouts import Handout, build_handout, export, load_handout
from ita_model.i18n import t
from ita_model.organisation import whole_agency
from ita_model.records import status_label
from ita_model.store import open_store
from ita_model.validate import validate_file
from tests import test_changes_whole_agency, test_whole_agency, test_whole_agency_words
from tests.conftest import ROOT, SAMPLE, app_test, html_tables
from tests.test_app import XLSX, filled_workbook, open_app
from tests.test_changes_whole_agency import OWN_FILE, data_in_with_own_file
from tests.test_whole_agency import csv_bytes

province = test_whole_agency.province  # the fixture: agencies fed by a multi-agency sheet
whole = test_whole_agency_words.whole  # the fixture: the hand-out of an agency with no divisions
# the fixture: agency 5601 (no set-up, fed by the province's sheet: o01, o02 done, o04 in
# progress) and an administrator of it, adm5601
registered = test_changes_whole_agency.registered
DIVISION_WORD = {"th": "ส่วนราชการ", "en": "division"}
ADMIN = Actor("adm5601", Role.ADMIN, "local", agency="5601")


def _nodes(node: Any) -> Any:
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _nodes(child)


def visible_text(page: Any) -> str:
    """Every word a run shows: the elements' texts, labels, options and help, and each table's
    shown columns (their headings and cells, never a column it hides)."""
    out = []
    for node in _nodes(page._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if getattr(node, "type", "") == "dataframe":
            config = json.loads(proto.columns or "{}")
            frame = node.value
            order = list(proto.column_order) or [str(c) for c in frame.columns]
            out += [config.get(c, {}).get("label", c) for c in order]
            out += [str(v) for c in order if c in frame for v in frame[c]]
        else:
            out.append(text_format.MessageToString(proto, as_utf8=True))
    return "\n".join(out)


def table_of(page: Any, column: str) -> Any:
    """The one data grid that has ``column``."""
    [found] = [d for d in page.dataframe if column in d.value.columns]
    return found


def shown_columns(grid: Any) -> list[str]:
    config = json.loads(grid.proto.columns)
    return [config[c]["label"] for c in grid.proto.column_order]


def keys_of(widgets: Any) -> set[str]:
    return {w.key for w in widgets}


# --------------------------------------------------------------------------- Data-in


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_whole_agencys_data_in_asks_for_no_division(registered: Path, lang: str) -> None:
    page = data_in_with_own_file(lang)
    shown = visible_text(page)
    assert DIVISION_WORD[lang] not in shown.casefold()
    # no division to send for, nor a template to pick: each says it is the agency's own
    assert "sender_division" not in keys_of(page.selectbox)
    assert "template_division" not in keys_of(page.selectbox)
    captions = [c.value for c in page.caption]
    assert t("whole_agency.sender", lang) in captions
    assert t("whole_agency.template", lang) in captions
    assert next(s.value for s in page.subheader) == t("whole_agency.drop", lang)
    name = t("whole_agency.name", lang)
    assert any(m.value.endswith(f" · {name}") for m in page.markdown if "own.csv" in m.value)
    # the change table: the agency's own status is the item's, one column and one count
    grid = table_of(page, "move")
    assert list(grid.proto.column_order) == ["item", "name", "move"]
    assert shown_columns(grid) == [t(k, lang) for k in ("col.item", "col.name")] + [
        t("whole_agency.status", lang)
    ]
    assert t("data_in.done_moves", lang, before=2, after=1) in captions
    assert f"**{t('whole_agency.current', lang)}**" in [m.value for m in page.markdown]


def test_the_demos_data_in_keeps_its_words(data_dir: Path) -> None:
    def fill(row: int, item: str) -> tuple[str, str | None]:
        return "อยู่ระหว่างดำเนินการ", None  # every item of the division falls back

    page = open_app("app_pages/data_in.py", lang="th")
    assert [s.label for s in page.selectbox if s.key == "sender_division"] == ["ส่วนราชการผู้ส่ง"]
    page.file_uploader(key="uploads").set_value([("finance.xlsx", filled_workbook("finance", fill),
                                                  XLSX)])  # fmt: skip
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert next(s.value for s in page.subheader) == "ส่งไฟล์ของส่วนราชการ"
    grid = table_of(page, "move")
    assert list(grid.proto.column_order)[-2:] == ["move", "overall"]
    assert shown_columns(grid)[-2:] == ["สถานะของส่วนราชการ", "สถานะรวมของข้อ"]
    assert any(c.value.startswith("ข้อที่ส่วนราชการนี้ดำเนินการแล้ว: ") for c in page.caption)
    assert [s.label for s in page.selectbox if s.key == "template_division"] == ["สำหรับ"]
    assert "**ข้อมูลปัจจุบันรวมทุกส่วนราชการ**" in [m.value for m in page.markdown]


# --------------------------------------------------------------------------- History


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_whole_agencys_history_and_rollback_name_no_division(registered: Path, lang: str) -> None:
    s = open_store(registered)
    bound = s.for_agency("5601", user="adm5601")
    data = csv_bytes(OWN_FILE)
    report = validate_file(data, "own.csv", year=2565, organisation=whole_agency("อบจ.พะเยา"))
    bound.submit(
        data, "own.csv", user="adm5601", year=2565, division=None, report=report, accept=True
    )
    # the province's sheet is superseded: making it current again would move o02 and o04
    [sheet] = [x.id for x in bound.submissions(year=2565) if x.filename != "own.csv"]
    s.close()
    page = app_test(ROOT / "dashboard.py", lang=lang, actor=ADMIN)
    page.session_state["history_picked"] = sheet  # the one History shows in full
    page.run()
    page.switch_page("app_pages/history.py").run()
    assert not page.exception, [e.value for e in page.exception]
    assert "history_division" not in keys_of(page.selectbox)
    [submissions] = html_tables(page)
    assert t("col.division", lang) not in submissions.columns
    grid = table_of(page, "move")
    assert list(grid.proto.column_order) == ["item", "name", "move"]
    assert t("data_in.done_moves", lang, before=1, after=2) in [c.value for c in page.caption]
    assert DIVISION_WORD[lang] not in visible_text(page).casefold()


# --------------------------------------------------------------------------- OIT


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_whole_agencys_oit_has_no_division_filter_nor_map(registered: Path, lang: str) -> None:
    page = app_test(ROOT / "dashboard.py", lang=lang, actor=ADMIN).run()
    page.switch_page("app_pages/oit.py").run()
    assert not page.exception, [e.value for e in page.exception]
    assert "oit_division" not in keys_of(page.multiselect)
    assert not page.tabs  # the list only
    shown = visible_text(page)
    assert t("whole_agency.owners", lang) in shown and t("oit.owners", lang) not in shown
    assert t("oit.tab_map", lang) not in shown


# --------------------------------------------------------------------------- overview


def waiting_cells(page: Any) -> list[tuple[str, str]]:
    """(status, waiting on) of each missing item the overview lists."""
    [table] = html_tables(page)
    return list(zip(table.iloc[:, 3], table.iloc[:, 4], strict=True))


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_demos_waiting_on_cell_still_points_out_who_has_not_started(
    data_dir: Path, lang: str
) -> None:
    page = open_app(lang=lang)  # the demo's overview: items some owner has started
    assert not page.exception, [e.value for e in page.exception]
    mark = f"{status_label('not_started', lang)})"
    started = [who for status, who in waiting_cells(page) if "◐" in status]
    assert started and any(mark in who for who in started)


def test_a_whole_agencys_waiting_on_cell_is_just_its_name(registered: Path) -> None:
    page = app_test(ROOT / "dashboard.py", lang="th", actor=ADMIN).run()
    page.switch_page("app_pages/overview.py").run()
    assert not page.exception, [e.value for e in page.exception]
    cells = waiting_cells(page)
    assert {status[0] for status, _ in cells} == {"✗", "◐"}  # 40 not started, o04 in progress
    # its name alone: the status beside it already says "not started"
    assert {who for _, who in cells} == {t("whole_agency.name", "th")}
    assert t("overview.by_division", "th") not in [s.value for s in page.subheader]


# --------------------------------------------------------------------------- the Excel hand-out


def sheets(data: bytes) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_whole_agencys_workbook_has_no_division_sheet(whole: Handout, lang: str) -> None:
    handout = build_handout(
        whole.dataset, organisation=whole.organisation, as_of=whole.as_of, lang=lang
    )
    book = sheets(export(handout, "xlsx"))
    names = [t(f"handout.sheet.{k}", lang) for k in ("summary", "items", "missing")]
    assert list(book) == [*names[:2], t("whole_agency.sheet_reported", lang), names[2]]
    reported = book[t("whole_agency.sheet_reported", lang)]
    assert reported[0][:3] == [t("handout.col.item", lang), t("handout.col.name", lang),
                               t("handout.col.status", lang)]  # fmt: skip
    assert len(reported) == 44  # every item once, as the agency reported it
    assert [r[0] for r in reported[1:3]] == ["o01", "o02"] and reported[1][
        3
    ] == "https://pyo.go.th/o01"
    assert DIVISION_WORD[lang] not in " ".join(str(c) for c in reported[0]).casefold()
    assert {c.key for c in handout.charts()}.isdisjoint({"divisions", "heatmap"})


def test_the_demos_workbook_keeps_its_division_sheets() -> None:
    handout = load_handout([SAMPLE], as_of=date(2022, 3, 27))
    book = sheets(export(handout, "xlsx"))
    assert list(book)[2:4] == ["รายข้อตามส่วนราชการ", "ส่วนราชการ"]
    assert book["รายข้อตามส่วนราชการ"][0][2:4] == ["ส่วนราชการ", "สถานะของส่วนราชการ"]
    assert len(book["ส่วนราชการ"]) > 1
    assert {"divisions", "heatmap"} <= {c.key for c in handout.charts()}
