"""The link check on the pages: the last results of the current links, a run on demand, the
kept copies to download. Fetched titles and text are plain table cells, never Markdown."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from app_pages._auth import current_actor, may_write
from app_pages._data import Loaded, agency_store
from app_pages._memo import once
from app_pages._tables import table_height
from app_pages._words import be, lang, tr
from ita_model.auth import Role
from ita_model.i18n import name_of
from ita_model.links.check import LinkResult, Target
from ita_model.links.evidence import Evidence, current
from ita_model.links.runs import Run, check_and_keep, policy_of, targets_of
from ita_model.settings import Settings

THAILAND = ZoneInfo("Asia/Bangkok")


def evidence(settings: Settings) -> Evidence:
    return Evidence(agency_store(settings))


def targets(loaded: Loaded) -> list[Target]:
    """Every current link of the loaded data, worked out once per loaded dataset: a page asks
    two or three times a run, and each time cost a tenth of the OIT page's script."""
    return once(loaded.dataset, "link_targets", lambda: targets_of(loaded.dataset.oit_current()))


def results(loaded: Loaded) -> list[LinkResult]:
    """The last check of every current link of the year shown. The store first: when no link
    was ever checked, the current links are not worked out (a tenth of the overview's run)."""
    checked = evidence(loaded.settings).latest(loaded.settings.year)
    return current(checked, targets(loaded)) if checked else []


def when(r: LinkResult) -> str:
    at = r.checked_at.astimezone(THAILAND)
    return f"{be(at.date())} {at:%H:%M}"


def verdict(r: LinkResult) -> str:
    if not r.problems:
        return "✓ " + tr("links.ok")
    marks = {"error": "✗", "warning": "⚠", "notice": "ℹ"}
    en = lang() == "en"
    return " · ".join(
        f"{marks[p.severity.value]} {p.message_en if en else p.message}" for p in r.problems
    )


def run_now(loaded: Loaded, chosen: Sequence[Target], trigger: str = "page") -> Run:
    """Check ``chosen`` now (an editor asked, or a workbook was accepted) and keep the run."""
    actor = current_actor()
    with st.spinner(tr("links.checking", n=len(chosen))):
        return check_and_keep(
            evidence(loaded.settings),
            chosen,
            year=loaded.settings.year,
            policy=policy_of(loaded.settings),
            trigger=trigger,
            user=actor,
            all_targets=targets(loaded),
        )


def check_button(loaded: Loaded, key: str) -> list[LinkResult]:
    """The last run's summary and, for editors, the button that checks every link now; returns
    the results it summed up (the page lists them, without asking the store again)."""
    shown = results(loaded)
    every = targets(loaded)
    if shown:
        last = max(r.checked_at for r in shown)
        at = last.astimezone(THAILAND)
        bad = sum(not r.ok for r in shown)
        st.caption(
            tr("links.last_run", when=f"{be(at.date())} {at:%H:%M}", bad=bad, total=len(shown))
        )
    else:
        st.caption(tr("links.never"))
    if done := st.session_state.pop(f"{key}_done", None):
        st.success(tr("links.done", **done), icon=":material/link:")
    editor = may_write(Role.EDITOR)
    if st.button(
        tr("links.check_now"),
        key=key,
        icon=":material/travel_explore:",
        disabled=not editor or not every,
        help=None if editor else tr("links.editors_only"),
    ):
        run = run_now(loaded, every)
        st.session_state[f"{key}_done"] = {
            "total": len(run.results),
            "bad": len(run.with_problems),
        }
        st.rerun()
    return shown


def table(
    rows: Sequence[LinkResult],
    key: str,
    divisions: dict | None = None,
    item: bool = False,
    kept: Evidence | None = None,
    year: int = 0,
) -> None:
    """One row per checked link: every value a plain text cell. With ``kept`` (the evidence)
    and the fiscal ``year``: since when the page has been as it is now."""

    def since(r: LinkResult) -> str:
        at = kept.unchanged_since(r.url, year) if kept else None
        return "—" if at is None else f"{be(at.astimezone(THAILAND).date())}"

    frame = pd.DataFrame(
        [
            {
                "since": since(r) if kept else "",
                "item": r.item,
                "division": name_of(divisions[r.division], lang())
                if divisions and r.division in divisions
                else (r.division or "—"),
                "url": r.url,
                "checked": when(r),
                "status": "—" if r.status is None else str(r.status),
                "result": verdict(r),
                "title": r.title or r.excerpt or "",
            }
            for r in rows
        ]
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_order=[
            *(["item"] if item else []),
            "division",
            "url",
            "checked",
            "status",
            "result",
            "title",
        ],
        column_config={
            "item": st.column_config.TextColumn(tr("links.col_item"), width=45),
            "division": st.column_config.TextColumn(tr("links.col_division"), width=110),
            "url": st.column_config.TextColumn(tr("links.col_url"), width=170),
            "checked": st.column_config.TextColumn(tr("links.col_checked"), width=115),
            "status": st.column_config.TextColumn(tr("links.col_status"), width=45),
            "result": st.column_config.TextColumn(tr("links.col_result"), width=430),
            "since": st.column_config.TextColumn(tr("links.col_since"), width=110),
            "title": st.column_config.TextColumn(tr("links.col_title"), width=260),
        },
        height=table_height(len(frame), 320),
        key=key,
    )


def kept_copies(settings: Settings, rows: Sequence[LinkResult], key: str) -> None:
    """A download button per kept copy (the bytes as fetched on the day of the check)."""
    kept = Evidence(agency_store(settings))
    seen: set[str] = set()
    for r in rows:
        if r.sha256 is None or r.sha256 in seen:
            continue
        seen.add(r.sha256)
        ctype = (r.content_type or "application/octet-stream").split(";", 1)[0].strip()
        suffix = mimetypes.guess_extension(ctype) or ".bin"
        at = r.checked_at.astimezone(THAILAND)
        sha = r.sha256
        st.download_button(
            tr("links.kept_copy", item=r.item, when=when(r)),
            data=lambda sha=sha: (kept.blob(sha) or (b"", ""))[0],
            file_name=f"{r.item}-{at:%Y%m%d-%H%M}-{sha[:8]}{suffix}",
            mime=ctype,
            on_click="ignore",
            icon=":material/download:",
            help=tr("links.kept_help"),
            key=f"{key}_{sha[:12]}",
        )


def file_check(report: object, settings: Settings, key: str, divisions: dict) -> None:
    """One workbook's links checked before it is accepted (nothing kept: it does not count yet)."""
    from ita_model.links.check import check

    chosen = targets_of(report.frame("oit"))  # type: ignore[attr-defined]
    if not chosen:
        return
    if st.button(tr("links.check_file"), key=key, icon=":material/travel_explore:"):
        with st.spinner(tr("links.checking", n=len(chosen))):
            found, _ = check(chosen, settings.year, policy_of(settings))
        st.session_state[f"{key}_results"] = found
    if found := st.session_state.get(f"{key}_results"):
        bad = sum(not r.ok for r in found)
        st.caption(tr("links.done", total=len(found), bad=bad))
        table(found, key=f"{key}_table", divisions=divisions, item=True)


def after_accept(loaded: Loaded, division: str | None) -> None:
    """Check the division's links once its workbook was accepted (when the setting is on)."""
    from ita_model.links.runs import after_accept as check_division

    with st.spinner(tr("links.checking", n="…")):
        run = check_division(
            agency_store(loaded.settings),
            division,
            settings=loaded.settings,
            year=loaded.settings.year,
            user=current_actor(),
        )
    if run is not None:
        name = name_of(loaded.organisation.division(division), lang()) if division else "—"
        st.info(
            tr(
                "links.after_accept",
                division=name,
                bad=len(run.with_problems),
                total=len(run.results),
            ),
            icon=":material/link:",
        )
