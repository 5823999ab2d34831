"""โหมดประชุม — the readiness on a shared screen: six slides in large type, no Streamlit chrome.

The slides: the estimated score and grade; completion by sub-indicator; the divisions; what is
missing and whose; the timeline with today; the measures. Previous / next (or the arrow keys),
an optional auto-advance (a fragment that reruns on its own every N seconds), the slide number;
PageDown / Space and PageUp (what presenter clickers send) move too. Sized to the browser window
(``_viewport``), from 1280×720 to 3840×2160: type and charts grow with the screen's height and
the slide's body takes the height the title and the buttons leave; the "missing" slide lists as
many rows as fit (the browser drops the rows it has no room for and says how many). The
language and the "as of" date are the ones chosen in the sidebar (hidden here). The hand-outs
(PDF, PowerPoint, Excel, PNG) are in the toolbar's popover.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from html import escape

import pandas as pd
import streamlit as st

from app_pages._frame import guarded, page_data
from app_pages._handouts import current_handout, handout_buttons
from app_pages._viewport import viewport
from app_pages._words import tr
from ita_model import charts
from ita_model.handouts import Handout
from ita_model.i18n import both
from ita_model.records import status_label
from ita_model.slide_charts import slide_figure

SLIDES = ("score", "subindicators", "divisions", "missing", "timeline", "measures")
SLIDE_KEY = "meeting_slide"
LAST_KEY = "meeting_last_move"
AUTO_KEY = "meeting_auto"
EVERY_KEY = "meeting_every"
EVERY_CHOICES = (10, 20, 30, 60)
WAITING_NAMES = 3  # division names per row before "+n"
LIST_COLUMNS = (0.06, 0.38, 0.18, 0.38)  # its columns: item, name, status, waiting on
BASE_HEIGHT = 720  # the layout below is drawn for 720 px and scaled to the window
TOOLBAR_PX = 58  # Streamlit's own widgets above the slide: not scaled
CHROME_PX = 150  # the slide's title and the previous / next row, at scale 1
CHART_CONFIG = {"displayModeBar": False, "responsive": True, "locale": "th"}

# Sizes in PX: CSS pixels at scale 1 (720 px high), scaled to the window by _css(); TX (the
# tables' type) grows half as fast, so a larger screen shows more rows, not only larger ones.
CSS = """
<style>
/* Meeting mode: no sidebar, no header, toolbar or decoration; white, black, large. */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stExpandSidebarButton"], footer {
  display: none !important;
}
[data-testid="stMain"] { background: #ffffff; color: #000000; }
[data-testid="stMainBlockContainer"] {
  padding: 0.4rem 1.6rem 0.4rem 1.6rem !important; max-width: 100% !important;
}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.45rem; }
.mm-head, .mm-row, .mm-list, .mm-note, .mm-more, .mm-counter, .mm-tile {
  font-family: "Noto Sans Thai", "Source Sans", sans-serif; }
.mm-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem;
  border-bottom: 4PX solid #1b5e20; padding-bottom: 0.2rem; }
.mm-title { font-size: 40PX; font-weight: 700; line-height: 1.25; color: #000; margin: 0; }
.mm-meta { font-size: 18PX; color: #222; text-align: right; white-space: nowrap; }
.mm-row { display: flex; gap: 1rem; align-items: stretch; }
.mm-tile { flex: 1; border: 3PX solid #222; border-radius: 12PX; padding: 8PX 18PX;
  background: #fff; }
.mm-label { font-size: 22PX; color: #111; line-height: 1.3; }
.mm-num { font-size: 72PX; font-weight: 700; line-height: 1.15; color: #000; }
.mm-huge { font-size: 136PX; font-weight: 700; line-height: 1.05; color: #0b3d91; }
.mm-mid { font-size: 48PX; font-weight: 700; line-height: 1.2; }
.mm-pass { color: #1b5e20; } .mm-below { color: #a50f15; }
.mm-note { font-size: 22PX; color: #222; margin: 0.3rem 0 0; }
.mm-list { width: 100%; border-collapse: collapse; font-size: 22TX; line-height: 1.3; }
.mm-list th { text-align: left; font-size: 18TX; color: #222; border-bottom: 2PX solid #222;
  padding: 2TX 8TX; }
.mm-list td { border-bottom: 1PX solid #bbb; padding: 4TX 8TX; vertical-align: top; color: #000; }
.mm-list td.code { font-weight: 700; white-space: nowrap; }
.mm-badge { display: inline-block; padding: 0 8PX; border-radius: 8PX; border: 1PX solid #555;
  font-size: 18TX; white-space: nowrap; }
.mm-tile { display: flex; flex-direction: column; justify-content: center; }
.mm-due { font-size: 30PX; margin: 0; line-height: 1.2; display: flex; align-items: center;
  gap: 0.4em; }
.mm-days { font-size: 48PX; font-weight: 700; color: #0b3d91; }
.mm-fixed { table-layout: fixed; }
.mm-fixed .mm-badge { white-space: normal; }
.mm-more { font-size: 20PX; color: #222; margin: 0.2rem 0 0; }
.mm-counter { font-size: 28PX; font-weight: 700; text-align: center; color: #000;
  line-height: 52PX; }
.st-key-meeting_prev button, .st-key-meeting_next button {
  min-height: 52PX; font-size: 22PX; border: 2PX solid #222;
}
.st-key-meeting_prev button p, .st-key-meeting_next button p { font-size: 22PX; }
</style>
"""


@dataclass(frozen=True)
class Fit:
    """The slide's size: ``scale`` of every length drawn for 720 px; ``body``: the height (px)
    left for a slide's content under its title and above the buttons."""

    scale: float
    body: int
    width: int

    @classmethod
    def of(cls, size: tuple[int, int]) -> Fit:
        width, height = size
        scale = max(1.0, min(height / BASE_HEIGHT, width / 1280, 3.0))
        body = int(height - TOOLBAR_PX - CHROME_PX * scale)
        return cls(scale, max(body, 300), width)

    def px(self, n: float) -> int:
        return round(n * self.scale)


def _css(fit: Fit) -> str:
    table = 1 + (fit.scale - 1) / 2
    css = re.sub(r"(\d+(?:\.\d+)?)PX", lambda m: f"{float(m[1]) * fit.scale:.1f}px", CSS)
    return re.sub(r"(\d+(?:\.\d+)?)TX", lambda m: f"{float(m[1]) * table:.1f}px", css)


# --------------------------------------------------------------------------- moving


def _move(step: int) -> None:
    st.session_state[SLIDE_KEY] = (st.session_state.get(SLIDE_KEY, 0) + step) % len(SLIDES)
    st.session_state[LAST_KEY] = time.monotonic()


def _html(markup: str) -> None:
    """Raw HTML (escaped by the callers), outside Streamlit's Markdown styles."""
    st.html(markup)


def _chart(fig: object, height: int, font_scale: float, key: str) -> None:
    st.plotly_chart(
        slide_figure(fig, height=height, font_scale=font_scale),  # type: ignore[arg-type]
        width="stretch",
        theme=None,
        key=key,
        config=CHART_CONFIG,
    )


def _badge(status: object, lang: str) -> str:
    if not isinstance(status, str) or status not in charts.STATUS_SYMBOLS:
        return "—"
    style = f"background:{charts.STATUS_COLORS[status]};color:{charts.STATUS_TEXT_COLORS[status]}"
    text = f"{charts.STATUS_SYMBOLS[status]} {status_label(status, lang)}"
    return f'<span class="mm-badge" style="{style}">{escape(text)}</span>'


def _tile(label: str, value: str, cls: str = "mm-num") -> str:
    return (
        f'<div class="mm-tile"><div class="mm-label">{escape(label)}</div>'
        f'<div class="{cls}">{escape(value)}</div></div>'
    )


def _row(tiles: list[str], height: int) -> str:
    """Tiles side by side, ``height`` px tall (their content centred)."""
    return f'<div class="mm-row" style="height:{height}px">' + "".join(tiles) + "</div>"


# --------------------------------------------------------------------------- slides
# Each draws into fit.body px of height: tiles of a fixed share, charts the rest.


def slide_score(h: Handout, fit: Fit) -> None:
    est = h.estimate
    verdict_cls = "" if est.passed is None else ("mm-pass" if est.passed else "mm-below")
    gap = "" if est.gap is None else f"{est.gap:+.2f}".replace("-", "−")
    note = fit.px(40)
    big = int((fit.body - note - fit.px(16)) * 0.6)
    _html(
        _row(
            [
                _tile(h.t("handout.total"), h.number(est.total), "mm-huge"),
                _tile(h.t("handout.grade"), est.rating_in(h.lang), "mm-huge"),
                f'<div class="mm-tile"><div class="mm-label">'
                f"{escape(tr('meeting.vs_pass', mark=est.pass_mark))}</div>"
                f'<div class="mm-mid {verdict_cls}">{escape(h.verdict)}</div>'
                f'<div class="mm-mid {verdict_cls}">{escape(gap)}</div></div>',
            ],
            big,
        )
    )
    r = h.readiness
    small = fit.body - big - note - fit.px(16)
    _html(
        _row(
            [
                _tile("OIT", h.number(est.oit)),
                _tile("IIT", h.number(est.iit)),
                _tile("EIT", h.number(est.eit)),
                _tile(tr("overview.oit_done"), f"{r.done} / {r.total}"),
            ],
            small,
        )
    )
    _html(f'<p class="mm-note">{escape(h.t("handout.estimate_note"))}</p>')


def slide_subindicators(h: Handout, fit: Fit) -> None:
    r = h.readiness
    by_ind = r.by_indicator.set_index("indicator")
    tiles = [_tile(tr("overview.oit_done"), f"{r.done} / {r.total}")]
    for number in (9, 10):
        if number in by_ind.index:
            row = by_ind.loc[number]
            label = f"{tr('overview.indicator_pct', n=number)} {h.name(row)}"
            tiles.append(_tile(label, f"{row['pct_done']:.0f}%"))
    top = fit.px(130)
    _html(_row(tiles, top))
    _chart(
        charts.subindicator_bars(r.by_subindicator, h.lang),
        fit.body - top - fit.px(8),
        1.45 * fit.scale,
        "mm_sub",
    )


def slide_divisions(h: Handout, fit: Fit) -> None:
    r = h.readiness
    if not h.organisation.divisions:
        st.info(both("whole_agency.no_divisions"))
        return
    if not len(r.by_division):
        st.info(tr("divisions.none"))
        return
    fig = charts.division_bars(r.by_division, h.overdue, h.lang)
    _chart(fig, fit.body, 1.3 * fit.scale, "mm_div")


def _waiting(names: list[str]) -> str:
    shown = ", ".join(names[:WAITING_NAMES])
    rest = len(names) - WAITING_NAMES
    return f"{shown} +{rest}" if rest > 0 else shown


def slide_missing(h: Handout, fit: Fit) -> None:
    """The count and the deadline on one line, then the table across the whole width (fewer
    lines wrap, so more rows fit)."""
    missing = h.missing
    bits = [
        f"{escape(tr('meeting.missing_label'))} "
        f'<span class="mm-days" data-testid="meeting-missing-count">{len(missing)}</span>'
    ]
    if h.oit_due is not None:
        days = (h.oit_due - h.as_of).days
        bits.append(escape(tr("overview.oit_due", date=h.date_text(h.oit_due, "short"))))
        if days >= 0:
            bits.append(f"<b>{escape(tr('overview.days_left', n=days))}</b>")
    _html(f'<p class="mm-note mm-due" style="height:{fit.px(66)}px">{" · ".join(bits)}</p>')
    if not len(missing):
        _html(f'<p class="mm-mid mm-pass">{escape(tr("overview.nothing_missing"))}</p>')
        return
    names = {key: h.name(d) for key, d in h.organisation.reporters().items()}
    cells = [
        (
            str(row.name_en if h.en and row.name_en else row.name_th),
            _waiting([names.get(d, d) for d in row.waiting_on]),
        )
        for row in missing.itertuples(index=False)
    ]
    rows = [
        f'<tr><td class="code">{escape(row.item)}</td><td>{escape(name)}</td>'
        f"<td>{_badge(row.status, h.lang)}</td><td>{escape(who)}</td></tr>"
        for row, (name, who) in zip(missing.itertuples(index=False), cells, strict=True)
    ]
    cols = "".join(f'<col style="width:{share:.0%}">' for share in LIST_COLUMNS)
    _html(
        '<table class="mm-list mm-fixed" data-testid="meeting-missing" data-fit-rows="1">'
        f"<colgroup>{cols}</colgroup><thead><tr>"
        f"<th>{escape(tr('col.item'))}</th><th>{escape(tr('col.name'))}</th>"
        f"<th>{escape(tr('col.status'))}</th><th>{escape(tr('meeting.waiting_on'))}</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
    # every row is sent; the page shows as many as the screen has room for and says how many
    # it left out (_viewport's fitting: the browser knows how the Thai text wrapped)
    template = escape(tr("meeting.more_missing", n="{n}"), quote=True)
    _html(f'<p class="mm-more" data-template="{template}" style="display:none"></p>')


def slide_timeline(h: Handout, fit: Fit) -> None:
    if not len(h.timeline) and not len(h.measures):
        _html(f'<p class="mm-mid">{escape(tr("meeting.no_timeline"))}</p>')
        return
    due = h.next_deadline
    top = 0
    if due is not None:
        top = fit.px(66)
        _html(
            f'<p class="mm-note mm-due" style="height:{top}px">'
            f"<b>{escape(due.activity)}</b> · "
            f"{escape(h.date_text(due.due, 'short'))} · "
            f'<span class="mm-days">{escape(tr("overview.days_left", n=due.days_left))}</span></p>'
        )
    fig = charts.timeline_figure(h.timeline, h.measures, h.as_of, h.lang, label_width=40)
    _chart(fig, fit.body - top - fit.px(8), 1.55 * fit.scale, "mm_timeline")


def slide_measures(h: Handout, fit: Fit) -> None:
    progress = h.measure_progress()
    if not len(progress):
        _html(f'<p class="mm-mid">{escape(tr("meeting.no_measures"))}</p>')
        return
    status = h.measures["status"] if "status" in h.measures else pd.Series(dtype=object)
    counts = {s: int((status == s).sum()) for s in charts.STATUS_ORDER[:3]}
    tiles = [_tile(tr("measures.actions"), str(len(h.measures)))]
    for s, n in counts.items():
        tiles.append(_tile(f"{charts.STATUS_SYMBOLS[s]} {status_label(s, h.lang)}", str(n)))
    top = fit.px(130)
    _html(_row(tiles, top))
    rows = [
        f"<tr><td>{escape(row.measure)}</td>"
        f'<td class="code">{row.done} / {row.total}</td>'
        f"<td>{_badge(row.status, h.lang)}</td></tr>"
        for row in progress.itertuples(index=False)
    ]
    # the table takes the height left: its rows share it (a table's height is a minimum)
    _html(
        f'<table class="mm-list" style="height:{fit.body - top - fit.px(16)}px"><thead><tr>'
        f"<th>{escape(tr('measures.measure'))}</th><th>{escape(tr('handout.col.done'))}</th>"
        f"<th>{escape(tr('col.status'))}</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


DRAW = {
    "score": slide_score,
    "subindicators": slide_subindicators,
    "divisions": slide_divisions,
    "missing": slide_missing,
    "timeline": slide_timeline,
    "measures": slide_measures,
}


# --------------------------------------------------------------------------- the page


def deck(h: Handout, every: int | None, fit: Fit) -> None:
    """The current slide and the previous / next row (reruns alone when auto-advancing)."""
    now = time.monotonic()
    if every and now - st.session_state.get(LAST_KEY, now) >= every - 0.5:
        _move(1)
    n = st.session_state.get(SLIDE_KEY, 0) % len(SLIDES)
    name = SLIDES[n]
    meta = f"{h.agency_short} · {h.t('common.as_of', date=h.date_text(h.as_of, 'short'))}"
    _html(
        f'<div class="mm-head"><div class="mm-title">{escape(tr(f"meeting.slide.{name}"))}</div>'
        f'<div class="mm-meta">{escape(meta)}</div></div>'
    )
    with st.container(key="meeting_body", height=fit.body, border=False):
        DRAW[name](h, fit)
    prev, counter, nxt = st.columns([1, 1, 1], vertical_alignment="center")
    prev.button(
        tr("meeting.previous"),
        key="meeting_prev",
        icon=":material/arrow_back:",
        on_click=_move,
        args=(-1,),
        width="stretch",
        shortcut="Left",  # a presenter's arrow keys (and clickers that send them)
    )
    with counter:
        _html(
            f'<div class="mm-counter" data-testid="meeting-counter">{n + 1} / {len(SLIDES)}</div>'
        )
    nxt.button(
        tr("meeting.next"),
        key="meeting_next",
        icon=":material/arrow_forward:",
        icon_position="right",
        on_click=_move,
        args=(1,),
        width="stretch",
        type="primary",
        shortcut="Right",
    )


size = viewport(
    next_button=".st-key-meeting_next button", previous_button=".st-key-meeting_prev button"
)
fit = Fit.of(size)
st.html(_css(fit))
loaded = page_data()
if loaded is not None:
    with guarded():
        handout = current_handout(loaded)
        st.session_state.setdefault(SLIDE_KEY, 0)
        st.session_state.setdefault(LAST_KEY, time.monotonic())
        bar = st.columns([1.3, 1.1, 1.2, 1.4, 3], vertical_alignment="center")
        auto = bar[0].toggle(tr("meeting.auto"), key=AUTO_KEY)
        every = bar[1].selectbox(
            tr("meeting.interval"),
            EVERY_CHOICES,
            index=1,
            key=EVERY_KEY,
            format_func={n: tr("meeting.seconds", n=n) for n in EVERY_CHOICES}.__getitem__,
            label_visibility="collapsed",
        )
        with bar[2].popover(tr("handout.buttons"), icon=":material/download:"):
            handout_buttons(handout, key="meeting_handout")
        bar[3].page_link(
            "app_pages/overview.py", label=tr("meeting.exit"), icon=":material/close_fullscreen:"
        )
        period = every if auto else None
        st.fragment(deck, run_every=period)(handout, period, fit)
