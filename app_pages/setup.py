"""ตั้งค่าหน่วยงาน — an administrator sets up the agency and its year, one saved step at a time:
the agency, its divisions, the fiscal year and its framework, who owns which item, the calendar,
then every division's blank workbook in one zip. Everything is kept in the store
(``ita_model/agency_store.py``, each change audited); ``in_force`` makes it what every page shows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages._auth import current_actor, read_only_notice
from app_pages._data import PAGE_ERRORS, agency_store, check_bytes, in_force
from app_pages._frame import DATA_IN_PAGE, guarded, header, show_error
from app_pages._tables import show_issues, table_height
from app_pages._words import lang, tr
from ita_model import sample
from ita_model.agency import (
    Agency,
    CalendarEntry,
    agency_types,
    division_text_from_sheet,
    parse_division_lines,
)
from ita_model.agency_store import AgencyStore
from ita_model.auth import Role
from ita_model.calendar import calendar_workbook, default_calendar
from ita_model.errors import UnreadableFile
from ita_model.fiscal import current_fiscal_year
from ita_model.framework import Framework, available_years, load_framework, shipped_frameworks
from ita_model.framework_import import import_framework
from ita_model.i18n import name_of
from ita_model.organisation import ALL, SERVES_PUBLIC
from ita_model.reader import read_workbook
from ita_model.settings import get_settings
from ita_model.setup_steps import (
    assignments_from_grid,
    copy_framework,
    divisions_from_rows,
    owners_grid,
    prefill,
    templates_zip,
)

header("setup.title")
actor = current_actor()
if not actor.can(Role.ADMIN):
    st.warning(tr("setup.admins_only"), icon=":material/lock:")
    st.stop()
if read_only_notice(Role.ADMIN):  # another agency's, shown read-only
    st.stop()

with guarded():
    base = get_settings()
    fs = agency_store(base)
    agencies = AgencyStore(fs)
    setup = agencies.setup()
    in_force(base)
st.caption(tr("setup.intro"))
en = lang() == "en"

if done := st.session_state.pop("setup_saved", None):
    st.success(tr("setup.saved", what=done), icon=":material/task_alt:")

steps = [
    ("setup.step_agency", setup.agency is not None),
    ("setup.step_divisions", bool(setup.divisions)),
    ("setup.step_year", setup.framework_how is not None),
    ("setup.step_owners", bool(setup.year and setup.assignments.get(setup.year))),
    ("setup.step_calendar", bool(setup.year and setup.calendar.get(setup.year))),
    ("setup.step_templates", setup.finished),
]
st.markdown(
    " · ".join(tr("setup.done_mark" if ok else "setup.todo_mark", step=tr(k)) for k, ok in steps)
)


def saved(what_key: str) -> None:
    st.session_state["setup_saved"] = tr(what_key)
    st.rerun()


def attempt(action: object, what_key: str) -> None:
    """Run a store write; a refusal is a message on the page, a success a rerun."""
    try:
        action()  # type: ignore[operator]
    except PAGE_ERRORS as exc:
        show_error(exc)
        return
    saved(what_key)


# ---------------------------------------------------------------- 1. the agency
st.subheader(tr("setup.step_agency"))
types = agency_types()
with st.form("setup_agency", border=True):
    a = setup.agency
    cols = st.columns(2)
    name_th = cols[0].text_input(tr("setup.name_th"), value=a.name_th if a else "", key="ag_th")
    name_en = cols[1].text_input(tr("setup.name_en"), value=a.name_en if a else "", key="ag_en")
    cols = st.columns(3)
    short_th = cols[0].text_input(tr("setup.short_th"), value=a.short_th if a else "", key="ag_s")
    codes = list(types)
    kind = cols[1].selectbox(
        tr("setup.agency_type"),
        codes,
        index=codes.index(a.agency_type) if a and a.agency_type in codes else 0,
        format_func=lambda c: name_of(types[c], lang()),
        key="ag_type",
    )
    province = cols[2].text_input(tr("setup.province"), value=a.province if a else "", key="ag_p")
    if st.form_submit_button(tr("setup.save"), type="primary"):
        try:
            agency = Agency(
                name_th=name_th.strip(),
                name_en=name_en.strip(),
                short_th=short_th.strip() or name_th.strip(),
                agency_type=kind,
                province=province.strip(),
            )
        except ValueError:
            st.error(tr("setup.agency_invalid"), icon=":material/edit:")
        else:
            attempt(lambda: agencies.save_agency(agency, user=actor), "setup.step_agency")

# ---------------------------------------------------------------- 2. divisions
st.subheader(tr("setup.step_divisions"))
if setup.agency is None:
    st.info(tr("setup.need_agency"), icon=":material/info:")
    st.stop()

rows = [
    {
        "name_th": d.name_th,
        "name_en": "" if d.name_en == d.name_th else d.name_en,
        "aliases": "; ".join(d.aliases),
        "serves_public": d.serves_public,
    }
    for d in setup.divisions
]


def add_divisions(text: str) -> None:
    found = parse_division_lines(text)
    if not found:
        st.warning(tr("setup.nothing_pasted"), icon=":material/info:")
        return
    have = {r["name_th"] for r in rows}
    more = [
        {
            "name_th": f["name_th"],
            "name_en": f["name_en"],
            "aliases": "; ".join(f["aliases"]),  # type: ignore[arg-type]
            "serves_public": False,
        }
        for f in found
        if f["name_th"] not in have
    ]
    save_divisions(rows + more)


def save_divisions(new_rows: list[dict]) -> None:
    try:
        divisions = divisions_from_rows(new_rows, setup.divisions)
        agencies.save_divisions(divisions, user=actor)
    except ValueError as exc:
        st.error(tr("setup.divisions_invalid", detail=exc), icon=":material/error:")
        return
    except PAGE_ERRORS as exc:
        show_error(exc)
        return
    saved("setup.step_divisions")


with st.container(border=True):
    paste_col, file_col = st.columns(2)
    pasted = paste_col.text_area(tr("setup.paste"), key="div_paste", height=140)
    if paste_col.button(tr("setup.paste_add"), key="div_paste_add"):
        add_divisions(pasted)
    sheet = file_col.file_uploader(
        tr("setup.sheet_upload"), type=["xlsx", "xlsm", "xls", "ods", "csv"], key="div_sheet"
    )
    if sheet is not None and file_col.button(tr("setup.sheet_add"), key="div_sheet_add"):
        try:
            book = read_workbook(sheet.getvalue(), sheet.name, settings=base)
        except UnreadableFile as exc:
            show_issues([exc.issue.model_dump()], key="div_sheet_issue")
        else:
            first = book.sheets[0] if book.sheets else None
            columns = [c.to_pylist() for c in first.columns] if first is not None else []
            add_divisions(division_text_from_sheet(columns))

    edited = st.data_editor(
        pd.DataFrame(rows, columns=["name_th", "name_en", "aliases", "serves_public"]),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key="div_editor",
        column_config={
            "name_th": st.column_config.TextColumn(tr("setup.div_name_th"), required=True),
            "name_en": st.column_config.TextColumn(tr("setup.div_name_en")),
            "aliases": st.column_config.TextColumn(tr("setup.div_aliases")),
            "serves_public": st.column_config.CheckboxColumn(tr("setup.div_serves")),
        },
    )
    st.caption(tr("setup.div_count", n=len(setup.divisions)))
    if st.button(tr("setup.save"), key="div_save", type="primary"):
        save_divisions(edited.to_dict("records"))

# ---------------------------------------------------------------- 3. year and framework
st.subheader(tr("setup.step_year"))
if not setup.divisions:
    st.info(tr("setup.need_divisions"), icon=":material/info:")
    st.stop()

agency_type = setup.agency.agency_type
type_name = name_of(types[agency_type], lang())
with st.container(border=True):
    year = int(
        st.number_input(
            tr("setup.year"),
            min_value=2560,
            max_value=2700,
            value=setup.year or current_fiscal_year(),
            step=1,
            help=tr("setup.year_help"),
            key="setup_year",
        )
    )
    if setup.year and setup.framework_how:
        current = load_framework(setup.year)
        st.caption(
            tr(
                "setup.framework_now",
                year=setup.year,
                items=len(current.items()),
                how=tr(f"setup.how_{setup.framework_how}", type=type_name, prev=setup.year - 1),
            )
        )
    shipped = year in shipped_frameworks(agency_type)
    previous = year - 1 if (year - 1) in available_years() else None
    options = (["shipped"] if shipped else []) + ["imported"] + (["copied"] if previous else [])
    if not shipped:
        st.caption(tr("setup.no_shipped", year=year, type=type_name))
    how = st.radio(
        tr("setup.how"),
        options,
        format_func=lambda h: tr(f"setup.how_{h}", type=type_name, prev=year - 1),
        key="setup_how",
        horizontal=True,
    )
    chosen: Framework | None = None
    ready = False
    if how == "shipped":
        chosen, ready = None, True
    elif how == "copied" and previous:
        chosen = copy_framework(load_framework(previous), year)
        st.caption(tr("setup.copied_note", prev=previous))
        ready = True
    else:
        upload = st.file_uploader(
            tr("setup.framework_file"), type=["xlsx", "xlsm", "xls", "ods"], key="fw_file"
        )
        if upload is not None:
            result = import_framework(
                upload.getvalue(), year, name=upload.name, agency_type=agency_type, settings=base
            )
            if result.framework is None:
                st.error(tr("setup.framework_bad"), icon=":material/error:")
                show_issues(result.report, key="fw_issues")
            else:
                chosen, ready = result.framework, True
                st.success(
                    tr(
                        "setup.framework_ok",
                        items=len(chosen.items()),
                        subs=sum(len(i.subindicators) for i in chosen.oit_indicators()),
                        ratings=", ".join(r.name_en if en else r.name_th for r in chosen.ratings),
                    ),
                    icon=":material/check_circle:",
                )
                if result.report.issues.warnings:
                    show_issues(result.report, key="fw_warnings")
    if st.button(tr("setup.save"), key="fw_save", type="primary", disabled=not ready):

        def save_year_and_framework() -> None:
            agencies.save_year(year, user=actor)
            agencies.save_framework(year, how, chosen, user=actor)

        attempt(save_year_and_framework, "setup.step_year")

# ---------------------------------------------------------------- 4. owners
st.subheader(tr("setup.step_owners"))
if not setup.ready or setup.year is None:
    st.info(tr("setup.need_framework"), icon=":material/info:")
    st.stop()

fy = setup.year
fw = load_framework(fy)
divisions = setup.divisions
table, source_year = prefill(
    fw, setup.assignments, divisions, types[agency_type].usual_organisation()
)
st.caption(tr("setup.owners_help"))
if source_year is not None:
    if source_year == fy:
        source = tr("setup.from_saved")
    elif source_year == 0:  # the agency type's usual owners
        source = tr("setup.from_usual", type=type_name)
    else:
        source = tr("setup.from_last_year", year=source_year)
    st.caption(tr("setup.owners_prefilled", source=source))
owned = sum(1 for item in fw.items() if table.get(item.code))
st.caption(tr("setup.owned", owned=owned, total=len(fw.items())))
grid = pd.DataFrame(owners_grid(fw, divisions, table))
name_column = "name_en" if en else "name_th"
edited_grid = st.data_editor(
    grid,
    hide_index=True,
    width="stretch",
    height=table_height(len(grid), 560),
    key=f"owners_{fy}",
    disabled=["item", "name_th", "name_en"],
    column_order=["item", name_column, ALL, SERVES_PUBLIC, *(d.id for d in divisions)],
    column_config={
        "item": st.column_config.TextColumn(tr("setup.item"), width=60),
        name_column: st.column_config.TextColumn(tr("setup.item_name"), width="medium"),
        ALL: st.column_config.CheckboxColumn(tr("setup.all_divisions")),
        SERVES_PUBLIC: st.column_config.CheckboxColumn(tr("setup.serving_public")),
        **{d.id: st.column_config.CheckboxColumn(name_of(d, lang())) for d in divisions},
    },
)
if st.button(tr("setup.save"), key="owners_save", type="primary"):
    new_table = assignments_from_grid(edited_grid.to_dict("records"), divisions)
    attempt(lambda: agencies.save_assignments(fy, new_table, user=actor), "setup.step_owners")

with st.container(border=True):
    st.markdown(f"**{tr('setup.quick_owner')}**")
    ids = [d.id for d in divisions]
    who = st.selectbox(
        tr("setup.quick_division"),
        ids,
        format_func=lambda i: name_of(next(d for d in divisions if d.id == i), lang()),
        key="quick_div",
    )
    codes = [item.code for item in fw.items()]
    names = {item.code: name_of(item, lang()) for item in fw.items()}
    with st.form(f"quick_form_{who}", border=False):
        picked = st.multiselect(
            tr("setup.quick_items"),
            codes,
            default=[c for c in codes if who in table.get(c, [])],
            format_func=lambda c: f"{c} {names[c]}",
            key=f"quick_items_{who}",
            placeholder=tr("setup.quick_items"),
        )
        quick = st.form_submit_button(tr("setup.quick_save"), key="quick_save")
    if quick:
        new_table = {c: [o for o in owners if o != who] for c, owners in table.items()}
        for c in picked:
            new_table.setdefault(c, []).append(who)
        attempt(lambda: agencies.save_assignments(fy, new_table, user=actor), "setup.step_owners")

# ---------------------------------------------------------------- 5. calendar
st.subheader(tr("setup.step_calendar"))
st.caption(tr("setup.calendar_help"))
entries = setup.calendar.get(fy) or default_calendar(fy)
cal = pd.DataFrame(
    [e.model_dump() for e in entries], columns=["activity", "start", "end", "phase", "note"]
)
edited_cal = st.data_editor(
    cal,
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    key=f"calendar_{fy}",
    column_config={
        "activity": st.column_config.TextColumn(tr("setup.cal_activity"), width="large"),
        "start": st.column_config.DateColumn(tr("setup.cal_start"), format="DD/MM/YYYY"),
        "end": st.column_config.DateColumn(tr("setup.cal_end"), format="DD/MM/YYYY"),
        "phase": st.column_config.TextColumn(tr("setup.cal_phase"), width="small"),
        "note": st.column_config.TextColumn(tr("setup.cal_note")),
    },
)
if st.button(tr("setup.save"), key="calendar_save", type="primary"):
    good, bad = [], 0
    for row in edited_cal.to_dict("records"):
        start = row.get("start")
        if not row.get("activity") or start is None or pd.isna(start):
            bad += 1
            continue
        end = row.get("end")
        good.append(
            CalendarEntry(
                activity=str(row["activity"]).strip(),
                start=pd.Timestamp(start).date(),
                end=None if end is None or pd.isna(end) else pd.Timestamp(end).date(),
                phase=str(row.get("phase") or ""),
                note=str(row.get("note") or ""),
            )
        )
    if bad:
        st.warning(tr("setup.calendar_bad", n=bad), icon=":material/warning:")

    def save_calendar() -> None:
        agencies.save_calendar(fy, good, user=actor)
        data = calendar_workbook(good, setup.agency.name_th, fy)  # type: ignore[union-attr]
        name = f"ปฏิทิน ITA {fy}.xlsx"
        report = check_bytes(data, name, fy, None, base.model_dump_json())
        sub, _ = fs.submit(
            data,
            name,
            user=actor,
            year=fy,
            division=None,
            errors=report.issues.errors,
            warnings=report.issues.warnings,
            report=report,
        )
        if sub.state == "pending":
            fs.accept(sub.id, user=actor)

    attempt(save_calendar, "setup.step_calendar")

# ---------------------------------------------------------------- 6. templates, and start
st.subheader(tr("setup.step_templates"))
st.caption(tr("setup.templates_help"))
org = setup.organisation()
with guarded():
    zipped = templates_zip(org, fy)
st.download_button(
    tr("setup.templates_zip"),
    data=zipped,
    file_name=f"oit_{fy}_templates.zip",
    mime="application/zip",
    icon=":material/download:",
    key="templates_zip",
)
if st.button(
    tr("setup.finish", year=fy), key="setup_finish", type="primary", help=tr("setup.finish_help")
):

    def finish() -> None:
        agencies.finish(user=actor)
        if sample.current_sample(fs):  # the demo's files are not the agency's
            sample.remove(fs, user=actor)

    attempt(finish, "setup.step_templates")
if setup.finished:
    st.success(tr("setup.started", year=fy), icon=":material/celebration:")
    links = st.columns(2)
    links[0].page_link(
        "app_pages/overview.py", label=tr("nav.overview"), icon=":material/dashboard:"
    )
    links[1].page_link(DATA_IN_PAGE, label=tr("nav.data_in"), icon=":material/upload_file:")
