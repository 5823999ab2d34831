"""OIT — the 43 items, grouped indicator → sub-indicator → group, with filters and a heat map."""

from collections.abc import Mapping
from typing import Any

import streamlit as st

from app_pages import _links
from app_pages._frame import guarded, header, page_data
from app_pages._tables import html_chart, plot, status_badge, status_text
from app_pages._text import link, md
from app_pages._words import be, lang, tr
from ita_model import charts, oit_html
from ita_model.framework import Item
from ita_model.i18n import name_of
from ita_model.records import status_label

loaded = page_data()
header("oit.title", loaded)

if loaded is not None:
    with guarded():
        r = loaded.readiness
        org = loaded.organisation
        fw = loaded.framework
        # one dict per item: a hundred .loc lookups a run were a tenth of the script
        items = {rec["item"]: rec for rec in r.items.to_dict("records")}
        divisions = org.reporters()  # the divisions, and the agency as a whole (ทั้งหน่วยงาน)
        owning = [d for d in r.by_division["division"]] if len(r.by_division) else []
        # no divisions: it reports as a whole, no division to filter by or to map items against
        whole = not org.divisions

        statuses = st.pills(
            tr("oit.filter_status"),
            list(charts.STATUS_ORDER),
            selection_mode="multi",
            format_func=lambda s: f"{charts.STATUS_SYMBOLS[s]} {status_label(s, lang())}",
            key="oit_status",
        )
        f2, f3 = st.columns(2)
        # several at once; nothing chosen = all (the prompt says so in the page's language)
        chosen_divs: list[str] = []
        if not whole:
            chosen_divs = f2.multiselect(
                tr("oit.filter_division"),
                owning,
                format_func=lambda d: name_of(divisions[d], lang()),
                key="oit_division",
                placeholder=tr("oit.all"),
            )
        else:
            f3 = f2  # the sub-indicators take the first column
        subs = {s.code: s for ind in fw.oit_indicators() for s in ind.subindicators}
        chosen_subs = f3.multiselect(
            tr("oit.filter_sub"),
            list(subs),
            format_func=lambda c: f"{c} {name_of(subs[c], lang())}",
            key="oit_sub",
            placeholder=tr("oit.all"),
        )

        def keep(code: str) -> bool:
            row = items[code]
            if statuses and row["status"] not in statuses:
                return False
            if chosen_divs and not set(chosen_divs) & set(row["owners"]):
                return False
            return not chosen_subs or row["subindicator"] in chosen_subs

        shown = [c for c in items if keep(c)]
        st.caption(tr("oit.showing", n=len(shown), total=len(items)))
        checked: dict[str, list] = {}
        for result in _links.check_button(loaded, key="oit_check_links"):
            checked.setdefault(result.item, []).append(result)

        owners_word = "whole_agency.owners" if whole else "oit.owners"

        def draw_item(item: Item, row: Mapping[str, Any]) -> None:
            a, b = st.columns([1, 1])
            owners_md = "\n".join(
                f"- {md(name_of(divisions[d], lang()))}: {status_text(row['owner_status'].get(d))}"
                for d in row["owners"]
                if d in divisions
            )
            a.markdown(f"**{tr(owners_word)}**\n\n{owners_md}")
            # a link only for a validated http(s) URL; anything else is shown as text
            links = "\n".join(f"- <{link(u)}>" if link(u) else f"- {md(u)}" for u in row["urls"])
            links = links or "—"
            b.markdown(f"**{tr('oit.links')}**\n\n{links}")
            b.markdown(f"**{tr('oit.updated')}** {be(row['updated'])}")
            comps = "\n".join(f"- {md(c)}" for c in item.components)
            st.markdown(f"**{tr('oit.components')}**\n\n{comps}")
            st.markdown(f"**{tr('links.heading')}**")
            mine = checked.get(item.code, [])
            if mine:
                _links.table(
                    mine,
                    key=f"oit_links_{item.code}",
                    divisions=divisions,
                    kept=_links.evidence(loaded.settings),
                    year=loaded.settings.year,
                )
                _links.kept_copies(loaded.settings, mine, key=f"oit_kept_{item.code}")
            else:
                st.caption(tr("links.not_checked") if len(row["urls"]) else tr("links.no_links"))

        words = oit_html.Words(
            owners=tr(owners_word),
            links=tr("oit.links"),
            updated=tr("oit.updated"),
            components=tr("oit.components"),
            checks=tr("links.heading"),
        )

        def view(item: Item, row: Mapping[str, Any]) -> oit_html.ItemView:
            owner_status = row["owner_status"]
            return oit_html.ItemView(
                code=item.code,
                name=name_of(item, lang()),
                status=row["status"],
                status_text=status_text(row["status"]),
                owners=[
                    (
                        name_of(divisions[d], lang()),
                        owner_status.get(d) or "",
                        status_text(owner_status.get(d)),
                    )
                    for d in row["owners"]
                    if d in divisions
                ],
                urls=list(row["urls"]),
                updated=be(row["updated"]),
                components=list(item.components),
                checks_note=tr("links.not_checked") if len(row["urls"]) else tr("links.no_links"),
            )

        def draw_list() -> None:
            if not shown:
                st.info(tr("oit.none_match"), icon=":material/filter_alt_off:")
            # The list is HTML: each item a disclosure the browser opens alone. An item whose
            # links were checked keeps an expander: its results and kept copies are a table and
            # download buttons, built only once it is opened.
            parts: list[str] = []

            def flush() -> None:
                if parts:
                    html_chart(oit_html.block(parts))
                    parts.clear()

            for ind in fw.oit_indicators():
                if not any(i.code in shown for i in ind.items()):
                    continue
                parts.append(
                    oit_html.heading(
                        3, f"{tr('oit.indicator', n=ind.number)} {name_of(ind, lang())}"
                    )
                )
                for sub in ind.subindicators:
                    if not any(i.code in shown for i in sub.items()):
                        continue
                    done = sum(items[i.code]["status"] == "done" for i in sub.items())
                    parts.append(
                        oit_html.heading(
                            4,
                            f"{sub.code} {name_of(sub, lang())}",
                            tr("oit.done_of", done=done, total=len(sub.items())),
                        )
                    )
                    for group in sub.groups:
                        g_items = [i for i in group.items if i.code in shown]
                        if not g_items:
                            continue
                        if len(sub.groups) > 1:
                            parts.append(oit_html.group_caption(name_of(group, lang())))
                        for item in g_items:
                            row = items[item.code]
                            if item.code not in checked:
                                parts.append(oit_html.item_html(view(item, row), words))
                                continue
                            flush()
                            bad = any(not c.ok for c in checked[item.code])
                            flag = f" · ⚠ {tr('links.problem_badge')}" if bad else ""
                            box = st.expander(
                                f"**{item.code}** {md(name_of(item, lang()))} · "
                                f"{status_badge(row['status'])}{flag}",
                                key=f"oit_item_{item.code}",
                                on_change="rerun",
                            )
                            if box.open:
                                with box:
                                    draw_item(item, row)
            flush()

        def draw_map() -> None:
            st.caption(tr("oit.map_caption"))
            div_rows = r.by_division
            if chosen_divs:
                div_rows = div_rows[div_rows["division"].isin(chosen_divs)]
            map_items = r.items[r.items["item"].isin(shown)]
            if len(map_items) and len(div_rows):
                plot(charts.status_heatmap(map_items, div_rows, lang()), key="oit_map")
            else:
                st.info(tr("oit.none_match"), icon=":material/filter_alt_off:")

        if whole:  # the list only: a map of items against divisions it has not
            draw_list()
        else:
            # Lazy tabs: only the open one is built (and sent to the browser).
            tab_list, tab_map = st.tabs(
                [tr("oit.tab_list"), tr("oit.tab_map")], key="oit_tab", on_change="rerun"
            )
            if tab_list.open is not False:
                with tab_list:
                    draw_list()
            if tab_map.open:
                with tab_map:
                    draw_map()
