"""The roll-up's hand-outs for a scope: an A4 PDF and a PowerPoint deck, made like the agency's own.

The PDF is the page's own HTML charts (``rollup_html``: the heat map of every agency with its
latest link check, the spread of totals and ratings, the agencies below the mark, the agencies
with the most links with problems, the items most often missing, progress)
laid out with the report's A4 style and embedded Noto Sans Thai (``pdf``), printed by the warm
Chromium. The deck (``rollup_deck``) uses the agency deck's slides, tables and native charts;
the Excel workbook is the roll-up's own (``rollup_workbook``). All say the scope, the
filters, the fiscal year and the "as of" date (Buddhist Era).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from ita_model import rollup_figures as rf
from ita_model import rollup_html, rollup_links
from ita_model.fiscal import now_in_thailand, today_in_thailand
from ita_model.handouts.chromium import print_pdf
from ita_model.handouts.pdf import CSS as REPORT_CSS
from ita_model.handouts.pdf import _css_string, _e, _font_faces
from ita_model.i18n import t
from ita_model.rollup import Rollup
from ita_model.thai import format_date

ROLLUP_FORMATS = ("pdf", "pptx", "xlsx")
SUFFIXES = {"pdf": ".pdf", "pptx": ".pptx", "xlsx": ".xlsx"}
LINK_ROWS = 10  # agencies the links-with-problems list shows, as on the page
EXTRA_CSS = """
.rl-heat td, .rl-heat th { border: 0.2mm solid #d0d0d0; padding: 0.6mm 1mm; }
.rl-heat tr { break-inside: avoid; }
.rl-cols { height: 45mm; }
figure { break-inside: auto; }
"""


@dataclass
class RollupHandout:
    """What a roll-up hand-out shows: the roll-up of the agencies drawn (filters applied) and
    those agencies' rows, worst first."""

    rollup: Rollup
    agencies: pd.DataFrame
    scope: str
    filters: str = ""
    as_of: date = field(default_factory=today_in_thailand)
    lang: str = "th"
    thai_digits: bool = False
    made: datetime = field(default_factory=now_in_thailand)

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def date_text(self, d: date, style: str = "short") -> str:
        return format_date(d, style=style, lang=self.lang, thai_digits=self.thai_digits)

    @property
    def year(self) -> int:
        return int(self.rollup.year)

    @property
    def mark(self) -> float:
        return rf.pass_mark_of(self.rollup)

    @property
    def summary(self) -> rf.Summary:
        return rf.summary(self.agencies)

    def worst_links(self) -> pd.DataFrame:
        """The page's "links with problems" list of the agencies drawn (``rollup_links``)."""
        return rollup_links.worst_links(self.agencies, self.rollup.links, LINK_ROWS)

    def never_checked(self) -> int:
        return int((~self.agencies["agency"].isin(self.rollup.links["agency"])).sum())

    @property
    def subtitle(self) -> str:
        """The foot of every slide and page: scope, filters, fiscal year, as of."""
        bits = [self.t("rollup_page.scope", scope=self.scope)]
        if self.filters:
            bits.append(self.filters)
        bits.append(self.t("common.fiscal_year", year=self.year))
        bits.append(self.t("common.as_of", date=self.date_text(self.as_of)))
        return " · ".join(bits)

    def key_figures(self) -> list[tuple[str, str, str]]:
        """(label, value, note) of the first screen's four figures."""
        s, mark = self.summary, f"{self.mark:g}"
        mean = "—" if s.mean_total is None else f"{s.mean_total:.2f}"
        return [
            (
                self.t("rollup_page.kpi_agencies"),
                f"{s.agencies:,}",
                self.t("rollup_page.kpi_agencies_note", n=f"{s.estimated:,}"),
            ),
            (
                self.t("rollup_page.kpi_passing", mark=mark),
                f"{s.passing:,}",
                self.t("rollup_page.kpi_passing_note", pct=rf.share_text(s.passing_share)),
            ),
            (self.t("rollup_page.kpi_mean"), mean, self.t("rollup_page.kpi_mean_note", mark=mark)),
            (
                self.t("rollup_page.kpi_oit"),
                rf.share_text(s.oit_share),
                self.t(
                    "rollup_page.kpi_oit_note", done=f"{s.oit_done:,}", total=f"{s.oit_total:,}"
                ),
            ),
        ]


def report_html(h: RollupHandout) -> str:
    """The whole A4 report as one HTML document."""
    lang, mark = h.lang, h.mark
    add: list[str] = []
    add.append(f"<h1>{_e(h.t('rollup_page.handout_title'))}</h1>")
    add.append(f'<p class="meta">{_e(h.subtitle)}</p>')
    add.append('<div class="tiles">')
    for label, value, note in h.key_figures():
        add.append(
            f'<div class="tile"><div class="label">{_e(label)}</div>'
            f'<div class="value">{_e(value)}</div><div class="note">{_e(note)}</div></div>'
        )
    add.append("</div>")
    add.append(f"<h2>{_e(h.t('rollup_page.distribution'))}</h2>")
    add.append(rollup_html.total_histogram(rf.total_bins(h.agencies), mark, lang=lang))
    add.append(f"<h2>{_e(h.t('rollup_page.ratings'))}</h2>")
    counts = rf.rating_counts(h.agencies, h.year, lang)
    add.append(rollup_html.rating_bars(counts, lang=lang))
    add.append(f"<h2>{_e(h.t('rollup_page.below', mark=f'{mark:g}'))}</h2>")
    behind = rf.below_pass(h.agencies, mark)
    if len(behind):
        add.append(
            f'<p class="note">{_e(h.t("rollup_page.below_caption", n=f"{len(behind):,}"))}</p>'
        )
        add.append(rollup_html.gap_table(behind, mark, lang=lang))
    else:
        add.append(f"<p>{_e(h.t('rollup_page.none_below'))}</p>")
    add.append(f"<h2>{_e(h.t('links_scope.heading'))}</h2>")
    add.append(f'<p class="note">{_e(h.t("links_scope.caption", never=h.never_checked()))}</p>')
    worst = h.worst_links()
    if len(worst):
        add.append(rollup_html.link_table(worst, lang=lang, thai_digits=h.thai_digits))
    else:
        add.append(f"<p>{_e(h.t('links_scope.none'))}</p>")
    add.append(f"<h2>{_e(h.t('rollup_page.missing'))}</h2>")
    lacking = h.rollup.missing[h.rollup.missing["agencies_missing"] > 0]
    if len(lacking):
        add.append(rollup_html.missing_bars(lacking, len(h.agencies), lang=lang))
    else:
        add.append(f"<p>{_e(h.t('rollup_page.nothing_missing'))}</p>")
    progress = h.rollup.progress
    if len(progress):
        # a table, not the page's CSS areas: Chromium's print never finished laying those out
        add.append(f"<h2>{_e(h.t('rollup_page.progress'))}</h2>")
        add.append(
            "<table><thead><tr>"
            f"<th>{_e(h.t('rollup.col_day'))}</th>"
            f'<th class="num">{_e(h.t("rollup_page.progress_passing"))}</th>'
            f'<th class="num">{_e(h.t("rollup_page.progress_oit"))}</th>'
            "</tr></thead><tbody>"
        )
        for day, passing, share in zip(
            progress["day"], progress["agencies_passing"], progress["mean_oit_done_share"],
            strict=True,
        ):  # fmt: skip
            add.append(
                f'<tr><td>{_e(h.date_text(day))}</td><td class="num">{int(passing):,}</td>'
                f'<td class="num">{100 * float(share):.0f}%</td></tr>'
            )
        add.append("</tbody></table>")
    add.append(f"<h2>{_e(h.t('rollup_page.handout_agencies'))}</h2>")
    add.append(f'<p class="note">{_e(h.t("rollup_page.heatmap_caption"))}</p>')
    matrix = rf.indicator_matrix(list(h.agencies["agency"]), h.rollup.indicators)
    names = rf.indicator_names(h.rollup.indicators)
    listed = rollup_links.with_links(h.agencies, h.rollup.links)
    add.append(rollup_html.heat_map(listed, matrix, names, lang=lang, links=True))
    made = h.t("handout.generated", date=h.date_text(h.made.date()))
    add.append(f'<p class="made">{_e(made)}</p>')
    footer = f"{h.t('rollup_page.handout_title')} · {h.t('common.fiscal_year', year=h.year)}"
    css = REPORT_CSS % {"footer": _css_string(footer), "page": _css_string(h.t("handout.page"))}
    return (
        f'<!doctype html><html lang="{"en" if lang == "en" else "th"}"><head><meta charset="utf-8">'
        f"<title>{_e(h.t('rollup_page.handout_title'))}</title>"
        f"<style>{_font_faces()}\n{css}\n{EXTRA_CSS}</style></head><body>"
        + "\n".join(add)
        + "</body></html>"
    )


def export(h: RollupHandout, fmt: str) -> bytes:
    """The hand-out as the bytes of one file."""
    if fmt == "pdf":
        return print_pdf(report_html(h))
    if fmt == "pptx":
        from ita_model.handouts.rollup_deck import deck_bytes

        return deck_bytes(h)
    if fmt == "xlsx":  # the roll-up's own workbook (branch rollup): one sheet per table
        from ita_model.handouts.rollup_workbook import rollup_xlsx

        return rollup_xlsx(h.rollup, h.lang)
    raise ValueError(f"unknown roll-up hand-out format {fmt!r}; one of {', '.join(ROLLUP_FORMATS)}")


def file_name(h: RollupHandout, fmt: str) -> str:
    """``ita-rollup-2567-25670331.pdf``: the fiscal year and the as-of date, Buddhist Era."""
    d = h.as_of
    return f"ita-rollup-{h.year}-{d.year + 543}{d.month:02d}{d.day:02d}{SUFFIXES[fmt]}"
