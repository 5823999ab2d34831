"""No hidden rows (issue 12 §3): the timeline lists every step, what is next first; the score
page's ranked list shows every item and the what-if boxes put the gain first; a table cut to a
height says how many of its rows show."""

from __future__ import annotations

from pathlib import Path

import pytest

from ita_model.i18n import t
from ita_model.readiness import load_dataset
from tests.conftest import app_test, html_tables

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def page(path: str, lang: str = "th"):
    at = app_test(ROOT / "dashboard.py", lang=lang).run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.usefixtures("data_dir")
def test_the_timeline_lists_every_step_next_first() -> None:
    at = page("app_pages/timeline.py")
    steps = load_dataset([SAMPLE]).latest("timeline")
    [table] = html_tables(at)
    assert len(table) == len(steps)
    status = list(table[t("col.status", "th")].str.replace("◆ ", ""))
    done = t("step.done", "th")
    first_done = status.index(done)
    assert first_done > 0 and all(s == done for s in status[first_done:])
    assert status[0] in (t("step.late", "th"), t("step.current", "th"), t("step.upcoming", "th"))


@pytest.mark.usefixtures("data_dir")
@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_score_page_shows_every_lift_and_the_gain_first(lang: str) -> None:
    at = page("app_pages/score.py", lang)
    [lifts] = html_tables(at)  # a static table: every row drawn
    rows = len(lifts)
    assert rows > 10  # the sample has more than ten items to lift: all of them are listed
    showing = t("common.showing_rows", lang, n=0, total=0).split("0")[0]
    assert not [c.value for c in at.caption if c.value.startswith(showing)]
    labels = at.pills(key="score_whatif").options  # every what-if choice, as shown
    assert len(labels) == rows
    assert all(x.startswith("+") for x in labels)
    assert [x.split(" · ")[1].split()[0] for x in labels] == list(lifts.iloc[:, 0])


@pytest.mark.parametrize("lang", ["th", "en"])
def test_long_names_wrap_in_charts_never_cut(lang: str) -> None:
    from datetime import date

    from ita_model import charts
    from ita_model.readiness import compute_readiness

    sample = load_dataset([SAMPLE])
    ready = compute_readiness(sample)
    name = "name_en" if lang == "en" else "name_th"
    steps = charts.step_states(sample.latest("timeline"), date(2022, 3, 27))
    figures = {
        "division": (charts.division_bars(ready.by_division, {}, lang), ready.by_division[name]),
        "timeline": (
            charts.timeline_figure(
                sample.latest("timeline"), sample.latest("measures"), date(2022, 3, 27), lang
            ),
            # the steps with a window have a row each (one-day events share the meetings row)
            [a for a, ev in zip(steps["activity"], steps["is_event"], strict=True) if not ev],
        ),
    }
    for kind, (fig, names) in figures.items():
        labels = set()
        for trace in fig.data:
            ys = trace.y if trace.y is not None else []
            if len(ys) == 2 and isinstance(ys[0], tuple | list):  # (lane, activity) axis
                ys = ys[1]
            labels.update(str(y).replace("<br>", "") for y in ys)
        shown = {x.replace("<b>", "").replace("</b>", "") for x in labels}
        if kind == "division":  # (the timeline's measure rows keep two lines at most)
            assert "…" not in " ".join(shown), kind
        for full in names:
            flat = " ".join(str(full).split())
            assert any(flat.replace(" ", "") == s.replace(" ", "") for s in shown), (kind, full)


def test_wrap_keeps_every_letter_and_thai_marks_with_their_letter() -> None:
    from ita_model.chart_labels import wrap as _wrap

    text = "กองกิจการสภาองค์การบริหารส่วนจังหวัด"
    lines = _wrap(text, 12).split("<br>")
    assert "".join(lines) == text and len(lines) == 3
    marks = {"\u0e31", *map(chr, range(0x0E34, 0x0E3B)), *map(chr, range(0x0E47, 0x0E4F))}
    assert not [line for line in lines if line[0] in marks]
    assert _wrap("Office of the Permanent Secretary", 20) == "Office of the<br>Permanent Secretary"
