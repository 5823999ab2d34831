"""OIT — the 43 items, grouped indicator → sub-indicator → group, with filters and a heat map."""

from collections.abc import Mapping
from typing import Any

import streamlit as st

from app_pages import _links
from app_pages._frame import guarded, header, page_data
from app_pages._tables import plot, status_badge, status_text
from app_pages._text import link, md
from app_pages._words import be, lang, tr
from ita_model import charts
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
        divisions = {d.id: d for d in org.divisions}
        owning = [d for d in r.by_division["division"]] if len(r.by_division) else []

        statuses = st.pills(
            tr("oit.filter_status"),
            list(charts.STATUS_ORDER),
            selection_mode="multi",
            format_func=lambda s: f"{charts.STATUS_SYMBOLS[s]} {status_label(s, lang())}",
            key="oit_status",
        )
        f2, f3 = st.columns(2)
        # several at once; nothing chosen = all (the prompt says so in the page's language)
        chosen_divs = f2.multiselect(
            tr("oit.filter_division"),
            owning,
            format_func=lambda d: name_of(divisions[d], lang()),
            key="oit_division",
            placeholder=tr("oit.all"),
        )
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

        def draw_item(item: Item, row: Mapping[str, Any]) -> None:
            a, b = st.columns([1, 1])
            owners_md = "\n".join(
                f"- {md(name_of(divisions[d], lang()))}: {status_text(row['owner_status'].get(d))}"
                for d in row["owners"]
                if d in divisions
            )
            a.markdown(f"**{tr('oit.owners')}**\n\n{owners_md}")
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

        def draw_list() -> None:
            if not shown:
                st.info(tr("oit.none_match"), icon=":material/filter_alt_off:")
            for ind in fw.oit_indicators():
                if not any(i.code in shown for i in ind.items()):
                    continue
                st.subheader(f"{tr('oit.indicator', n=ind.number)} {md(name_of(ind, lang()))}")
                for sub in ind.subindicators:
                    if not any(i.code in shown for i in sub.items()):
                        continue
                    done = sum(items[i.code]["status"] == "done" for i in sub.items())
                    st.markdown(  # names from a framework file are text: no HTML here
                        f"#### {md(sub.code)} {md(name_of(sub, lang()))} "
                        f":small[({tr('oit.done_of', done=done, total=len(sub.items()))})]"
                    )
                    for group in sub.groups:
                        g_items = [i for i in group.items if i.code in shown]
                        if not g_items:
                            continue
                        if len(sub.groups) > 1:
                            st.caption(md(name_of(group, lang())))
                        for item in g_items:
                            row = items[item.code]
                            # lazy: the details are built only once the expander is opened
                            bad = any(not c.ok for c in checked.get(item.code, []))
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
