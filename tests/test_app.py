"""Layer 2: the dashboard through streamlit.testing.v1.AppTest, on the bundled sample data.

Every page opens without an exception; a good workbook, once accepted, moves the overview's
figures; a bad one shows its errors at the right Excel row; the language switch flips labels;
with no data every page says so kindly; a store that cannot be written gives a message.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from ita_model.framework import load_framework
from ita_model.i18n import t
from ita_model.organisation import load_organisation
from ita_model.readiness import Dataset, compute_readiness, load_dataset
from ita_model.template import HEADERS, OIT_SHEET, header_row, template_bytes
from tests.conftest import app_test, figures_shown

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard.py"
SAMPLE = ROOT / "data" / "sample"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PAGES = {
    "app_pages/overview.py": "overview.title",
    "app_pages/oit.py": "oit.title",
    "app_pages/divisions.py": "divisions.title",
    "app_pages/timeline.py": "timeline.title",
    "app_pages/measures.py": "measures.title",
    "app_pages/data_in.py": "data_in.title",
}


def open_app(page: str | None = None, *, lang: str | None = None) -> AppTest:
    at = app_test(APP, lang=lang).run()
    if page:
        at.switch_page(page).run()
    return at


def metric(at: AppTest, label: str) -> str:
    shown = figures_shown(at)
    assert label in shown, f"no figure {label!r} among {list(shown)}"
    return shown[label]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def filled_workbook(division: str, fill: Callable[[int, str], tuple[str, str | None]]) -> bytes:
    """The division's own template, with (status, url) from ``fill(excel_row, item)``."""
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(division, year=2565)))
    ws = wb[OIT_SHEET]
    top, cols = header_row(ws)
    for row in range(top + 1, ws.max_row + 1):
        item = ws.cell(row, cols[HEADERS["item"]]).value
        if not item:
            continue
        status, url = fill(row, item)
        ws.cell(row, cols[HEADERS["status"]]).value = status
        ws.cell(row, cols[HEADERS["url"]]).value = url
        ws.cell(row, cols[HEADERS["updated"]]).value = "20/03/2565"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.usefixtures("data_dir")
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_opens_on_the_sample(page: str) -> None:
    at = open_app(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t(PAGES[page], "th")
    assert not at.error, [e.value for e in at.error]


@pytest.mark.usefixtures("data_dir")
def test_a_good_workbook_moves_the_overview_after_accept() -> None:
    org = load_organisation()
    before = compute_readiness(load_dataset([SAMPLE]))
    # A division that alone owns an item not done yet: its "all done" workbook must move the count.
    sole = before.items[[len(o) == 1 for o in before.items["owners"]]]
    todo = sole[sole["status"] != "done"]
    assert len(todo), "the sample has every single-owner item done"
    division = todo.iloc[0]["owners"][0]
    data = filled_workbook(
        division, lambda row, item: ("ดำเนินการแล้ว", f"https://pao.example/{item}")
    )

    at = open_app("app_pages/overview.py")
    label = t("overview.oit_done", "th")
    shown_before = metric(at, label)
    assert shown_before == f"{before.done} / {before.total}"

    at.switch_page("app_pages/data_in.py").run()
    at.file_uploader(key="uploads").set_value([(f"{division}.xlsx", data, XLSX)])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert org.division(division).name_th in texts(at)
    accept = [b for b in at.button if b.label == t("data_in.accept", "th")]
    assert len(accept) == 1
    accept[0].click().run()
    assert not at.exception
    assert t("data_in.accepted_now", "th") in [s.value for s in at.success]

    at.switch_page("app_pages/overview.py").run()
    after = metric(at, label)
    assert after != shown_before
    done_after = int(after.split("/")[0])
    assert done_after > before.done

    # the division's page names the workbook that now counts, and who sent it
    at.switch_page("app_pages/divisions.py").run()
    at.selectbox(key="division_pick").set_value(division).run()
    assert not at.exception
    assert f"{division}.xlsx" in texts(at) and t("auth.local_user", "th") in texts(at)
    assert "local" not in texts(at).replace("localhost", "")  # the store's word for it


@pytest.mark.usefixtures("data_dir")
def test_a_bad_workbook_shows_its_errors_at_the_excel_row() -> None:
    rows: list[int] = []

    def fill(row: int, item: str) -> tuple[str, str | None]:
        if not rows:
            rows.append(row)
            return "เสร็จไม่เสร็จ", None  # not a status word
        return "ยังไม่ดำเนินการ", None

    data = filled_workbook("legal", fill)
    at = open_app("app_pages/data_in.py")
    at.file_uploader(key="uploads").set_value(("legal-bad.xlsx", data, XLSX))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [df.value for df in at.dataframe]
    reports = [tbl for tbl in tables if "code" in tbl.columns and "row" in tbl.columns]
    assert reports, "no validation report table"
    report = reports[0]
    bad = report[report["code"] == "unknown_status"]
    assert [int(r) for r in bad["row"]] == rows
    assert bad.iloc[0]["severity"] == "error"
    assert "เสร็จไม่เสร็จ" in bad.iloc[0]["message"]
    assert "unknown status" in bad.iloc[0]["other"].lower()  # the English beside it
    # a file with errors is kept but is not accepted unless the legal unit says so
    accept = [b for b in at.button if b.label == t("data_in.accept", "th")]
    assert accept and accept[0].disabled


@pytest.mark.usefixtures("data_dir")
def test_the_language_switch_flips_labels() -> None:
    at = open_app("app_pages/overview.py")
    assert at.title[0].value == t("overview.title", "th")
    assert t("overview.oit_done", "th") in figures_shown(at)
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == t("overview.title", "en")
    assert t("overview.oit_done", "en") in figures_shown(at)
    at.switch_page("app_pages/measures.py").run()
    assert at.title[0].value == t("measures.title", "en")


def test_thai_digits_in_dates_on_request() -> None:
    at = open_app("app_pages/overview.py")
    assert "2565" in texts(at) and "๒๕๖๕" not in texts(at)
    at.toggle(key="thai_digits").set_value(True).run()
    assert not at.exception
    assert "๒๕๖๕" in texts(at)


@pytest.mark.parametrize("page", list(PAGES))
def test_no_data_shows_a_friendly_empty_state(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    monkeypatch.setenv("ITA_DATA_DIR", str(tmp_path))
    at = open_app(page)
    assert not at.exception, [e.value for e in at.exception]
    if page == "app_pages/data_in.py":
        assert t("data_in.no_data_yet", "th") in [i.value for i in at.info]
    else:
        assert any(t("empty.title", "th") in m.value for m in at.markdown)


@pytest.mark.usefixtures("data_dir")
def test_a_store_that_cannot_be_written_gives_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store folder should be")
    monkeypatch.setenv("ITA_STORE_DIR", str(blocker))
    at = open_app("app_pages/data_in.py")
    assert not at.exception, [e.value for e in at.exception]
    # one named error at the door, in Thai with the English beside it, naming the folder
    assert at.error and any(" — " in e.value and str(blocker) in e.value for e in at.error)


def test_no_domain_module_imports_streamlit() -> None:
    for path in (ROOT / "ita_model").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import streamlit" not in text and "from streamlit" not in text, path


def test_the_readiness_api_the_pages_use_is_there() -> None:
    ds = Dataset(2565, [])
    r = compute_readiness(ds)
    assert r.total == 43 and r.done == 0


def test_there_is_no_legacy_pages_folder() -> None:
    """A ``pages/`` folder next to dashboard.py makes Streamlit 1.67 run a page without the door
    (its legacy page discovery wins until some session calls st.navigation; AppTest resets it on
    every run). The pages live in ``app_pages/``."""
    assert not (ROOT / "pages").exists()


def test_files_in_the_inbox_are_picked_up(data_dir: Path) -> None:
    data = filled_workbook(
        "finance", lambda row, item: ("ดำเนินการแล้ว", f"https://x.example/{item}")
    )
    (data_dir / "inbox" / "กองคลัง.xlsx").write_bytes(data)
    at = open_app("app_pages/data_in.py")
    assert not at.exception, [e.value for e in at.exception]
    assert "กองคลัง.xlsx" in texts(at)
    assert t("data_in.from_inbox", "th") in texts(at)
    assert [b for b in at.button if b.label == t("data_in.accept", "th")]


@pytest.mark.usefixtures("data_dir")
def test_the_as_of_date_drives_the_days_left() -> None:
    at = open_app("app_pages/overview.py")
    label = t("overview.next_deadline", "th")
    # the sample opens on its report date, 27 มี.ค. 2565; the OIT answers are due 30 เม.ย. 2565
    assert metric(at, label) == t("overview.days_left", "th", n=34)
    at.selectbox(key="as_of_day_th").set_value(20).run()
    at.selectbox(key="as_of_month_th").set_value(4).run()
    assert not at.exception
    assert metric(at, label) == t("overview.days_left", "th", n=10)
    assert "20 เม.ย. 2565" in at.caption[0].value  # the page header's Buddhist-Era date


@pytest.mark.usefixtures("data_dir")
def test_the_oit_filters_narrow_the_list() -> None:
    at = open_app("app_pages/oit.py")
    assert t("oit.showing", "th", n=43, total=43) in [c.value for c in at.caption]
    division = at.multiselect(key="oit_division")
    assert division.value == [] and division.placeholder == t("oit.all", "th")
    org = load_organisation()
    legal, finance = org.items_of("legal", 2565), org.items_of("finance", 2565)
    division.set_value(["legal"]).run()
    assert t("oit.showing", "th", n=len(legal), total=43) in [c.value for c in at.caption]
    at.multiselect(key="oit_division").set_value(["legal", "finance"]).run()
    both = len(set(legal) | set(finance))
    assert t("oit.showing", "th", n=both, total=43) in [c.value for c in at.caption]
    at.multiselect(key="oit_division").set_value([])
    at.multiselect(key="oit_sub").set_value(["9.1", "9.2"]).run()
    subs = {s.code: s for ind in load_framework(2565).indicators for s in ind.subindicators}
    n = len(subs["9.1"].items()) + len(subs["9.2"].items())
    assert t("oit.showing", "th", n=n, total=43) in [c.value for c in at.caption]
    assert not at.exception


def oit_items(at: AppTest) -> dict[str, tuple[str, str]]:
    """The OIT list's items as a user reads them: code → (the line, what it opens to)."""
    from lxml import html as lxml_html

    out = {}
    for block in [h.value for h in at.get("html") if "ita-oit-list" in h.value]:
        doc = lxml_html.fromstring(f"<div>{block}</div>")
        for item in doc.xpath('//details[contains(@class, "ita-details")]'):
            [line] = item.xpath("./summary")
            [body] = item.xpath('./div[@class="ita-details-body"]')
            out[item.get("data-name")] = (line.text_content(), body.text_content())
    return out


@pytest.mark.usefixtures("data_dir")
@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_oit_list_shows_every_item_and_opens_to_whose_it_is(lang: str) -> None:
    from ita_model.records import status_label

    at = open_app("app_pages/oit.py", lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    shown = oit_items(at)
    ready = compute_readiness(load_dataset([SAMPLE]))
    assert list(shown) == list(ready.items["item"])  # all 43, in the framework's order
    org = load_organisation()
    names = {d.id: d.name_en if lang == "en" else d.name_th for d in org.divisions}
    for rec in ready.items.to_dict("records"):
        line, body = shown[rec["item"]]
        assert line.startswith(rec["item"]) and status_label(rec["status"], lang) in line
        assert all(names[d] in body for d in rec["owners"] if d in names)
        assert t("oit.components", lang) in body


@pytest.mark.usefixtures("data_dir")
def test_the_oit_list_follows_the_filters() -> None:
    at = open_app("app_pages/oit.py")
    at.multiselect(key="oit_division").set_value(["legal"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert sorted(oit_items(at)) == sorted(load_organisation().items_of("legal", 2565))
