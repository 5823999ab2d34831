"""What the roll-up page and its hand-outs show, worked out from a ``Rollup``: no drawing here.

The roll-up (``ita_model.rollup``) gives one row per agency of a scope; a supervisor narrows it
by province, type and parent, then reads the key figures, the agencies worst first, the spread
of the estimated totals and ratings, and the agencies below the pass mark and by how much. Every
function takes the frames as they come (thousands of rows) and works column-wise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ita_model.agencies import norm_words
from ita_model.agency import agency_types
from ita_model.ratings import pass_mark, rules_for_year
from ita_model.scope import Part, Scope

BIN_WIDTH = 5  # points per bar of the distribution of estimated totals
BELOW_HEADERS = (  # the columns of the list of agencies below the pass mark (ui_text keys)
    "rollup_page.col_agency",
    "rollup_page.col_province",
    "rollup_page.col_total",
    "rollup_page.col_rating",
    "rollup_page.col_gap",
)


@dataclass(frozen=True)
class Filters:
    """The page's three multiselects; an empty one narrows nothing."""

    provinces: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.provinces or self.types or self.parents)


def type_name(code: object, lang: str = "th") -> str:
    """An agency type's name (``agency_types.yaml``) in the page's language; the code if unknown,
    a dash for none."""
    if not isinstance(code, str) or not code:
        return "—"
    found = agency_types().get(code)
    if found is None:
        return code
    return found.name_en if lang == "en" else found.name_th


def choices(agencies: pd.DataFrame, column: str) -> list[str]:
    """The distinct values of a column, as offered by a filter (blanks left out), sorted."""
    if column not in agencies or not len(agencies):
        return []
    values = agencies[column].dropna().astype(str)
    return sorted(v for v in values.unique() if v.strip())


def narrowed(agencies: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The agencies every chosen filter keeps (each filter any of its values; all filters)."""
    keep = pd.Series(True, index=agencies.index)
    for column, values in (
        ("province", filters.provinces),
        ("type", filters.types),
        ("parent", filters.parents),
    ):
        if values:
            keep &= agencies[column].isin(values)
    return agencies[keep]


def worst_first(agencies: pd.DataFrame) -> pd.DataFrame:
    """Agencies without an estimate first (nothing to judge them on yet), then the lowest
    estimated total, the lowest OIT, and by name: the order every list of the page uses."""
    return (
        agencies.assign(_has=agencies["total"].notna())
        .sort_values(["_has", "total", "oit", "name"], na_position="first", kind="stable")
        .drop(columns="_has")
    )


@dataclass(frozen=True)
class Summary:
    """The first screen's figures."""

    agencies: int
    estimated: int  # agencies with an estimated total
    passing: int
    mean_total: float | None
    oit_done: int
    oit_total: int

    @property
    def passing_share(self) -> float | None:
        return self.passing / self.agencies if self.agencies else None

    @property
    def oit_share(self) -> float | None:
        return self.oit_done / self.oit_total if self.oit_total else None


def summary(agencies: pd.DataFrame) -> Summary:
    totals = agencies["total"].dropna()
    return Summary(
        agencies=len(agencies),
        estimated=len(totals),
        passing=int(agencies["passed"].fillna(False).astype(bool).sum()),
        mean_total=float(totals.mean()) if len(totals) else None,
        oit_done=int(agencies["oit_done"].sum()),
        oit_total=int(agencies["oit_total"].sum()),
    )


def year_pass_mark(year: int) -> float:
    """The lowest total that passes in a fiscal year (85 in every year so far)."""
    return pass_mark(rules_for_year(year).ratings)


def pass_mark_of(rollup: Any) -> float:
    """The pass mark of a roll-up's framework, else of its year's rules."""
    mark = getattr(rollup, "pass_mark", None)
    return float(mark) if mark is not None else year_pass_mark(int(rollup.year))


def total_bins(agencies: pd.DataFrame, width: int = BIN_WIDTH) -> pd.DataFrame:
    """How many agencies' estimated totals fall in each ``width``-point band from 0 to 100
    (``low`` ≤ total < ``high``; 100 in the last band): columns low, high, count."""
    edges = list(range(0, 100 + width, width))
    totals = agencies["total"].dropna().clip(0, 100)
    index = (totals // width).clip(upper=len(edges) - 2).astype(int)
    counts = index.value_counts()
    return pd.DataFrame(
        {
            "low": edges[:-1],
            "high": edges[1:],
            "count": [int(counts.get(i, 0)) for i in range(len(edges) - 1)],
        }
    )


def rating_counts(agencies: pd.DataFrame, year: int, lang: str = "th") -> pd.DataFrame:
    """Agencies per rating of the year, best first, then those without one: columns rating
    (the name in ``lang``), key (the Thai name, as the roll-up gives it; "" for none), passes,
    count. Every rating of the year is listed, even with no agency in it."""
    have = agencies["rating"].fillna("").astype(str).value_counts()
    rows = []
    for r in rules_for_year(year).ratings:
        n = int(have.get(r.name_th, 0)) + (
            int(have.get(r.name_en, 0)) if r.name_en != r.name_th else 0
        )
        rows.append((r.name_en if lang == "en" else r.name_th, r.name_th, r.passes, n))
    rows.append(("", "", False, int(have.get("", 0))))
    return pd.DataFrame(rows, columns=["rating", "key", "passes", "count"])


def below_pass(agencies: pd.DataFrame, mark: float) -> pd.DataFrame:
    """The agencies with an estimate below ``mark``, the furthest behind first, with ``gap``
    (the points still needed, > 0)."""
    below = agencies[agencies["total"].notna() & (agencies["total"] < mark)]
    out = below.assign(gap=mark - below["total"])
    return out.sort_values(["gap", "name"], ascending=[False, True], kind="stable")


def indicator_matrix(codes: Sequence[str], indicators: pd.DataFrame) -> pd.DataFrame:
    """The indicators' scores of these agencies, one row per code (in that order), one column
    per indicator number (ascending); NaN where an agency has no score."""
    mine = indicators[indicators["agency"].isin(codes)]
    wide = mine.pivot_table(index="agency", columns="indicator", values="score", aggfunc="mean")
    numbers = sorted(int(n) for n in indicators["indicator"].dropna().unique())
    return wide.reindex(index=list(codes), columns=numbers)


def indicator_names(indicators: pd.DataFrame) -> dict[int, str]:
    """Each indicator number's name, as the roll-up gives it."""
    first = indicators.drop_duplicates("indicator")
    return {int(n): str(name) for n, name in zip(first["indicator"], first["name"], strict=True)}


def pages_of(rows: int, size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each page of ``size`` rows: every row is on one page."""
    return [(s, min(s + size, rows)) for s in range(0, rows, size)] or [(0, 0)]


def share_text(share: float | None) -> str:
    return "—" if share is None or math.isnan(share) else f"{100 * share:.0f}%"


def filters_text(filters: Filters, lang: str = "th") -> str:
    """The filters chosen, in words ("" for none): what a hand-out says it covers."""
    from ita_model.i18n import t

    parts = []
    if filters.provinces:
        parts.append(f"{t('rollup_page.province', lang)}: {', '.join(filters.provinces)}")
    if filters.types:
        names = ", ".join(type_name(c, lang) for c in filters.types)
        parts.append(f"{t('rollup_page.type', lang)}: {names}")
    if filters.parents:
        parts.append(f"{t('rollup_page.parent', lang)}: {', '.join(filters.parents)}")
    return " · ".join(parts)


def filters_scope(filters: Filters, within: Scope) -> Scope | None:
    """The filters as a scope the roll-up matches by province or parent (one kind of filter
    chosen, within a scope of everything), else None: then the agencies kept are named one by
    one. A scope's parts mean any of them, so a filter inside a narrower scope never is one."""
    if not within.everything or filters.types or bool(filters.provinces) == bool(filters.parents):
        return None
    if any("," in v or ";" in v for v in (*filters.provinces, *filters.parents)):
        return None  # a scope's text could not hold the name
    if filters.provinces:
        return Scope((Part("province", filters.provinces),))
    return Scope((Part("parent", filters.parents),))


def matching(agencies: pd.DataFrame, words: str) -> pd.DataFrame:
    """The agencies whose name or code holds every word typed (compared as a clerk reads them);
    all of them for no words."""
    wanted = norm_words(words or "").split()
    if not wanted:
        return agencies
    text = (agencies["name"].astype(str) + " " + agencies["agency"].astype(str)).map(norm_words)
    keep = pd.Series(True, index=agencies.index)
    for word in wanted:
        keep &= text.str.contains(word, regex=False)
    return agencies[keep]
