"""The estimated ITA score and rating: "will we pass?", with the assumptions shown.

Everything here is driven by the year's framework data, never by numbers in code:

- an OIT item scores 100 when done and 0 otherwise; ``not_applicable`` items leave the average;
- items average within their sub-indicator; sub-indicators weigh by their ``weight`` inside
  their indicator; OIT indicators (9 and 10) by theirs; a part with nothing applicable in it is
  left out and the others' weights fill its place;
- IIT and EIT (0–100 each) come from the caller, else this year's ``scores`` sheet (a tool row,
  or the tool's indicators), else last year's results, else they are unknown and so is the total;
- total = Σ tool weight × tool score / Σ tool weights; the rating (AA…F up to 2566, levels with
  minimums on each tool from 2567) and whether it passes from the framework's ``ratings``.

The weights are an estimate (the framework's ``scoring_note``): every screen that shows a number
from here says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from ita_model.framework import Framework, Indicator, load_framework
from ita_model.ratings import NextStep, Rating, next_rating, shortfalls
from ita_model.readiness import Readiness
from ita_model.records import Status

ToolSource = Literal["given", "scores", "last_year", "missing"]
DONE = Status.DONE.value
NOT_APPLICABLE = Status.NOT_APPLICABLE.value


@dataclass(frozen=True)
class SubScore:
    code: str
    indicator: int
    weight: float
    applicable: int  # items that count (not "not applicable")
    done: int
    score: float | None  # 0–100; None when no item of it applies


@dataclass(frozen=True)
class IndicatorScore:
    number: int
    weight: float  # share of the ITA total
    score: float | None
    subindicators: tuple[SubScore, ...]


@dataclass(frozen=True)
class ToolScore:
    """An IIT or EIT score and where it came from (``year``: the results' year, if known)."""

    value: float | None
    source: ToolSource
    year: int | None = None


@dataclass(frozen=True)
class Estimate:
    year: int
    framework: Framework = field(repr=False)
    statuses: Mapping[str, str] = field(repr=False)  # item code -> status, as scored
    indicators: dict[int, IndicatorScore]  # the OIT indicators
    oit: float | None
    tools: dict[str, ToolScore]  # the survey tools: IIT, EIT
    total: float | None
    rating: Rating | None  # None while IIT or EIT is unknown
    passed: bool | None

    @property
    def pass_mark(self) -> float:
        return self.framework.pass_mark

    @property
    def grade(self) -> str | None:
        """The letter grade, in years that give grades (None from 2567: see ``rating``)."""
        return self.rating.name_th if self.rating and self.framework.graded else None

    @property
    def rating_name(self) -> str | None:
        """The rating as shown: the letter grade, or the level's Thai name."""
        return None if self.rating is None else self.rating.name_th

    def rating_in(self, lang: str = "th") -> str:
        """The rating's name in a language, "—" while the total is unknown."""
        if self.rating is None:
            return "—"
        return self.rating.name_en if lang == "en" else self.rating.name_th

    @property
    def tool_values(self) -> dict[str, float | None]:
        """Every tool's score, OIT included: what the ratings' minimums are checked against."""
        out = {code: t.value for code, t in self.tools.items()}
        for ind in self.framework.oit_indicators():
            out[ind.tool] = self.oit
        return out

    @property
    def subindicators(self) -> dict[str, SubScore]:
        return {s.code: s for ind in self.indicators.values() for s in ind.subindicators}

    @property
    def iit(self) -> float | None:
        return self.tools["IIT"].value if "IIT" in self.tools else None

    @property
    def eit(self) -> float | None:
        return self.tools["EIT"].value if "EIT" in self.tools else None

    @property
    def gap(self) -> float | None:
        """Points above (positive) or below (negative) the pass mark."""
        return None if self.total is None else round(self.total, 2) - self.pass_mark

    def to_json(self) -> dict:
        """``{"oit": {"9.1": …, "9": …, "total": …}, "iit": …, "eit": …, "total": …, …}``."""
        oit: dict[str, float | None] = {}
        for ind in self.indicators.values():
            for sub in ind.subindicators:
                oit[sub.code] = _r(sub.score)
        for ind in self.indicators.values():
            oit[str(ind.number)] = _r(ind.score)
        oit["total"] = _r(self.oit)
        return {
            "oit": oit,
            "iit": _r(self.iit),
            "eit": _r(self.eit),
            "total": _r(self.total),
            "grade": self.grade,
            "rating": self.rating_name,
            "pass": self.passed,
        }

    def assumptions(self, lang: str = "th") -> list[str]:
        """How the number was made, one sentence each, for the page and the command line."""
        fw = self.framework
        th = lang != "en"
        done = sum(s.done for s in self.subindicators.values())
        applicable = sum(s.applicable for s in self.subindicators.values())
        lines = [
            (
                f"OIT: ประมาณจากสถานะปัจจุบัน ดำเนินการแล้ว {done} จาก {applicable} ข้อที่ต้องดำเนินการ "
                "(ข้อที่ดำเนินการแล้วได้ 100 ข้ออื่นได้ 0 ข้อที่ไม่เกี่ยวข้องไม่นำมาคิด)"
                if th
                else f"OIT: estimated from the current statuses, {done} of {applicable} applicable "
                "items done (done scores 100, anything else 0, not-applicable items are left out)"
            )
        ]
        for code, tool in self.tools.items():
            lines.append(_tool_sentence(code, tool, th))
        lines.append(fw.scoring_note_th if th else fw.scoring_note_en)
        lines.append(_rules_sentence(fw, th))
        if fw.provisional:
            lines.append(
                f"กรอบการประเมินปี {fw.year} เป็นฉบับชั่วคราว (ยังไม่ได้ตรวจกับคู่มือของสำนักงาน ป.ป.ช.)"
                if th
                else f"The {fw.year} framework is provisional (not yet checked against the "
                "NACC's manual)."
            )
        return lines


def _rules_sentence(fw: Framework, th: bool) -> str:
    """The year's rating rules in one sentence, minimums per tool included."""
    parts = []
    for r in fw.ratings:
        tools = ", ".join(f"{c} ≥ {m:g}" for c, m in r.min_tools.items())
        floor = f"≥ {r.min_total:g}" + (f" ({tools})" if tools else "")
        parts.append(f"{r.name_th if th else r.name_en} {floor}")
    text = (
        f"เกณฑ์ระดับผลการประเมินปี {fw.year}: " if th else f"Rating rules of {fw.year}: "
    ) + "; ".join(parts)
    if fw.ratings_provisional:
        text += (
            " (จากแหล่งข้อมูลทุติยภูมิ ยังไม่ได้ตรวจกับคู่มือของสำนักงาน ป.ป.ช.)"
            if th
            else " (from secondary sources, not yet checked against the NACC's manual)"
        )
    return text


def _tool_sentence(code: str, tool: ToolScore, th: bool) -> str:
    v = "—" if tool.value is None else f"{tool.value:.2f}"
    if tool.source == "given":
        return f"{code} = {v}: ค่าที่กรอก" if th else f"{code} = {v}: as entered"
    if tool.source == "scores":
        return (
            f"{code} = {v}: จากผลคะแนนปี {tool.year} ในไฟล์ผลคะแนน"
            if th
            else f"{code} = {v}: from the {tool.year} results in the scores sheet"
        )
    if tool.source == "last_year":
        return (
            f"{code} = {v}: สมมติว่าเท่ากับผลปี {tool.year} (ยังไม่มีผลของปีนี้)"
            if th
            else f"{code} = {v}: assumed equal to the {tool.year} result (none for this year yet)"
        )
    return (
        f"{code}: ยังไม่มีคะแนน กรอกคะแนนเพื่อคำนวณคะแนนรวม"
        if th
        else f"{code}: no score yet; enter one to get the total"
    )


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _weighted(parts: Iterable[tuple[float, float | None]]) -> float | None:
    """Σ w·s / Σ w over the parts that have a score; None when none has."""
    scored = [(w, s) for w, s in parts if s is not None]
    total_weight = sum(w for w, _ in scored)
    if not scored or total_weight <= 0:
        return None
    return sum(w * s for w, s in scored) / total_weight


# --------------------------------------------------------------------------- scoring


def oit_indicator_scores(fw: Framework, statuses: Mapping[str, str]) -> dict[int, IndicatorScore]:
    """Indicator and sub-indicator scores (0–100) from item statuses (missing: not started)."""
    out: dict[int, IndicatorScore] = {}
    for ind in fw.oit_indicators():
        subs = []
        for sub in ind.subindicators:
            states = [statuses.get(item.code, Status.NOT_STARTED.value) for item in sub.items()]
            applicable = [s for s in states if s != NOT_APPLICABLE]
            done = sum(s == DONE for s in applicable)
            score = 100 * done / len(applicable) if applicable else None
            subs.append(SubScore(sub.code, ind.number, sub.weight, len(applicable), done, score))
        score = _weighted((s.weight, s.score) for s in subs)
        out[ind.number] = IndicatorScore(ind.number, ind.weight, score, tuple(subs))
    return out


def score(
    fw: Framework,
    statuses: Mapping[str, str],
    tools: Mapping[str, ToolScore] | None = None,
) -> Estimate:
    """The estimate for these item statuses and survey-tool scores."""
    indicators = oit_indicator_scores(fw, statuses)
    oit = _weighted((i.weight, i.score) for i in indicators.values())
    oit_tools = {ind.tool for ind in fw.oit_indicators()}
    survey = [t.code for t in fw.tools if t.code not in oit_tools]
    tools = {code: (tools or {}).get(code, ToolScore(None, "missing")) for code in survey}
    parts: list[tuple[float, float | None]] = []
    for t in fw.tools:
        parts.append((t.weight, oit if t.code in oit_tools else tools[t.code].value))
    total = None if any(s is None for _, s in parts) else _weighted(parts)
    rating = passed = None
    if total is not None:
        values = {code: t.value for code, t in tools.items()} | dict.fromkeys(oit_tools, oit)
        # rated as it is shown: 84.995 is 85.00, a pass
        rating = fw.rating(min(max(total, 0.0), 100.0), values)
        passed = rating.passes
    return Estimate(fw.year, fw, dict(statuses), indicators, oit, tools, total, rating, passed)


def next_step(estimate: Estimate) -> NextStep | None:
    """What lifts us most, in the rules' terms: the rating above this one and each part short
    of it, a tool below its minimum first (94 with EIT 84 is told EIT, not OIT, stands between
    it and ผ่านดี). None when the total is unknown or the rating is the top one."""
    if estimate.rating is None or estimate.total is None:
        return None
    target = next_rating(estimate.framework.ratings, estimate.rating)
    if target is None:
        return None
    found = shortfalls(target, estimate.total, estimate.tool_values)
    return NextStep(target, tuple(found))


def what_if(estimate: Estimate, done: Iterable[str]) -> Estimate:
    """The estimate if these items were done too (same IIT and EIT)."""
    statuses = dict(estimate.statuses)
    for code in done:
        statuses[estimate.framework.item(code).code] = DONE
    return score(estimate.framework, statuses, estimate.tools)


def lifts(estimate: Estimate) -> pd.DataFrame:
    """Every item not done (and applicable), ranked by how much it alone lifts the total.

    ``lift`` is in points of the ITA total; ``lift_indicator`` in points of its indicator. An
    item in a small sub-indicator weighs more: it is a bigger share of its sub-indicator.
    """
    fw = estimate.framework
    base = estimate.indicators
    oit_weight = sum(i.weight for i in base.values())
    rows = []
    for item in fw.items():
        status = estimate.statuses.get(item.code, Status.NOT_STARTED.value)
        if status in (DONE, NOT_APPLICABLE):
            continue
        after = what_if(estimate, [item.code])
        ind = fw.indicator_of(item.code)
        sub = fw.subindicator_of(item.code)
        before_oit = estimate.oit or 0.0
        rows.append(
            {
                "item": item.code,
                "name_th": item.name_th,
                "name_en": item.name_en,
                "subindicator": sub.code,
                "indicator": ind.number,
                "status": status,
                "applicable_in_sub": estimate.subindicators[sub.code].applicable,
                "lift_indicator": (after.indicators[ind.number].score or 0.0)
                - (base[ind.number].score or 0.0),
                "lift": ((after.oit or 0.0) - before_oit) * oit_weight / 100,
            }
        )
    columns = [
        "item",
        "name_th",
        "name_en",
        "subindicator",
        "indicator",
        "status",
        "applicable_in_sub",
        "lift_indicator",
        "lift",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["lift", "item"], ascending=[False, True], ignore_index=True)


# --------------------------------------------------------------------------- IIT / EIT


def _scores_table(scores: pd.DataFrame | None) -> pd.DataFrame:
    """The ``scores`` rows as (year, indicator, score); later rows win over earlier ones."""
    if scores is None or not len(scores) or not {"year", "indicator", "score"} <= set(scores):
        return pd.DataFrame(
            {
                "year": pd.Series([], dtype="int64"),
                "indicator": pd.Series([], dtype="str"),
                "score": pd.Series([], dtype="float64"),
            }
        )
    table = scores[["year", "indicator", "score"]].dropna()
    table = table.assign(year=table["year"].astype(int), indicator=table["indicator"].astype(str))
    return table.drop_duplicates(["year", "indicator"], keep="last").reset_index(drop=True)


def _tool_of_year(
    fw: Framework, table: pd.DataFrame, tool: str, year: int
) -> tuple[float | None, bool]:
    """A tool's score in a year: its own row, else its indicators' (all of them) weighted."""
    rows = table[table["year"] == year].set_index("indicator")["score"]
    if tool in rows.index:
        return float(rows[tool]), True
    inds = [i for i in fw.indicators if i.tool == tool]
    if inds and all(str(i.number) in rows.index for i in inds):
        return _weighted((i.weight, float(rows[str(i.number)])) for i in inds), True
    return None, False


def tool_scores(
    fw: Framework,
    scores: pd.DataFrame | None,
    *,
    given: Mapping[str, float | None] | None = None,
) -> dict[str, ToolScore]:
    """IIT and EIT: as given, else this year's results, else the latest earlier year's."""
    table = _scores_table(scores)
    years = sorted({int(y) for y in table["year"]}, reverse=True)
    oit_tools = {ind.tool for ind in fw.oit_indicators()}
    out: dict[str, ToolScore] = {}
    for tool in (t.code for t in fw.tools if t.code not in oit_tools):
        value = (given or {}).get(tool)
        if value is not None:
            out[tool] = ToolScore(float(value), "given", fw.year)
            continue
        out[tool] = ToolScore(None, "missing")
        for year in (y for y in years if y <= fw.year):
            found, ok = _tool_of_year(fw, table, tool, year)
            if ok:
                out[tool] = ToolScore(found, "scores" if year == fw.year else "last_year", year)
                break
    return out


def statuses_of(readiness: Readiness) -> dict[str, str]:
    return dict(zip(readiness.items["item"], readiness.items["status"], strict=True))


def estimate(
    readiness: Readiness,
    scores: pd.DataFrame | None = None,
    *,
    iit: float | None = None,
    eit: float | None = None,
    framework: Framework | None = None,
) -> Estimate:
    """The headline: this year's estimate from the readiness and a ``scores`` sheet's rows.

    ``scores`` is ``Dataset.latest("scores")`` (or None); ``iit``/``eit`` override it.
    """
    fw = framework or load_framework(readiness.year)
    tools = tool_scores(fw, scores, given={"IIT": iit, "EIT": eit})
    return score(fw, statuses_of(readiness), tools)


# --------------------------------------------------------------------------- year on year


YOY_COLUMNS = [
    "indicator",
    "name_th",
    "name_en",
    "tool",
    "previous_year",
    "previous",
    "current",
    "basis",
    "change",
    "weak",
    "urgent",
]


def previous_year(scores: pd.DataFrame | None, year: int) -> int | None:
    """The latest year before ``year`` with official results per indicator."""
    table = _scores_table(scores)
    per_indicator = table[table["indicator"].str.fullmatch(r"\d+")]
    earlier = [int(y) for y in per_indicator["year"] if int(y) < year]
    return max(earlier) if earlier else None


def year_on_year(est: Estimate, scores: pd.DataFrame | None) -> pd.DataFrame:
    """Per indicator: last year's official score beside this year's, and which are weak.

    ``basis`` of this year's figure: ``estimate`` (OIT, from the statuses), ``official`` (a
    ``scores`` row of this year), ``tool`` (this year's IIT/EIT score, entered or from the sheet,
    shown for each of its indicators; no ``change`` then) or ``none``.

    ``weak``: below the pass mark this year (the estimate, an official figure or the IIT/EIT
    score used), else last year where there is no figure for this year;
    ``urgent``: below the minimum of the rating under the pass mark (B's 75, ต้องปรับปรุง's 70) —
    the seed's
    "ข้อบกพร่องหรือจุดอ่อนที่จะต้องแก้ไขโดยเร่งด่วน"; the others are "ประเด็นที่จะต้องพัฒนาให้ดีขึ้น".
    """
    fw = est.framework
    table = _scores_table(scores)
    prev_year = previous_year(scores, fw.year)
    prev = table[table["year"] == prev_year].set_index("indicator")["score"]
    this = table[table["year"] == fw.year].set_index("indicator")["score"]
    urgent_below = _urgent_line(fw)
    rows = []
    for ind in fw.indicators:
        key = str(ind.number)
        previous = float(prev[key]) if key in prev.index else None
        current, basis = _current(est, ind, this)
        # this year's figure when there is one (the estimate the page shows), else last year's
        ref = current if current is not None else previous
        rows.append(
            {
                "indicator": ind.number,
                "name_th": ind.name_th,
                "name_en": ind.name_en,
                "tool": ind.tool,
                "previous_year": prev_year,
                "previous": previous,
                "current": current,
                "basis": basis,
                "change": None
                if previous is None or current is None or basis == "tool"
                else current - previous,
                "weak": ref is not None and ref < fw.pass_mark,
                "urgent": ref is not None and ref < urgent_below,
            }
        )
    return pd.DataFrame(rows, columns=YOY_COLUMNS)


def _current(est: Estimate, ind: Indicator, this: pd.Series) -> tuple[float | None, str]:
    if ind.number in est.indicators:
        return est.indicators[ind.number].score, "estimate"
    if str(ind.number) in this.index:
        return float(this[str(ind.number)]), "official"
    tool = est.tools.get(ind.tool)
    if tool is not None and tool.value is not None and tool.source in ("given", "scores"):
        return tool.value, "tool"  # last year's IIT spread over its indicators says nothing
    return None, "none"


def official_total(fw: Framework, scores: pd.DataFrame | None, year: int) -> float | None:
    """A year's official ITA total: its ``total`` row, else Σ indicator weight × score / 100."""
    table = _scores_table(scores)
    rows = table[table["year"] == year].set_index("indicator")["score"]
    if "total" in rows.index:
        return float(rows["total"])
    if all(str(i.number) in rows.index for i in fw.indicators):
        return _weighted((i.weight, float(rows[str(i.number)])) for i in fw.indicators)
    return None


def _urgent_line(fw: Framework) -> float:
    below = [r.min_total for r in fw.ratings if r.min_total < fw.pass_mark]
    return max(below) if below else fw.pass_mark


def weakest(yoy: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The weak indicators, weakest first (by this year's figure, else last year's)."""
    weak = yoy[yoy["weak"]].copy()
    weak["ref"] = weak["current"].where(weak["current"].notna(), weak["previous"])
    weak = weak.sort_values(["ref", "indicator"], ignore_index=True).drop(columns="ref")
    return weak if limit is None else weak.head(limit)


def with_tools(est: Estimate, **values: float | None) -> Estimate:
    """The same statuses with other IIT/EIT scores (``IIT=…``): what the page's inputs do."""
    tools = dict(est.tools)
    for code, value in values.items():
        if value is not None:
            tools[code] = ToolScore(float(value), "given", est.year)
    return score(est.framework, est.statuses, tools)
