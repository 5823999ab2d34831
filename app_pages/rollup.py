"""ภาพรวมหลายหน่วยงาน — a supervisor's picture across agencies before the assessment: who will pass
85, who is behind and by how much, which items are missing most, and the way into any agency's
own dashboard (read-only).

Filter first, then draw: the three filters narrow the agencies' rows (thousands of them), and
only then are the figures worked out and one page of the heat map drawn. The fiscal year is
chosen first (the years with a framework; the deployment's by default): it drives the figures,
the "as of" date (moved into that year), the drill-down and the hand-outs.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _rollup
from app_pages._as_of import ROLLUP_YEAR, as_of
from app_pages._auth import current_actor
from app_pages._frame import guarded
from app_pages._rollup_handouts import rollup_handout_buttons
from app_pages._tables import html_cards, html_chart
from app_pages._text import md
from app_pages._words import be, lang, thai_digits, tr
from ita_model import rollup_figures as rf
from ita_model import rollup_html, rollup_links
from ita_model.html_cards import Card
from ita_model.i18n import t
from ita_model.scope import Scope
from ita_model.settings import get_settings

HEAT_ROWS = 50  # agencies a page of the heat map shows
BELOW_ROWS = 100  # agencies a page of the below-the-mark table shows
MISSING_FIRST = 10  # items shown before "show every item"
LINK_ROWS = 10  # agencies the links-with-problems table shows, the most problems first
PICK_MOST = 500  # agencies the drill-down's picker offers at once; a longer list is searched


def scope_words(scope: Scope) -> str:
    """A scope as people read it: ทุกหน่วยงาน, จังหวัด พะเยา, สังกัด …, n หน่วยงาน."""
    if scope.everything:
        return tr("rollup_page.scope_all")
    words = []
    for part in scope.parts:
        if part.kind == "province":
            words.append(f"{tr('rollup_page.province')} {', '.join(part.values)}")
        elif part.kind == "parent":
            words.append(f"{tr('rollup_page.parent')} {', '.join(part.values)}")
        else:
            words.append(tr("rollup_page.n_agencies", n=f"{len(part.values):,}"))
    return " · ".join(words)


def year_picker(scope: Scope) -> int:
    """The fiscal year to roll up, newest first; the deployment's year until another is
    chosen (a value no longer offered falls back to it)."""
    with guarded():
        years = _rollup.scope_years(scope)
    default = get_settings().year
    if st.session_state.get(ROLLUP_YEAR) not in years.offered:
        st.session_state[ROLLUP_YEAR] = default  # no index=: the session holds the value
    words = lang()
    year = st.columns([1, 2])[0].selectbox(
        tr("rollup_year.label"),
        list(years.offered),
        format_func=lambda y: t("rollup_year.option", words, year=y),
        help=tr("rollup_year.help"),
        key=ROLLUP_YEAR,
        on_change=_rollup.year_changed,
    )
    if years.without_framework:
        listed = ", ".join(str(y) for y in years.without_framework)
        st.caption(tr("rollup_year.without_framework", years=listed))
    return int(year)


def filters(agencies: pd.DataFrame) -> rf.Filters:
    """Province, type and parent: multiselects with Thai prompts, each offering what the scope
    holds."""
    words = lang()  # the option labels are made later too (in tests): not from the session
    left, middle, right = st.columns(3)
    provinces = left.multiselect(
        tr("rollup_page.province"),
        rf.choices(agencies, "province"),
        placeholder=tr("rollup_page.province_prompt"),
        key="rollup_provinces",
    )
    types = middle.multiselect(
        tr("rollup_page.type"),
        rf.choices(agencies, "type"),
        format_func=lambda code: rf.type_name(code, words),
        placeholder=tr("rollup_page.type_prompt"),
        key="rollup_types",
    )
    parents = right.multiselect(
        tr("rollup_page.parent"),
        rf.choices(agencies, "parent"),
        placeholder=tr("rollup_page.parent_prompt"),
        key="rollup_parents",
    )
    return rf.Filters(tuple(provinces), tuple(types), tuple(parents))


def key_figures(s: rf.Summary, mark: float) -> list[list[Card]]:
    mean = "—" if s.mean_total is None else f"{s.mean_total:.2f}"
    return [
        [
            Card(
                tr("rollup_page.kpi_agencies"),
                f"{s.agencies:,}",
                tr("rollup_page.kpi_agencies_note", n=f"{s.estimated:,}"),
            ),
            Card(
                tr("rollup_page.kpi_passing", mark=f"{mark:g}"),
                f"{s.passing:,}",
                tr("rollup_page.kpi_passing_note", pct=rf.share_text(s.passing_share)),
                progress=s.passing_share,
            ),
            Card(
                tr("rollup_page.kpi_mean"),
                mean,
                tr("rollup_page.kpi_mean_note", mark=f"{mark:g}"),
                tr("rollup_page.kpi_mean_help"),
            ),
            Card(
                tr("rollup_page.kpi_oit"),
                rf.share_text(s.oit_share),
                tr("rollup_page.kpi_oit_note", done=f"{s.oit_done:,}", total=f"{s.oit_total:,}"),
                progress=s.oit_share,
            ),
        ]
    ]


def page_picker(rows: int, size: int, label_key: str, key: str) -> tuple[int, int]:
    """Which rows of a long list to draw, and the "showing n of m" line; every row is on some
    page. Short lists show whole, with no picker."""
    pages = rf.pages_of(rows, size)
    words = lang()
    if len(pages) > 1:
        start, stop = st.columns([1, 2])[0].selectbox(
            tr(label_key),
            pages,
            format_func=lambda p: t(
                "rollup_page.rows_page_option", words, first=p[0] + 1, last=p[1]
            ),
            key=key,
        )
    else:
        start, stop = pages[0]
    st.caption(tr("rollup_page.showing", first=min(start + 1, rows), last=stop, total=f"{rows:,}"))
    return start, stop


def heat_map(agencies: pd.DataFrame, indicators: pd.DataFrame) -> None:
    st.subheader(tr("rollup_page.heatmap"))
    st.caption(tr("rollup_page.heatmap_caption"))
    start, stop = page_picker(len(agencies), HEAT_ROWS, "rollup_page.rows_page", "rollup_heat_page")
    shown = agencies.iloc[start:stop]
    matrix = rf.indicator_matrix(list(shown["agency"]), indicators)
    names = rf.indicator_names(indicators)
    html_chart(rollup_html.heat_map(shown, matrix, names, lang=lang(), first_rank=start + 1))


def drill(agencies: pd.DataFrame, year: int) -> None:
    """Any agency of the list, worst first, into its own dashboard. A long list is searched
    first (name or code): a picker of thousands of agencies cost the browser a second a run."""
    st.subheader(tr("rollup_page.drill"))
    if len(agencies) > PICK_MOST:
        words = st.text_input(
            tr("rollup_page.drill_search"),
            placeholder=tr("rollup_page.drill_search_prompt"),
            key="rollup_drill_search",
        )
        found = rf.matching(agencies, words)
        st.caption(
            tr("rollup_page.drill_found", n=f"{len(found):,}", shown=min(len(found), PICK_MOST))
            if len(found) > PICK_MOST
            else tr("rollup_page.n_agencies", n=f"{len(found):,}")
        )
        agencies = found.head(PICK_MOST)
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    labels = {
        code: f"{name} · {province or '—'} · {'—' if pd.isna(total) else f'{total:.2f}'}"
        for code, name, province, total in zip(
            agencies["agency"],
            agencies["name"],
            agencies["province"],
            agencies["total"],
            strict=True,
        )
    }
    code = left.selectbox(
        tr("rollup_page.drill_pick"),
        list(labels),
        index=None,
        format_func=labels.__getitem__,
        placeholder=tr("rollup_page.drill_prompt"),
        key="rollup_drill",
    )
    right.button(
        tr("rollup_page.drill_go"),
        icon=":material/open_in_new:",
        disabled=code is None,
        key="rollup_drill_go",
        width="stretch",
        on_click=_rollup.drill_into,
        args=(code, year),  # its dashboard in the year shown here
    )


def spread(agencies: pd.DataFrame, year: int, mark: float) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader(tr("rollup_page.distribution"))
        html_chart(rollup_html.total_histogram(rf.total_bins(agencies), mark, lang=lang()))
    with right:
        st.subheader(tr("rollup_page.ratings"))
        html_chart(rollup_html.rating_bars(rf.rating_counts(agencies, year, lang()), lang=lang()))


def below(agencies: pd.DataFrame, mark: float) -> None:
    st.subheader(tr("rollup_page.below", mark=f"{mark:g}"))
    behind = rf.below_pass(agencies, mark)
    if not len(behind):
        st.success(tr("rollup_page.none_below"), icon=":material/celebration:")
        return
    st.caption(tr("rollup_page.below_caption", n=f"{len(behind):,}"))
    start, stop = page_picker(len(behind), BELOW_ROWS, "rollup_page.rows_page", "rollup_below_page")
    html_chart(
        rollup_html.gap_table(behind.iloc[start:stop], mark, lang=lang(), first_rank=start + 1)
    )


def links(agencies: pd.DataFrame, kept: pd.DataFrame) -> None:
    """The agencies with the most links with problems in their latest kept check."""
    st.subheader(tr("links_scope.heading"))
    worst = rollup_links.worst_links(agencies, kept, LINK_ROWS)
    never = int((~agencies["agency"].isin(kept["agency"])).sum())
    st.caption(tr("links_scope.caption", never=never))
    if not len(worst):
        st.success(tr("links_scope.none"), icon=":material/link:")
        return
    html_chart(rollup_html.link_table(worst, lang=lang(), thai_digits=thai_digits()))


def missing(frame: pd.DataFrame, agencies: int) -> None:
    st.subheader(tr("rollup_page.missing"))
    lacking = frame[frame["agencies_missing"] > 0]
    if not len(lacking):
        st.success(tr("rollup_page.nothing_missing"), icon=":material/celebration:")
        return
    every = len(lacking) <= MISSING_FIRST or st.toggle(
        tr("rollup_page.missing_all"), key="rollup_missing_all"
    )
    shown = lacking if every else lacking.head(MISSING_FIRST)
    st.caption(tr("rollup_page.missing_caption", n=len(shown), total=len(lacking)))
    html_chart(rollup_html.missing_bars(shown, agencies, lang=lang()))


def progress(frame: pd.DataFrame, agencies: int) -> None:
    st.subheader(tr("rollup_page.progress"))
    if not len(frame):
        st.caption(tr("rollup_page.no_progress"))
        return
    days = list(frame["day"])
    html_chart(
        rollup_html.progress_line(
            days,
            [float(v) for v in frame["agencies_passing"]],
            top=float(max(agencies, 1)),
            suffix="",
            title=tr("rollup_page.progress_passing"),
            name="progress-passing",
            lang=lang(),
            thai_digits=thai_digits(),
        )
    )
    html_chart(
        rollup_html.progress_line(
            days,
            [100 * float(v) for v in frame["mean_oit_done_share"]],
            top=100.0,
            suffix="%",
            title=tr("rollup_page.progress_oit"),
            name="progress-oit",
            lang=lang(),
            thai_digits=thai_digits(),
        )
    )


def body(scope: Scope) -> None:
    year = year_picker(scope)
    today = as_of()  # moved into the year when the year was chosen (``_rollup.year_changed``)
    with guarded():
        whole = _rollup.scope_rollup(scope, today, year)
    mark = rf.pass_mark_of(whole)
    st.caption(
        " · ".join(
            [
                tr("rollup_page.scope", scope=md(scope_words(scope))),  # names from a sheet
                tr("common.fiscal_year", year=year),
                tr("common.as_of", date=be(today)),
            ]
        )
    )
    if not len(whole.agencies):
        st.info(tr("rollup_page.empty_scope"), icon=":material/domain_disabled:")
        return
    chosen = filters(whole.agencies)
    agencies = rf.narrowed(whole.agencies, chosen)
    if chosen.any:
        st.caption(
            tr("rollup_page.narrowed", n=f"{len(agencies):,}", total=f"{len(whole.agencies):,}")
        )
    if not len(agencies):
        st.info(tr("rollup_page.empty_filter"), icon=":material/filter_alt_off:")
        return
    shown = whole
    if chosen.any:
        with guarded():
            shown = _rollup.agencies_rollup(
                list(agencies["agency"]), today, year, rf.filters_scope(chosen, scope)
            )
    agencies = rf.worst_first(agencies)
    html_cards(key_figures(rf.summary(agencies), mark))
    rollup_handout_buttons(shown, agencies, scope_words(scope), chosen, today)
    heat_map(agencies, shown.indicators)
    drill(agencies, year)
    spread(agencies, year, mark)
    below(agencies, mark)
    links(agencies, whole.links)
    missing(shown.missing, len(agencies))
    progress(shown.progress, len(agencies))


st.title(tr("rollup_page.title"))
actor = current_actor()
if not _rollup.may_see_rollup(actor):  # the door lists it only for them; a typed URL too
    st.warning(tr("rollup_page.not_allowed"), icon=":material/lock:")
    st.stop()
body(_rollup.actor_scope(actor))
