"""What the meeting slides and every hand-out say, gathered once from the loaded data.

The page layer hands over what it has already loaded (``build_handout``); the command line hands
over what counts in the store (``store_handout``) or files given by hand (``load_handout``).
Nothing here draws: ``charts()`` returns plotly figures, made by the same builders as the
dashboard's pages, that ``images``, ``pdf`` and ``deck`` turn into pictures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from ita_model import charts, overview, score_charts, scoring
from ita_model.fiscal import now_in_thailand, today_in_thailand
from ita_model.framework import Framework, load_framework
from ita_model.handouts.figures import measures_bars
from ita_model.i18n import t
from ita_model.organisation import Organisation, load_organisation
from ita_model.readiness import Dataset, Readiness, compute_readiness, load_dataset
from ita_model.settings import Settings, get_settings
from ita_model.thai import Period, format_date, format_period

if TYPE_CHECKING:
    from ita_model.current import Current
    from ita_model.store import Store


# the hand-outs' words that name divisions, and theirs for an organisation with none: it reports
# as a whole (one reporter, ``organisation.whole_agency``)
WHOLE_WORDS = {
    "handout.missing": "whole_agency.handout_missing",
    "handout.col.owners": "whole_agency.owners",
    "handout.sheet.owners": "whole_agency.sheet_reported",
    "handout.col.division_status": "handout.col.status",
}


@dataclass(frozen=True)
class Chart:
    """One chart of the hand-outs: ``key`` names its file, ``title`` heads its slide."""

    key: str
    title: str
    figure: go.Figure
    headline: str = ""


@dataclass
class Handout:
    organisation: Organisation
    framework: Framework
    dataset: Dataset
    readiness: Readiness
    as_of: date
    lang: str = "th"
    sample_only: bool = False
    made: datetime = field(default_factory=now_in_thailand)
    links: list[Any] = field(default_factory=list)  # the last check of each current link

    estimate: scoring.Estimate = field(init=False)
    scores: pd.DataFrame = field(init=False)
    timeline: pd.DataFrame = field(init=False)
    steps: pd.DataFrame = field(init=False)
    measures: pd.DataFrame = field(init=False)
    missing: pd.DataFrame = field(init=False)
    oit_due: date | None = field(init=False)
    next_deadline: overview.Deadline | None = field(init=False)
    overdue: dict[str, int] = field(init=False)
    previous_year: int | None = field(init=False)
    yoy: pd.DataFrame | None = field(init=False)

    def __post_init__(self) -> None:
        ds, r = self.dataset, self.readiness
        self.scores = ds.latest("scores")
        self.estimate = scoring.estimate(r, self.scores, framework=self.framework)
        self.timeline = ds.latest("timeline")
        self.steps = overview.timeline_states(self.timeline, self.as_of)
        self.measures = ds.latest("measures")
        self.oit_due = overview.oit_deadline(self.steps)
        self.next_deadline = overview.next_deadline(self.steps, self.as_of)
        self.overdue = overview.overdue_by_division(r, self.oit_due, self.as_of)
        self.missing = overview.missing_items(
            r, self.organisation, deadline=self.oit_due, as_of=self.as_of
        )
        self.previous_year = scoring.previous_year(self.scores, self.framework.year)
        self.yoy = (
            scoring.year_on_year(self.estimate, self.scores)
            if self.previous_year is not None
            else None
        )

    # --------------------------------------------------------------------------- words

    @property
    def year(self) -> int:
        return self.framework.year

    @property
    def en(self) -> bool:
        return self.lang == "en"

    @property
    def whole(self) -> bool:
        """The organisation has no divisions: it reports as a whole."""
        return not self.organisation.divisions

    def t(self, key: str, /, **params: object) -> str:
        if self.whole:
            key = WHOLE_WORDS.get(key, key)
        return t(key, self.lang, **params)

    @property
    def bad_links(self) -> list[Any]:
        """The checked links with an error or a warning."""
        return [r for r in self.links if not r.ok]

    def link_result(self, r: Any) -> str:
        """A link's problems in the hand-out's language, or "OK"."""
        if not r.problems:
            return self.t("links.ok")
        return " · ".join(p.message_en if self.en else p.message for p in r.problems)

    def name(self, row: object) -> str:
        """A row's or model's name in the hand-out's language."""
        get = row.get if hasattr(row, "get") else lambda k, d=None: getattr(row, k, d)
        return str((get("name_en") if self.en else None) or get("name_th") or "")

    def date_text(self, d: date | None, style: str = "long") -> str:
        if d is None or (not isinstance(d, date) and pd.isna(d)):
            return "—"
        if not isinstance(d, date):
            d = pd.Timestamp(d).date()
        return format_date(d, style=style, lang=self.lang)  # type: ignore[arg-type]

    def period_text(self, action: dict) -> str:
        """A measure's action period in the Buddhist Era, else the text as the workbook had it."""
        start, end = charts._period_bounds(action.get("period"))
        if start is not None:
            return format_period(Period(start, end), lang=self.lang)  # type: ignore[arg-type]
        text = action.get("period_text")
        return "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)

    @property
    def agency(self) -> str:
        return self.organisation.name_en if self.en else self.organisation.name_th

    @property
    def agency_short(self) -> str:
        return self.organisation.name_en if self.en else self.organisation.short_th

    @property
    def subtitle(self) -> str:
        """'องค์การบริหารส่วนจังหวัดพะเยา · ปีงบประมาณ พ.ศ. 2565 · ข้อมูล ณ วันที่ 27 มีนาคม 2565'."""
        bits = [
            self.agency,
            t("common.fiscal_year", self.lang, year=self.year),
            t("common.as_of", self.lang, date=self.date_text(self.as_of)),
        ]
        if self.sample_only:
            bits.append(self.t("handout.sample"))
        return " · ".join(bits)

    @staticmethod
    def number(value: float | None) -> str:
        return "—" if value is None or pd.isna(value) else f"{float(value):.2f}"

    @property
    def verdict(self) -> str:
        est = self.estimate
        if est.passed is None:
            return self.t("handout.no_total")
        key = "handout.pass" if est.passed else "handout.below"
        return self.t(key, mark=est.pass_mark)

    @property
    def score_headline(self) -> str:
        est = self.estimate
        if est.total is None:
            return self.t("handout.no_total")
        return self.t(
            "handout.headline_score",
            total=self.number(est.total),
            grade=est.rating_in(self.lang),
            verdict=self.verdict,
        )

    @property
    def done_headline(self) -> str:
        r = self.readiness
        return self.t("handout.headline_done", done=r.done, total=r.total)

    def measure_progress(self) -> pd.DataFrame:
        """One row per measure, in its order: actions done, actions in all, the merged status."""
        cols = ["measure", "done", "total", "status"]
        m = self.measures
        if not len(m) or "measure" not in m:
            return pd.DataFrame(columns=cols)
        status = m["status"] if "status" in m else pd.Series([None] * len(m), index=m.index)
        rows = []
        for name, idx in m.groupby("measure", sort=False).groups.items():
            states = [s for s in status.loc[idx] if isinstance(s, str)]
            done = sum(s == "done" for s in states)
            if states and done == len(states):
                merged = "done"
            elif any(s in ("done", "in_progress") for s in states):
                merged = "in_progress"
            else:
                merged = "not_started"
            rows.append({"measure": str(name), "done": done, "total": len(idx), "status": merged})
        return pd.DataFrame(rows, columns=cols)

    # --------------------------------------------------------------------------- charts

    def charts(self) -> list[Chart]:
        """Every chart of the hand-outs, in the order of the meeting: score first, measures last.

        Fresh figures on every call: callers resize and restyle them in place.
        """
        lang, r, est = self.lang, self.readiness, self.estimate
        out = [
            Chart(
                "score",
                self.t("handout.chart.score"),
                score_charts.subindicator_figure(est, lang=lang),
                self.score_headline,
            )
        ]
        if self.yoy is not None:
            out.append(
                Chart(
                    "year_on_year",
                    self.t("handout.chart.year_on_year"),
                    score_charts.year_on_year_figure(
                        self.yoy, year=self.year, pass_mark=est.pass_mark, lang=lang
                    ),
                    self.score_headline,
                )
            )
        out.append(
            Chart(
                "subindicators",
                self.t("handout.chart.subindicators"),
                charts.subindicator_bars(r.by_subindicator, lang),
                self.done_headline,
            )
        )
        if len(r.by_division):
            out.append(
                Chart(
                    "divisions",
                    self.t("handout.chart.divisions"),
                    charts.division_bars(r.by_division, self.overdue, lang),
                    self.done_headline,
                )
            )
            out.append(
                Chart(
                    "heatmap",
                    self.t("handout.chart.heatmap"),
                    charts.status_heatmap(r.items, r.by_division, lang),
                    self.t("handout.headline_missing", n=len(self.missing)),
                )
            )
        if len(self.timeline) or len(self.measures):
            headline = ""
            if self.next_deadline is not None:
                due = self.next_deadline
                headline = self.t(
                    "meeting.next_deadline",
                    activity=due.activity,
                    date=self.date_text(due.due, "short"),
                    n=due.days_left,
                )
            out.append(
                Chart(
                    "timeline",
                    self.t("handout.chart.timeline"),
                    charts.timeline_figure(self.timeline, self.measures, self.as_of, lang),
                    headline,
                )
            )
        progress = self.measure_progress()
        if len(progress):
            done, total = int(progress["done"].sum()), int(progress["total"].sum())
            out.append(
                Chart(
                    "measures",
                    self.t("handout.chart.measures"),
                    measures_bars(self.measures, lang),
                    self.t("meeting.measures_done", done=done, total=total),
                )
            )
        return out


# --------------------------------------------------------------------------- building


def build_handout(
    dataset: Dataset,
    *,
    framework: Framework | None = None,
    organisation: Organisation | None = None,
    readiness: Readiness | None = None,
    as_of: date | None = None,
    lang: str = "th",
    sample_only: bool = False,
    links: Sequence[Any] = (),
) -> Handout:
    """The hand-out of data already loaded (the dashboard passes what its pages show, and the
    last check of its links)."""
    fw = framework or load_framework(dataset.year)
    org = organisation or load_organisation()
    ready = readiness or compute_readiness(dataset, fw, org)
    return Handout(
        org,
        fw,
        dataset,
        ready,
        as_of or today_in_thailand(),
        "en" if lang == "en" else "th",
        sample_only,
        links=list(links),
    )


def load_handout(
    paths: Sequence[Path],
    *,
    year: int | None = None,
    as_of: date | None = None,
    lang: str = "th",
    settings: Settings | None = None,
) -> Handout:
    """The hand-out of these files (folders expanded), checked here and kept nowhere."""
    settings = settings or get_settings()
    year = year or settings.year
    org = load_organisation(settings.organisation)
    dataset = load_dataset(list(paths), year=year, organisation=org, settings=settings)
    return build_handout(
        dataset,
        framework=load_framework(year),
        organisation=org,
        as_of=as_of or today_in_thailand(),
        lang=lang,
    )


def store_handout(
    store: Store, counting: Current, *, as_of: date | None = None, lang: str = "th"
) -> Handout:
    """The hand-out of what the dashboard shows: what counts in the store (``current_data``),
    with the last check of its links. ``as_of`` defaults as on the dashboard: the sample's
    report date when only the sample counts, else today."""
    from ita_model.links.evidence import Evidence
    from ita_model.links.runs import latest, targets_of

    org = load_organisation()
    dataset = counting.dataset
    if as_of is None:
        as_of = org.report_date if counting.sample_only else today_in_thailand()
    links = latest(Evidence(store), counting.year, targets_of(dataset.oit_current()))
    return build_handout(
        dataset,
        framework=load_framework(counting.year),
        organisation=org,
        as_of=as_of,
        lang=lang,
        sample_only=counting.sample_only,
        links=links,
    )
