"""The hand-outs, read back the way a person's tools would read them.

PDF: poppler's pdftotext finds the agency and the Thai names of indicators 9 and 10, pdffonts
shows the Thai font embedded, pdftoppm renders the pages. PowerPoint: python-pptx opens the deck,
at least six slides, each with a title and a picture. Excel: openpyxl reopens it and a note typed
as ``=1+1`` is still the text ``=1+1``. PNG: one 1920×1080 picture per chart. The command line
writes each format; meeting mode steps through its slides (AppTest, no browser).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from pptx.oxml.ns import qn

from ita_model.framework import load_framework
from ita_model.handouts import FORMATS, Handout, export, file_name, load_handout
from ita_model.handouts.figures import scaled
from ita_model.handouts.images import chromium_path
from ita_model.i18n import t
from tests.conftest import ROOT, SAMPLE, app_test, run_cli

AGENCY = "องค์การบริหารส่วนจังหวัดพะเยา"
AS_OF = date(2022, 3, 27)  # the sample's report date: 27 มีนาคม 2565
URL = "https://www.pao-phayao.go.th/ita/o39"

needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is missing")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is missing (.ci/run installs it)"
)


@pytest.fixture(scope="module")
def handout() -> Handout:
    return load_handout([SAMPLE], as_of=AS_OF)


@pytest.fixture(scope="module")
def pdf(handout: Handout, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if chromium_path() is None:
        pytest.skip("Debian chromium is missing")
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(export(handout, "pdf"))
    return path


@pytest.fixture(scope="module")
def deck(handout: Handout) -> bytes:
    if chromium_path() is None:
        pytest.skip("Debian chromium is missing")
    return export(handout, "pptx")


# --------------------------------------------------------------------------- content


def test_the_charts_of_the_sample(handout: Handout):
    charts = handout.charts()
    assert [c.key for c in charts] == [
        "score",
        "year_on_year",
        "subindicators",
        "divisions",
        "heatmap",
        "timeline",
        "measures",
    ]
    assert all(c.title and c.figure.data for c in charts)
    assert handout.subtitle == f"{AGENCY} · ปีงบประมาณ พ.ศ. 2565 · ข้อมูล ณ วันที่ 27 มีนาคม 2565"
    assert file_name(handout, "pdf") == "ita-2565-25650327.pdf"
    assert file_name(handout, "png") == "ita-2565-25650327.zip"


def test_scaled_multiplies_every_font_and_keeps_the_original(handout: Handout):
    fig = handout.charts()[2].figure  # completion by sub-indicator: bars with counts inside
    big = scaled(fig, font_scale=2.0, width=1280, height=720)
    assert big.layout.font.size == 2 * fig.layout.font.size
    assert big.data[0].textfont.size == 2 * fig.data[0].textfont.size
    assert big.layout.yaxis.tickfont.size == 2 * fig.layout.yaxis.tickfont.size
    assert (big.layout.width, big.layout.height) == (1280, 720)
    assert fig.layout.width is None  # the dashboard's figure is untouched


# --------------------------------------------------------------------------- PDF


@needs_poppler
def test_pdf_text_holds_the_agency_and_indicators_9_and_10(pdf: Path):
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    fw = load_framework(2565)
    names = {ind.number: ind.name_th for ind in fw.indicators}
    assert names[9] == "การเปิดเผยข้อมูล" and names[10] == "การป้องกันการทุจริต"
    for needle in (AGENCY, names[9], names[10], "27 มีนาคม 2565", "ปีงบประมาณ พ.ศ. 2565"):
        assert needle in text, needle
    assert "\ufffd" not in text


@needs_poppler
def test_pdf_is_a4_with_the_thai_font_embedded(pdf: Path):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 3
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    thai = [line for line in fonts.stdout.splitlines() if "NotoSansThai" in line]
    assert thai, fonts.stdout
    assert all(" yes " in line for line in thai)  # embedded (subset), so no tofu elsewhere


@needs_poppler
def test_pdf_renders_to_png_pages(pdf: Path, tmp_path: Path):
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == 2
    with Image.open(pngs[0]) as im:
        w, h = im.size
        assert abs(h / w - 297 / 210) < 0.02  # A4 portrait
        assert im.convert("L").getextrema()[0] < 80  # not blank: there is dark ink


# --------------------------------------------------------------------------- PowerPoint


def _runs(shape: object) -> list[object]:
    """Every text run of a shape: a text box's, a table's cells', a chart's own fonts."""
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        return [r for p in shape.text_frame.paragraphs for r in p.runs]
    if getattr(shape, "has_table", False) and shape.has_table:
        cells = [c for row in shape.table.rows for c in row.cells]
        return [r for c in cells for p in c.text_frame.paragraphs for r in p.runs]
    return []


def test_deck_opens_with_the_score_and_the_missing_items_then_the_charts(
    deck: bytes, handout: Handout
):
    from pptx import Presentation
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    prs = Presentation(io.BytesIO(deck))
    slides = list(prs.slides)
    assert prs.slide_width * 9 == prs.slide_height * 16
    titles = [slide.shapes.title.text_frame.text for slide in slides]
    # 1: the headline score, as large editable text
    assert titles[0] == t("meeting.slide.score")
    text = " ".join(r.text for s in slides[0].shapes for r in _runs(s))
    assert f"{handout.estimate.total:.2f}" in text and handout.estimate.grade in text
    assert max(r.font.size.pt for s in slides[0].shapes for r in _runs(s)) >= 60
    # 2…: what is missing and whose, every row in native tables (no "… and n more")
    missing = [
        s
        for s, title in zip(slides, titles, strict=True)
        if title.startswith(t("meeting.slide.missing"))
    ]
    rows = []
    for slide in missing:
        tables = [sh for sh in slide.shapes if sh.has_table]
        assert len(tables) == 1
        rows += [row.cells[0].text for row in list(tables[0].table.rows)[1:]]
    assert rows == list(handout.missing["item"])
    assert not any("และอีก" in r.text for s in missing for sh in s.shapes for r in _runs(sh))
    # then one slide per chart: bars as native charts, the rest as 1920×1080 pictures
    charts = slides[1 + len(missing) :]
    assert titles[1 + len(missing) :] == [c.title for c in handout.charts()]
    kinds = {}
    for chart, slide in zip(handout.charts(), charts, strict=True):
        native = [sh for sh in slide.shapes if sh.has_chart]
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        kinds[chart.key] = "chart" if native else "picture"
        assert len(native) + len(pictures) == 1, chart.key
        for picture in pictures:
            with Image.open(io.BytesIO(picture.image.blob)) as im:
                assert im.size == (1920, 1080)
        for frame in native:
            assert frame.chart.chart_type == XL_CHART_TYPE.BAR_STACKED
            assert len(list(frame.chart.plots[0].categories)) == len(chart.figure.data[0].y)
    assert kinds["subindicators"] == kinds["divisions"] == kinds["measures"] == "chart"
    assert kinds["heatmap"] == kinds["timeline"] == "picture"
    assert len(set(titles)) == len(titles)
    # a Thai font, not Tahoma, for every script of every run
    for slide in slides:
        for shape in slide.shapes:
            for run in _runs(shape):
                assert run.font.name == "Noto Sans Thai", run.text
                cs = run.font._rPr.find(qn("a:cs"))
                assert cs is not None and cs.get("typeface") == "Noto Sans Thai"
    with zipfile.ZipFile(io.BytesIO(deck)) as zf:
        xml = [
            zf.read(n).decode("utf-8")
            for n in zf.namelist()
            if n.startswith("ppt/") and n.endswith(".xml") and ("slides/" in n or "charts/" in n)
        ]
    assert not any("Tahoma" in x for x in xml)
    assert all('typeface="Noto Sans Thai"' in x for x in xml if "<c:chartSpace" in x)


@needs_chromium
def test_one_warm_browser_draws_every_hand_out_and_a_picture_is_drawn_once(handout: Handout):
    """The browser started for the first hand-out serves the next ones (Chromium's start was
    most of the 7–8 s a hand-out took); the same chart at the same size is drawn once."""
    from ita_model.handouts import chromium

    export(handout, "png")
    browser = chromium.BROWSER._kaleido
    assert browser is not None
    figure = handout.charts()[0].figure
    first = chromium.render([figure], fmt="svg", width=640, height=360)
    calls = []
    real = chromium.BROWSER._figures

    async def counted(specs):
        calls.append(len(specs))
        return await real(specs)

    chromium.BROWSER._figures = counted
    try:
        again = chromium.render([figure, figure], fmt="svg", width=640, height=360)
        other = chromium.render([figure], fmt="svg", width=320, height=180)
    finally:
        del chromium.BROWSER._figures
    assert again == first * 2 and other[0] != first[0]
    assert calls == [1]  # only the new size was drawn
    export(handout, "pptx")
    assert chromium.BROWSER._kaleido is browser  # no second start


@needs_chromium
def test_a_tab_that_drew_other_charts_draws_the_same_picture_as_a_fresh_one(handout: Handout):
    """Tabs are reused without reloading plotly.js between figures: no state may leak."""
    from PIL import ImageChops

    from ita_model.handouts import chromium

    charts = handout.charts()
    opts = {"format": "png", "width": 800, "height": 450}
    browser = chromium.BROWSER
    for chart in (charts[2], charts[4]):  # stacked patterned bars; the heat map
        browser.shutdown()  # a fresh browser: its first figure in a fresh tab
        fresh = browser._run(browser._figures([(chart.figure, opts)]))[0]
        browser._run(browser._figures([(c.figure, opts) for c in charts]))
        reused = browser._run(browser._figures([(chart.figure, opts)]))[0]
        with Image.open(io.BytesIO(fresh)) as a, Image.open(io.BytesIO(reused)) as b:
            assert ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None


# --------------------------------------------------------------------------- Excel


def injected_workbook(path: Path) -> Path:
    """ฝ่ายนิติการ's OIT sheet whose notes look like formulas, typed as text (as users do)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OIT"
    ws.append(["ข้อ", "สถานะ", "ลิงก์", "หมายเหตุ"])
    notes = {"o39": "=1+1", "o40": "+SUM(A1:A2)", "o41": "@cmd", "o42": "-2+3"}
    for row, (item, note) in enumerate(notes.items(), start=2):
        ws.append([item, "ดำเนินการแล้ว", URL, None])
        cell = ws.cell(row=row, column=4)
        cell.value = note
        cell.data_type = "s"
    wb.save(path)
    return path


def test_excel_keeps_formula_looking_notes_as_text(tmp_path: Path):
    source = injected_workbook(tmp_path / "ฝ่ายนิติการ.xlsx")
    handout = load_handout([source], as_of=AS_OF)
    data = export(handout, "xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet = wb[t("handout.sheet.owners")]
    found = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for note in ("=1+1", "+SUM(A1:A2)", "@cmd", "-2+3"):
        assert note in found, note
        assert found[note].data_type == "s"
        assert found[note].quotePrefix
    formulas = [
        c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []


def test_excel_summary_has_every_item_and_division(handout: Handout):
    wb = openpyxl.load_workbook(io.BytesIO(export(handout, "xlsx")))
    assert wb.sheetnames == [
        t(f"handout.sheet.{s}")
        for s in ("summary", "items", "owners", "divisions", "missing", "measures", "timeline")
    ]
    items = wb[t("handout.sheet.items")]
    assert items.max_row == 1 + handout.readiness.total
    divisions = wb[t("handout.sheet.divisions")]
    assert divisions.max_row == 1 + len(handout.readiness.by_division)
    summary = [c.value for row in wb[t("handout.sheet.summary")].iter_rows() for c in row]
    assert AGENCY in summary and "การเปิดเผยข้อมูล" in summary


# --------------------------------------------------------------------------- PNG


@needs_chromium
def test_png_zip_has_every_chart_at_presentation_size(handout: Handout):
    with zipfile.ZipFile(io.BytesIO(export(handout, "png"))) as zf:
        names = zf.namelist()
        assert names == [f"{i:02d}-{c.key}.png" for i, c in enumerate(handout.charts(), start=1)]
        for name in names:
            with Image.open(io.BytesIO(zf.read(name))) as im:
                assert im.size == (1920, 1080)


# --------------------------------------------------------------------------- command line

MAGIC = {"pdf": b"%PDF-", "pptx": b"PK", "xlsx": b"PK", "png": b"PK"}


@needs_chromium
@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_report_writes_each_format(fmt: str, tmp_path: Path):
    out = tmp_path / f"x.{'zip' if fmt == 'png' else fmt}"
    proc = run_cli("report", "--format", fmt, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:5].startswith(MAGIC[fmt])
    assert "Traceback" not in proc.stderr


@needs_chromium
def test_cli_png_into_a_folder_in_english_on_a_chosen_date(tmp_path: Path):
    out = tmp_path / "charts"
    proc = run_cli(
        "report", SAMPLE, "--format", "png", "--out", out, "--lang", "en", "--as-of", "1/4/2565"
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir())[0] == "01-score.png"


def test_cli_report_refuses_a_date_it_cannot_read(tmp_path: Path):
    proc = run_cli("report", "--format", "xlsx", "--out", tmp_path / "x.xlsx", "--as-of", "soon")
    assert proc.returncode == 2
    assert "cannot read the date" in proc.stderr
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- meeting mode


APP = ROOT / "dashboard.py"
registered = pytest.mark.skipif(
    "app_pages/meeting.py" not in APP.read_text(encoding="utf-8"),
    reason="dashboard.py does not list app_pages/meeting.py yet",
)


@registered
@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.usefixtures("data_dir")
def test_meeting_mode_steps_through_six_slides(lang: str):
    at = app_test(APP, lang=lang).run()
    at.switch_page("app_pages/meeting.py").run()
    seen = []
    for n in range(1, 7):
        assert not at.exception, at.exception
        html = "".join(h.proto.body for h in at.get("html"))
        assert f"{n} / 6" in html
        seen.append(next(k for k in t_slides(lang) if t_slides(lang)[k] in html))
        at.button(key="meeting_next").click().run()
    assert seen == ["score", "subindicators", "divisions", "missing", "timeline", "measures"]
    assert "1 / 6" in "".join(h.proto.body for h in at.get("html"))  # round again


def t_slides(lang: str) -> dict[str, str]:
    keys = ("score", "subindicators", "divisions", "missing", "timeline", "measures")
    return {k: t(f"meeting.slide.{k}", lang) for k in keys}
