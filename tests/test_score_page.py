"""The estimated-score page (AppTest): it opens, shows the estimate, a what-if tick moves it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ita_model import scoring
from ita_model.framework import load_framework
from ita_model.readiness import compute_readiness, load_dataset
from tests.conftest import app_test, figures_shown

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "app_pages" / "score.py"
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def expected() -> scoring.Estimate:
    dataset = load_dataset([SAMPLE], year=2565)
    return scoring.estimate(compute_readiness(dataset), dataset.latest("scores"))


def open_page(lang: str | None = None) -> AppTest:
    return app_test(PAGE, lang=lang).run()


def metrics(at: AppTest, label: str) -> list[str]:
    """The figure under ``label`` as the page shows it (a card)."""
    shown = figures_shown(at)
    return [shown[label]] if label in shown else []


def assumptions(at: AppTest) -> str:
    """The text of "how it was computed" (a disclosure)."""
    return " ".join(h.value for h in at.get("html") if 'data-name="how"' in h.value)


@pytest.mark.usefixtures("data_dir")
def test_the_page_opens_and_shows_the_estimate(expected: scoring.Estimate) -> None:
    at = open_page()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert at.title[0].value == "คะแนนประมาณการ ITA"
    assert metrics(at, "คะแนนรวมประมาณการ") == [f"{expected.total:.2f}"]
    assert metrics(at, "ระดับ")[0] == expected.grade
    captions = "\n".join(c.value for c in at.caption)
    assert load_framework(2565).scoring_note_th in captions  # the weights are an estimate
    [choices] = at.pills
    assert len(choices.options) == len(scoring.lifts(expected))
    assert at.number_input(key="score_iit").value == round(expected.iit, 2)


@pytest.mark.usefixtures("data_dir")
def test_a_what_if_tick_moves_the_score(expected: scoring.Estimate) -> None:
    at = open_page()
    label = "คะแนนรวมถ้าทำข้อที่ติ๊กเสร็จ"
    before = float(metrics(at, label)[0])
    top = scoring.lifts(expected).iloc[0]
    at.pills(key="score_whatif").set_value([top["item"]]).run()
    assert not at.exception
    after = float(metrics(at, label)[0])
    assert after == pytest.approx(before + top["lift"], abs=0.011)
    # the headline stays the current estimate; the what-if is beside it
    assert metrics(at, "คะแนนรวมประมาณการ") == [f"{expected.total:.2f}"]


@pytest.mark.usefixtures("data_dir")
def test_entering_iit_moves_the_total(expected: scoring.Estimate) -> None:
    at = open_page()
    at.number_input(key="score_iit").set_value(100.0).run()
    assert not at.exception
    total = float(metrics(at, "คะแนนรวมประมาณการ")[0])
    assert total == pytest.approx(expected.total + 0.3 * (100 - expected.iit), abs=0.011)
    assert "ค่าที่กรอก" in assumptions(at)


@pytest.mark.usefixtures("data_dir")
def test_the_page_in_english() -> None:
    at = open_page("en")
    assert not at.exception
    assert at.title[0].value == "Estimated ITA score"
    assert metrics(at, "Estimated total")
