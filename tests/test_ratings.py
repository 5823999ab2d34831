"""Ratings as data: AA…F up to 2566, levels with per-tool minimums from 2567 (provisional)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_model import scoring
from ita_model.framework import Framework, load_framework
from ita_model.ratings import check_ratings, rules_for_year
from ita_model.scoring import ToolScore

LEVELS = ["ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน"]


def levels_framework() -> Framework:
    """The 2565 framework's items and weights under the 2567 rules (for a graded → levels test)."""
    base = load_framework(2565)
    rules = rules_for_year(2570)
    data = base.model_dump()
    data.update(
        year=2570,
        rating_kind=rules.kind,
        ratings_provisional=rules.provisional,
        ratings=[r.model_dump() for r in rules.ratings],
    )
    return Framework.model_validate(data)


@pytest.fixture(scope="module")
def fw() -> Framework:
    return levels_framework()


def all_done(fw: Framework) -> dict[str, str]:
    return {item.code: "done" for item in fw.items()}


def test_rules_by_year() -> None:
    assert rules_for_year(2565).kind == "grade" and not rules_for_year(2566).provisional
    later = rules_for_year(2567)
    assert later.kind == "level" and later.provisional
    assert [r.name_th for r in later.ratings] == LEVELS
    assert rules_for_year(2570) == later


def test_94_with_eit_84_is_pass_and_eit_stands_first(fw: Framework) -> None:
    tools = {"IIT": ToolScore(96, "given"), "EIT": ToolScore(84, "given")}
    est = scoring.score(fw, all_done(fw), tools)
    assert est.oit == 100 and round(est.total, 2) == 94.0
    assert est.rating_name == "ผ่าน" and est.passed is True
    assert est.grade is None  # a year of levels has no letter grade
    step = scoring.next_step(est)
    assert step is not None and step.rating.name_th == "ผ่านดี"
    assert [(s.part, s.have, s.need) for s in step.shortfalls] == [("EIT", 84.0, 85.0)]
    out = est.to_json()
    assert (out["grade"], out["rating"], out["pass"]) == (None, "ผ่าน", True)


@pytest.mark.parametrize(
    ("total", "tools", "level", "passes"),
    [
        (95.5, {"IIT": 96, "EIT": 95, "OIT": 95.5}, "ผ่านดีเยี่ยม", True),
        (95.5, {"IIT": 99, "EIT": 94.99, "OIT": 95}, "ผ่านดี", True),
        (94.0, {"IIT": 96, "EIT": 84, "OIT": 100}, "ผ่าน", True),
        (85.0, {"IIT": 85, "EIT": 85, "OIT": 85}, "ผ่านดี", True),
        (84.99, {"IIT": 90, "EIT": 90, "OIT": 77.48}, "ต้องปรับปรุง", False),
        (70.0, {"IIT": 70, "EIT": 70, "OIT": 70}, "ต้องปรับปรุง", False),
        (69.99, {"IIT": 69.99, "EIT": 69.99, "OIT": 69.99}, "ต้องปรับปรุงโดยด่วน", False),
        (0.0, {"IIT": 0, "EIT": 0, "OIT": 0}, "ต้องปรับปรุงโดยด่วน", False),
    ],
)
def test_levels(fw: Framework, total: float, tools: dict, level: str, passes: bool) -> None:
    rating = fw.rating(total, tools)
    assert (rating.name_th, rating.passes) == (level, passes)


def test_below_pass_the_total_is_what_stands(fw: Framework) -> None:
    tools = {"IIT": ToolScore(80, "given"), "EIT": ToolScore(80, "given")}
    statuses = all_done(fw)
    est = scoring.score(fw, statuses, tools)  # 0.3·80 + 0.3·80 + 0.4·100 = 88 → ผ่าน
    assert est.rating_name == "ผ่าน"
    step = scoring.next_step(est)
    assert [s.part for s in step.shortfalls] == ["EIT", "IIT"]  # equal gaps: by name
    fifty = {"IIT": ToolScore(50, "given"), "EIT": ToolScore(50, "given")}
    low = scoring.score(fw, statuses, fifty)
    assert low.rating_name == "ต้องปรับปรุง"  # 70
    step = scoring.next_step(low)
    assert step.rating.name_th == "ผ่าน" and [s.part for s in step.shortfalls] == ["total"]
    assert step.shortfalls[0].gap == 15


def test_top_level_has_no_next_step(fw: Framework) -> None:
    tools = {"IIT": ToolScore(100, "given"), "EIT": ToolScore(100, "given")}
    est = scoring.score(fw, all_done(fw), tools)
    assert est.rating_name == "ผ่านดีเยี่ยม" and scoring.next_step(est) is None


def test_unknown_tools_give_no_rating(fw: Framework) -> None:
    est = scoring.score(fw, all_done(fw), {})
    assert est.total is None and est.rating is None and est.passed is None
    assert scoring.next_step(est) is None


@pytest.mark.parametrize(
    ("total", "grade", "passes"),
    [
        (95, "AA", True),
        (94.99, "A", True),
        (85, "A", True),
        (84.99, "B", False),
        (49.99, "F", False),
    ],
)
def test_2565_grades_unchanged(total: float, grade: str, passes: bool) -> None:
    fw = load_framework(2565)
    assert fw.graded and fw.pass_mark == 85
    rating = fw.rating(total)
    assert (rating.name_th, rating.passes) == (grade, passes)


def test_2565_estimate_keeps_its_grade() -> None:
    fw = load_framework(2565)
    tools = {"IIT": ToolScore(96, "given"), "EIT": ToolScore(84, "given")}
    est = scoring.score(fw, all_done(fw), tools)
    assert (est.grade, est.rating_name, est.passed) == ("A", "A", True)
    step = scoring.next_step(est)
    assert step.rating.name_th == "AA" and [s.part for s in step.shortfalls] == ["total"]


def test_assumptions_name_the_rules(fw: Framework) -> None:
    est = scoring.score(fw, all_done(fw), {"IIT": ToolScore(90, "given")})
    text = " ".join(est.assumptions("th"))
    assert "ผ่านดี ≥ 85 (IIT ≥ 85, EIT ≥ 85, OIT ≥ 85)" in text
    assert "แหล่งข้อมูลทุติยภูมิ" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ratings": [{"name_th": "A", "name_en": "A", "min_total": 85, "passes": True}]}, "floor"),
        (
            {
                "ratings": [
                    {"name_th": "X", "name_en": "X", "min_total": 80, "passes": False},
                    {"name_th": "Y", "name_en": "Y", "min_total": 0, "passes": True},
                ]
            },
            "passing",
        ),
        (
            {
                "ratings": [
                    {
                        "name_th": "X",
                        "name_en": "X",
                        "min_total": 80,
                        "passes": True,
                        "min_tools": {"ABC": 80},
                    },
                    {"name_th": "Y", "name_en": "Y", "min_total": 0, "passes": False},
                ]
            },
            "unknown tool",
        ),
    ],
)
def test_bad_rules_are_refused(change: dict, message: str) -> None:
    data = load_framework(2565).model_dump() | change
    with pytest.raises(ValueError, match=message):
        Framework.model_validate(data)


_score = st.floats(min_value=0, max_value=100, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(total=_score, more=st.floats(0, 50), iit=_score, eit=_score, oit=_score)
def test_a_higher_total_never_rates_lower(
    total: float, more: float, iit: float, eit: float, oit: float
) -> None:
    fw = levels_framework()
    tools = {"IIT": iit, "EIT": eit, "OIT": oit}
    names = [r.name_th for r in fw.ratings]
    low = fw.rating(total, tools)
    high = fw.rating(min(total + more, 100.0), tools)
    assert names.index(high.name_th) <= names.index(low.name_th)
    if low.passes:
        assert high.passes


def test_shipped_rules_are_consistent() -> None:
    for rules in (rules_for_year(2565), rules_for_year(2567)):
        check_ratings(rules.ratings, {"IIT", "EIT", "OIT"})


def test_next_step_in_words(fw: Framework) -> None:
    tools = {"IIT": ToolScore(96, "given"), "EIT": ToolScore(84, "given")}
    step = scoring.next_step(scoring.score(fw, all_done(fw), tools))
    assert step.text("th") == "ระดับถัดไป ผ่านดี: EIT ต้องได้อย่างน้อย 85 (ตอนนี้ 84.00 ขาด 1.00)"
    assert step.text("en").startswith("Next level, Good pass: EIT needs at least 85")
