"""No hidden rows (issue 12 §3): the timeline lists every step, what is next first; the score
page's ranked list shows every item and the what-if boxes put the gain first; a table cut to a
height says how many of its rows show."""

from __future__ import annotations

from pathlib import Path

import pytest

from ita_model.i18n import t
from ita_model.readiness import load_dataset
from tests.conftest import app_test

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
    [table] = [x.value for x in at.table]
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
    [lifts] = [d.value for d in at.dataframe if "item" in d.value and "lift" in d.value]
    rows = len(lifts)
    assert rows > 10  # the sample has more than ten items to lift: all of them are listed
    showing = t("common.showing_rows", lang, n=0, total=0).split("0")[0]
    assert not [c.value for c in at.caption if c.value.startswith(showing)]
    boxes = [c for c in at.checkbox if c.key and c.key.startswith("whatif_")]
    assert len(boxes) == rows
    assert all(c.label.startswith("+") for c in boxes)
