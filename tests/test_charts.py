"""The dashboard's own domain modules: charts, overview figures, what an upload would change,
the consolidated workbook, and the UI words. Pure functions, no Streamlit."""

from __future__ import annotations

import itertools
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ita_model import charts, overview
from ita_model.changes import what_would_change
from ita_model.consolidated import consolidated_workbook
from ita_model.i18n import LANGS, t, ui_text
from ita_model.organisation import load_organisation
from ita_model.readiness import Dataset, compute_readiness, load_dataset
from ita_model.validate import validate_file

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2022, 3, 27)  # the sample's report date


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return load_dataset([ROOT / "data" / "sample"])


@pytest.fixture(scope="module")
def ready(sample: Dataset):
    return compute_readiness(sample)


def grey(hex_color: str) -> float:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_status_colours_differ_in_grey_scale_done_darkest() -> None:
    greys = [grey(charts.STATUS_COLORS[s]) for s in charts.STATUS_ORDER]
    assert greys == sorted(greys), "done darkest … not applicable lightest"
    assert min(b - a for a, b in itertools.pairwise(greys)) >= 30
    assert charts.STATUS_PATTERNS["not_applicable"] and charts.STATUS_PATTERNS["in_progress"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_uses_the_thai_font_and_the_status_colours(sample, ready, lang) -> None:
    figs = [
        charts.subindicator_bars(ready.by_subindicator, lang),
        charts.division_bars(ready.by_division, {"legal": 2}, lang),
        charts.status_heatmap(ready.items, ready.by_division, lang),
        charts.timeline_figure(sample.latest("timeline"), sample.latest("measures"), AS_OF, lang),
    ]
    for fig in figs:
        assert "Noto Sans Thai" in fig.layout.font.family
        for trace in fig.data:
            if trace.type == "bar" and trace.name in {
                charts.status_name(s, lang) for s in charts.STATUS_ORDER
            }:
                status = next(
                    s for s in charts.STATUS_ORDER if charts.status_name(s, lang) == trace.name
                )
                assert trace.marker.color == charts.STATUS_COLORS[status]


def test_subindicators_are_in_framework_order(ready) -> None:
    fig = charts.subindicator_bars(ready.by_subindicator)
    codes = [label.split()[0] for label in fig.data[0].y]
    assert codes == ["9.1", "9.2", "9.3", "9.4", "9.5", "10.1", "10.2"]


def test_division_chart_marks_overdue_items(ready) -> None:
    fig = charts.division_bars(ready.by_division, {"legal": 3}, "th")
    notes = [a.text for a in fig.layout.annotations]
    assert any("เลยกำหนด 3" in n for n in notes)


def test_month_ticks_are_thai_with_buddhist_era_years() -> None:
    vals, texts = charts.month_ticks(date(2021, 10, 1), date(2022, 2, 15))
    assert vals[0] == date(2021, 10, 1) and len(vals) == 5
    assert texts[0] == "ต.ค.<br>2564"
    assert texts[3] == "ม.ค.<br>2565"
    assert texts[1] == "พ.ย."


def test_step_states() -> None:
    steps = pd.DataFrame(
        {
            "activity": ["past", "past but open", "now", "later", "meeting"],
            "start": [
                date(2022, 1, 1),
                date(2022, 1, 1),
                date(2022, 3, 1),
                date(2022, 5, 1),
                date(2022, 1, 26),
            ],
            "end": [
                date(2022, 2, 28),
                date(2022, 2, 28),
                date(2022, 4, 30),
                date(2022, 5, 31),
                None,
            ],
            "phase": ["general", "general", "OIT", "OIT", "general"],
            "status": [None, "in_progress", None, None, "done"],
        }
    )
    out = charts.step_states(steps, AS_OF)
    assert list(out["state"]) == ["done", "late", "current", "upcoming", "done"]
    assert list(out["is_event"]) == [False, False, False, False, True]


@pytest.mark.parametrize(
    ("text", "width"),
    [("สำนักปลัดองค์การบริหารส่วนจังหวัด", 12), ("ข้อมูลพื้นฐาน", 6), ("abc def ghi", 6)],
)
def test_short_never_leaves_a_dangling_thai_mark(text: str, width: int) -> None:
    out = charts._short(text, width)
    assert len(out) <= width and out.endswith("…")
    assert out[0] == text[0]
    kept = out[:-1].rstrip()
    assert text.startswith(kept)
    assert not re.match("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", text[len(kept) :])


def test_overview_figures_on_the_sample(sample, ready) -> None:
    states = overview.timeline_states(sample.latest("timeline"), AS_OF)
    due = overview.next_deadline(states, AS_OF)
    assert due is not None and due.due >= AS_OF and due.days_left == (due.due - AS_OF).days
    assert overview.oit_deadline(states) == date(2022, 4, 30)
    survey = overview.survey_progress(sample.latest("survey"), AS_OF)
    assert set(survey["tool"]) == {"IIT", "EIT"}
    assert (survey["respondents"] <= survey["target"]).all()
    missing = overview.missing_items(ready, load_organisation(), deadline=None, as_of=AS_OF)
    assert len(missing) == ready.total - ready.done - int(
        (ready.items["status"] == "not_applicable").sum()
    )
    ranks = missing["status"].map({"not_started": 0, "in_progress": 1}).tolist()
    assert ranks == sorted(ranks)
    assert all(missing["waiting_on"].map(len) > 0)


def test_nothing_is_overdue_before_the_deadline(ready) -> None:
    assert overview.overdue_by_division(ready, date(2022, 4, 30), AS_OF) == {}
    late = overview.overdue_by_division(ready, date(2022, 4, 30), date(2022, 5, 2))
    assert sum(late.values()) > 0


def test_what_would_change_and_the_consolidated_round_trip(sample, ready) -> None:
    data = consolidated_workbook(sample)
    report = validate_file(data, "current.xlsx", year=2565)
    assert report.ok and report.issues.errors == 0
    again = compute_readiness(Dataset(2565, [report]))
    assert (again.items["status"] == ready.items["status"]).all()
    # the consolidated state, dropped back in, changes nothing
    changes = what_would_change(sample, report, before=ready)
    assert changes.items.empty and changes.done_before == changes.done_after


def test_every_ui_word_used_exists_in_thai_and_english() -> None:
    words = ui_text()
    for key, entry in words.items():
        assert entry.get("th") and entry.get("en"), key
    used: set[str] = set()
    sources = [ROOT / "dashboard.py", *(ROOT / "app_pages").glob("*.py")]
    sources += [ROOT / "ita_model" / "charts.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\b(?:tr|t|both)\(\s*\"([a-z_]+\.[a-z_]+)\"", text))
    missing = sorted(k for k in used if k not in words)
    assert not missing, missing
    assert t("no.such_key") == "no.such_key"
