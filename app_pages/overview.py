"""ภาพรวม — where do we stand, what is missing, whose is it, what is due next."""

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from app_pages import _links
from app_pages._as_of import as_of
from app_pages._data import Loaded
from app_pages._frame import guarded, header, page_data
from app_pages._handouts import current_handout, handout_buttons
from app_pages._memo import once
from app_pages._tables import html_cards, html_chart, html_table, status_text
from app_pages._words import be, lang, name_col, tr
from ita_model import html_charts, overview, scoring
from ita_model.html_cards import Card
from ita_model.i18n import both, name_of


def _who(ids: list[str], not_started: list[str], names: dict[str, str], status: str) -> str:
    """The owners still due; the ones that have not started say so, unless the item's own
    status already does (an item is "not started" only when none of its owners has started)."""
    mark = "" if status == "not_started" else f" ({status_text('not_started')})"
    return ", ".join(names.get(d, d) + (mark if d in not_started else "") for d in ids)


def key_figures(
    loaded: Loaded, est: scoring.Estimate, due: overview.Deadline | None, survey: pd.DataFrame
) -> list[list[Card]]:
    """The first screen's figures: the estimate, OIT done, indicators 9 and 10; then the next
    deadline and the two surveys' respondents."""
    r = loaded.readiness
    by_ind = r.by_indicator.set_index("indicator")
    # done: what every responsible division reports done; or what the agency as a whole does
    whole = not loaded.organisation.divisions
    done_help = "whole_agency.oit_done_help" if whole else "overview.oit_done_help"
    if est.total is None:
        first = Card(
            tr("overview.estimate"),
            "—",
            tr("overview.estimate_unknown"),
            tr("overview.estimate_help"),
        )
    else:
        key = "overview.estimate_pass" if est.passed else "overview.estimate_fail"
        note = tr(
            key, grade=est.rating_in(lang()), mark=f"{est.pass_mark:g}", gap=abs(est.gap or 0)
        )
        first = Card(
            tr("overview.estimate"), f"{est.total:.2f}", note, tr("overview.estimate_help")
        )
    top = [
        first,
        Card(tr("overview.oit_done"), f"{r.done} / {r.total}", help=tr(done_help)),
    ]
    for number in (9, 10):
        if number in by_ind.index:
            row = by_ind.loc[number]
            done, total = int(row["done"]), int(row["total"])
            top.append(
                Card(
                    tr("overview.indicator_pct", n=number),
                    f"{row['pct_done']:.0f}%",
                    tr("overview.items_done", done=done, total=total),
                    f"{row[name_col()]}: {done} / {total}",
                )
            )
    if due is None:
        bottom = [Card(tr("overview.next_deadline"), "—", tr("overview.no_deadline"))]
    else:
        bottom = [
            Card(
                tr("overview.next_deadline"),
                tr("overview.days_left", n=due.days_left),
                f"{due.activity} · {be(due.due)}",
                str(due.activity),
            )
        ]
    for tool in ("IIT", "EIT"):
        label = tr("overview.respondents", tool=tool)
        mine = survey[survey["tool"] == tool]
        if not len(mine):
            bottom.append(Card(label, "—", tr("overview.no_survey")))
            continue
        s = mine.iloc[0]
        target = s["target"]
        value = f"{s['respondents']:,}" + (f" / {int(target):,}" if target else "")
        notes = [f"{s['pct']:.0f}%"] if target else []
        if s["date"]:
            notes.append(tr("overview.counted_on", date=be(s["date"])))
        share = min(float(s["pct"]) / 100, 1.0) if target else None
        bottom.append(Card(label, value, " · ".join(notes), progress=share))
    return [top, bottom]


@dataclass(frozen=True)
class Figures:
    """What the overview works out from the loaded data and the day, once (``_memo.once``)."""

    due: overview.Deadline | None
    oit_due: date | None
    survey: pd.DataFrame
    estimate: scoring.Estimate
    missing: pd.DataFrame
    not_started: pd.DataFrame
    overdue: dict[str, int]


def figures(loaded: Loaded, today: date) -> Figures:
    r = loaded.readiness

    def make() -> Figures:
        steps = overview.timeline_states(loaded.dataset.latest("timeline"), today)
        oit_due = overview.oit_deadline(steps)
        return Figures(
            due=overview.next_deadline(steps, today),
            oit_due=oit_due,
            survey=overview.survey_progress(loaded.dataset.latest("survey"), today),
            estimate=scoring.estimate(r, loaded.dataset.latest("scores")),
            missing=overview.missing_items(r, loaded.organisation, deadline=oit_due, as_of=today),
            not_started=overview.not_started_by_division(r),
            overdue=overview.overdue_by_division(r, oit_due, today),
        )

    # the organisation is in the key: its names are in the missing list
    return once(r, ("overview", today, id(loaded.organisation)), make)


def missing_now(loaded: Loaded, f: Figures) -> None:
    """What is still missing and whose, every row, names wrapped; then who has not started."""
    oit_due = f.oit_due
    st.subheader(tr("overview.missing"))
    missing = f.missing
    if not len(missing):
        st.success(tr("overview.nothing_missing"), icon=":material/celebration:")
    else:
        names = {k: name_of(d, lang()) for k, d in loaded.organisation.reporters().items()}
        # one reporter, the agency as a whole: words that name no division
        whole = not loaded.organisation.divisions
        waiting_on = tr("whole_agency.waiting_on" if whole else "col.waiting_on")
        caption = "whole_agency.missing_caption" if whole else "overview.missing_caption"
        st.caption(
            tr(caption, n=len(missing))
            + (f" · {tr('overview.oit_due', date=be(oit_due))}" if oit_due else "")
        )
        table = pd.DataFrame(
            {
                tr("col.item"): missing["item"],
                tr("col.name"): missing[name_col()],
                tr("col.sub"): missing["subindicator"],
                tr("col.status"): [status_text(s) for s in missing["status"]],
                waiting_on: [
                    _who(w, n, names, s)
                    for w, n, s in zip(
                        missing["waiting_on"],
                        missing["not_started_on"],
                        missing["status"],
                        strict=True,
                    )
                ],
            }
        )
        # a static table: every row, long names wrapped, nothing to scroll inside
        html_table(table, "missing", nowrap=(tr("col.item"), tr("col.sub"), tr("col.status")))
    late = f.not_started
    if not loaded.organisation.divisions:
        return  # no division to have started: the table marks the items not started
    if not len(late):
        st.caption(tr("overview.all_started"))
        return
    nothing = late[late["nothing_started"]]
    some = late[~late["nothing_started"]]
    if len(nothing):
        st.error(
            tr("overview.nothing_started", names=", ".join(nothing[name_col()])),
            icon=":material/report:",
        )
    if len(some):
        st.warning(
            tr(
                "overview.some_not_started",
                names=", ".join(
                    f"{n} ({tr('overview.n_items', n=k)})"
                    for n, k in zip(some[name_col()], some["not_started"], strict=True)
                ),
            ),
            icon=":material/hourglass_empty:",
        )


loaded = page_data()
header("overview.title", loaded)
if loaded is not None:
    # the hand-out is gathered only once the popover is opened (a tenth of a second a run)
    pop = st.popover(
        tr("handout.buttons"), icon=":material/download:", key="ov_handouts", on_change="rerun"
    )
    if pop.open:
        with pop:
            handout_buttons(current_handout(loaded), key="ov_handout")

if loaded is not None:
    with guarded():
        today = as_of()
        r = loaded.readiness
        f = figures(loaded, today)
        html_cards(key_figures(loaded, f.estimate, f.due, f.survey))
        if checked := _links.results(loaded):
            st.metric(
                tr("links.with_problems"),
                f"{sum(not x.ok for x in checked)} / {len(checked)}",
                help=tr("links.with_problems_help"),
                border=True,
                width=320,
            )

        missing_now(loaded, f)
        st.subheader(tr("overview.by_subindicator"))
        html_chart(html_charts.subindicator_bars(r.by_subindicator, lang()))
        if loaded.organisation.divisions:
            st.subheader(tr("overview.by_division"))
            html_chart(html_charts.division_bars(r.by_division, f.overdue, lang()))
        else:  # no heading over a chart it cannot have: one line says why
            st.info(both("whole_agency.no_divisions"), icon=":material/info:")
        if f.oit_due:
            st.caption(tr("overview.overdue_rule", date=be(f.oit_due)))
