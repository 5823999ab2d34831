"""ส่วนราชการ — one division: its items, its completion, its latest workbook and its problems."""

from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages import _links
from app_pages._data import agency_store, sent_by
from app_pages._frame import guarded, header, page_data
from app_pages._tables import html_cards, html_table, show_issues, status_text
from app_pages._text import link, md
from app_pages._words import be, lang, tr
from ita_model.html_cards import Card
from ita_model.html_table import Link
from ita_model.i18n import both, name_of


def _counts(issues: list[dict]) -> tuple[int, int]:
    """Errors and warnings of a kept problem report."""
    severities = [i.get("severity") for i in issues]
    return severities.count("error"), severities.count("warning")


loaded = page_data()
header("divisions.title", loaded)

if loaded is not None:
    with guarded():
        r = loaded.readiness
        org = loaded.organisation
        if not org.divisions:
            st.info(both("whole_agency.no_divisions"), icon=":material/info:")
            st.stop()
        divisions = {d.id: d for d in org.divisions}
        table = r.by_division.set_index("division") if len(r.by_division) else None
        choices = list(table.index) if table is not None else []
        if not choices:
            st.info(tr("divisions.none"), icon=":material/info:")
            st.stop()
        div_id = st.selectbox(
            tr("divisions.pick"),
            choices,
            format_func=lambda d: name_of(divisions[d], lang()),
            key="division_pick",
        )
        row = table.loc[div_id]
        html_cards(
            [
                [
                    Card(tr("divisions.completion"), f"{row['pct_done']:.0f}%"),
                    Card(tr("status.done"), f"{int(row['done'])} / {int(row['total'])}"),
                    Card(tr("status.in_progress"), str(int(row["in_progress"]))),
                    Card(tr("status.not_started"), str(int(row["not_started"]))),
                ]
            ]
        )

        st.subheader(tr("divisions.items"))
        items = r.items[r.items["item"].isin(row["items"])]
        opens = tr("divisions.open_link")
        links = [next(filter(None, map(link, u)), None) for u in items["urls"]]
        shown = pd.DataFrame(
            {
                tr("col.item"): items["item"],
                tr("col.name"): items["name_en" if lang() == "en" else "name_th"],
                tr("divisions.its_status"): [
                    status_text(s.get(div_id)) for s in items["owner_status"]
                ],
                tr("divisions.overall_status"): [status_text(s) for s in items["status"]],
                tr("col.link"): [Link(u, opens) if u else "—" for u in links],
                tr("col.updated"): [be(u) for u in items["updated"]],
                tr("divisions.shared_with"): [
                    ", ".join(name_of(divisions[o], lang()) for o in owners if o != div_id) or "—"
                    for owners in items["owners"]
                ],
            }
        )
        # every item of the division, names wrapped, nothing to scroll inside
        html_table(
            shown,
            "division_items",
            nowrap=(
                tr("col.item"),
                tr("divisions.its_status"),
                tr("divisions.overall_status"),
                tr("col.link"),
                tr("col.updated"),
            ),
        )

        st.subheader(tr("links.division_heading"))
        its_links = [x for x in _links.results(loaded) if x.division == div_id]
        if bad_links := [x for x in its_links if not x.ok]:
            _links.table(bad_links, key=f"div_links_{div_id}", divisions=divisions, item=True)
        else:
            has_links = any(x.division == div_id for x in _links.targets(loaded))
            none = "links.none_problem" if its_links else "links.never"
            st.caption(tr(none if has_links else "links.no_links"))

        st.subheader(tr("divisions.latest"))
        settings = loaded.settings
        fs = agency_store(settings)
        mine = fs.submissions(year=settings.year, division=div_id)
        if mine:
            sub = mine[-1]
            st.markdown(
                tr(
                    "divisions.latest_upload",
                    file=md(sub.filename),
                    when=be(sub.submitted_at.date()),
                    time=sub.submitted_at.astimezone().strftime("%H:%M"),
                    user=md(sent_by(sub.user)),
                    state=tr(f"state.{sub.state}"),
                )
            )
            issues = fs.stored([sub])[0].to_json().get("issues", [])
            counts = sub.errors, sub.warnings
        else:
            report = next(
                (
                    rep
                    for rep in reversed(loaded.dataset.reports)
                    if rep.division == div_id
                    or (len(rep.frame("oit")) and div_id in set(rep.frame("oit")["division"]))
                ),
                None,
            )
            if report is None:
                st.info(tr("divisions.no_workbook"), icon=":material/inbox:")
                issues = None
            else:
                st.markdown(tr("divisions.latest_shared", file=md(Path(report.path).name)))
                issues = report.to_json().get("issues", [])
                counts = _counts(issues)
        if issues is not None:
            st.caption(tr("report.summary", errors=counts[0], warnings=counts[1]))
            show_issues(issues, key=f"div_issues_{div_id}")
