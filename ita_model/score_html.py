"""The score page's chart of this year's estimate per OIT indicator and sub-indicator, as HTML
and CSS (``html_charts`` says why): a bar per row (indicators bold), the what-if bar beside it
when items are ticked, each value written after its bar, the pass mark a dashed line with its
number. The hand-outs keep ``score_charts.subindicator_figure``.
"""

from __future__ import annotations

from ita_model.html_charts import CHART_CLASS, CSS, esc, hover
from ita_model.score_charts import CURRENT_COLOR, PASS_COLOR, WHAT_IF_COLOR, _w
from ita_model.scoring import Estimate

TOP = 112.0  # the axis runs past 100, so a full score's value still fits after its bar

SCORE_CSS = (
    "<style>"
    ".its-grid{display:grid;grid-template-columns:minmax(8rem,36%) 1fr;column-gap:.6rem;"
    "row-gap:.35rem;align-items:center}"
    ".its-label{font-size:13px;line-height:1.35;text-align:right}"
    ".its-ind{font-weight:700}"
    ".its-track{position:relative;border-left:1px solid #9e9e9e;padding:.1rem 0;"
    "background-image:linear-gradient(to right,#e6e6e6 1px,transparent 1px);"
    f"background-size:{100 * 20 / TOP:.3f}% 100%}}"
    ".its-bar{position:relative;z-index:1;display:flex;align-items:center;height:.95rem;"
    "margin:.1rem 0;font-size:12px}"
    ".its-bar i{display:block;height:100%;-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}"
    ".its-bar span{margin-left:.3rem;padding:0 .15rem;white-space:nowrap;"
    "background:rgba(255,255,255,.85)}"
    f".its-pass{{position:absolute;top:0;bottom:0;border-left:2px dashed {PASS_COLOR}}}"
    f".its-head{{position:relative;height:1.3rem;color:{PASS_COLOR};font-size:12px}}"
    ".its-head b{position:absolute;transform:translateX(-50%);white-space:nowrap}"
    ".its-axis{position:relative;height:1.2rem;font-size:12px;color:#555}"
    ".its-axis span{position:absolute;transform:translateX(-50%)}"
    "</style>"
)


def _bar(value: float | None, color: str, name: str, label: str) -> str:
    width = 0.0 if value is None else 100 * max(value, 0) / TOP
    shown = "—" if value is None else f"{value:.2f}"
    tip = hover(label, f"{name}: {shown}")
    return (
        f'<div class="its-bar" title="{tip}"><i style="width:{width:.2f}%;background:{color}">'
        f"</i><span>{esc(shown)}</span></div>"
    )


def subindicator_chart(est: Estimate, what_if: Estimate | None = None, lang: str = "th") -> str:
    """This year's estimate per OIT indicator and sub-indicator, the what-if beside it."""
    fw = est.framework
    series = [(est, _w("current", lang, year=est.year), CURRENT_COLOR)]
    if what_if is not None:
        series.append((what_if, _w("what_if", lang), WHAT_IF_COLOR))
    pass_x = 100 * fw.pass_mark / TOP
    cells = [
        "<div></div>",
        f'<div class="its-head"><b style="left:{pass_x:.2f}%">'
        f"{esc(_w('pass', lang, mark=fw.pass_mark))}</b></div>",
    ]
    for ind in fw.oit_indicators():
        rows = [(f"{ind.number} {ind.name_en if lang == 'en' else ind.name_th}", True, None)]
        rows += [
            (f"{sub.code} {sub.name_en if lang == 'en' else sub.name_th}", False, sub.code)
            for sub in ind.subindicators
        ]
        for label, bold, code in rows:
            bars = "".join(
                _bar(
                    e.indicators[ind.number].score if code is None else e.subindicators[code].score,
                    color,
                    name,
                    label,
                )
                for e, name, color in series
            )
            cls = "its-label its-ind" if bold else "its-label"
            cells.append(f'<div class="{cls}">{esc(label)}</div>')
            cells.append(
                f'<div class="its-track">{bars}<i class="its-pass" style="left:{pass_x:.2f}%">'
                "</i></div>"
            )
    ticks = "".join(
        f'<span style="left:{100 * v / TOP:.2f}%">{v}</span>' for v in range(0, 101, 20)
    )
    cells += ["<div></div>", f'<div class="its-axis">{ticks}</div>']
    cells += ["<div></div>", f'<div class="itc-title">{esc(_w("score", lang))}</div>']
    keys = "".join(
        f'<span class="itc-key"><i class="itc-sw" style="background:{color}"></i>{esc(name)}</span>'
        for _, name, color in series
    )
    return (
        f"{CSS}{SCORE_CSS}"
        f'<figure class="itc {CHART_CLASS}" data-chart="score_subindicators" '
        f'aria-label="{esc(_w("score", lang))}"><div class="itc-legend">{keys}</div>'
        f'<div class="its-grid">{"".join(cells)}</div></figure>'
    )
