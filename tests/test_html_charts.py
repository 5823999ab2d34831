"""The pages' HTML charts (``ita_model.html_charts``, ``ita_model.timeline_html``): what each
bar says, whole names, the status marking that survives grey print, escaped workbook text, and
the meeting mode's slide figures (``ita_model.slide_charts``)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ita_model import charts, html_charts
from ita_model.i18n import LANGS, t
from ita_model.readiness import Dataset, compute_readiness, load_dataset
from ita_model.slide_charts import slide_figure
from ita_model.timeline_html import timeline_chart

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2022, 3, 27)
VOID = {"br", "col", "img", "input", "meta", "hr", "wbr"}


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return load_dataset([ROOT / "data" / "sample"])


@pytest.fixture(scope="module")
def ready(sample: Dataset):
    return compute_readiness(sample)


class Reader(HTMLParser):
    """The chart as the browser would read it: its text, its tags, every ``title``, every bar."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.titles: list[str] = []
        self.segments: list[dict[str, str]] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)
        self.in_style = tag == "style"
        if "title" in a:
            self.titles.append(a["title"])
        if "itc-seg" in a.get("class", "").split() or "itl-bar" in a.get("class", "").split():
            self.segments.append(a)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if not self.in_style and data.strip():
            self.text.append(data.strip())


def read(markup: str) -> Reader:
    r = Reader()
    r.feed(markup)
    r.close()
    assert r.stack == [], f"unclosed: {r.stack}"
    return r


def widths(segments: list[dict[str, str]]) -> list[float]:
    return [float(re.search(r"width:([\d.]+)%", s["style"])[1]) for s in segments]


@pytest.mark.parametrize("lang", LANGS)
def test_subindicator_bars_count_every_item_by_status(ready, lang: str) -> None:
    markup = html_charts.subindicator_bars(ready.by_subindicator, lang)
    chart = read(markup)
    name = "name_en" if lang == "en" else "name_th"
    labels = [x for x in chart.text if re.match(r"^\d+\.\d+ ", x)]
    expected = sorted(
        (
            f"{c} {n}"
            for c, n in zip(
                ready.by_subindicator["subindicator"], ready.by_subindicator[name], strict=True
            )
        ),
        key=lambda s: tuple(int(p) for p in s.split()[0].split(".")),
    )
    assert labels == expected  # framework order, every name whole
    by_code = ready.by_subindicator.set_index("subindicator")
    # each bar's hover: "<code name>", "<symbol status>: n / total", for each status it has
    for tip in chart.titles:
        head, what = tip.split("\n")
        code = head.split()[0]
        n, total = map(int, what.rsplit(": ", 1)[1].split(" / "))
        row = by_code.loc[code]
        assert total == row["total"]
        status = next(s for s in charts.STATUS_ORDER if charts.status_name(s, lang) in what)
        assert n == row[status] > 0
    assert len(chart.titles) == int((by_code[list(charts.STATUS_ORDER)] > 0).sum().sum())
    assert t("chart.items", lang) in chart.text


@pytest.mark.parametrize("lang", LANGS)
def test_division_bars_are_shares_with_the_overdue_note(ready, lang: str) -> None:
    markup = html_charts.division_bars(ready.by_division, {"legal": 2}, lang)
    chart = read(markup)
    name = "name_en" if lang == "en" else "name_th"
    for div_name in ready.by_division[name]:
        assert " ".join(str(div_name).split()) in chart.text  # whole, never shortened
    assert "…" not in "".join(chart.text)
    # worst first, and each bar adds up to the whole of that division's items
    table = ready.by_division.sort_values(["pct_done", "total"], ascending=[True, False])
    shown = [x for x in chart.text if x in set(table[name])]
    assert shown == list(table[name])
    per_row = re.findall(r'<div class="itc-track"[^>]*>(.*?)</div>', markup)
    assert len(per_row) == len(table)
    for bars in per_row:
        assert sum(widths([{"style": s} for s in re.findall(r'style="([^"]*)"', bars)])) == (
            pytest.approx(100, abs=0.05)
        )
    legal = ready.by_division.set_index("division").loc["legal"]
    note = f"{legal['pct_done']:.0f}% · {t('chart.overdue_n', lang, n=2)}"
    assert f'<div class="itc-note itc-late">{note}</div>' in markup


def test_the_status_marking_survives_grey_print() -> None:
    css = html_charts.CSS
    assert "print-color-adjust:exact" in css
    # dots on "in progress", hatching on "not applicable": not colour alone
    assert re.search(r"\.itc-in_progress\{[^}]*radial-gradient", css)
    assert re.search(r"\.itc-not_applicable\{[^}]*repeating-linear-gradient", css)
    legend = read(html_charts.subindicator_bars(pd.DataFrame(columns=_SUB_COLUMNS), "th"))
    for s in charts.STATUS_ORDER:  # the legend names each status with its symbol
        assert f"{charts.STATUS_SYMBOLS[s]} {charts.status_name(s, 'th')}" in legend.text


_SUB_COLUMNS = ["subindicator", "name_th", "name_en", *charts.STATUS_ORDER, "total"]


@given(st.text(min_size=1, max_size=40))
def test_workbook_text_never_becomes_markup(name: str) -> None:
    by_div = pd.DataFrame(
        [
            {
                "division": "x",
                "name_th": name,
                "name_en": name,
                "done": 1,
                "in_progress": 1,
                "not_started": 0,
                "not_applicable": 0,
                "total": 2,
                "pct_done": 50.0,
            }
        ]
    )
    chart = read(html_charts.division_bars(by_div, {}, "th"))
    # only the chart's own tags, whatever the name holds; the name comes back as its text
    assert set(chart.tags) <= {"style", "figure", "div", "span", "i"}
    flat = " ".join(name.split())
    if flat:
        assert flat in chart.text or any(flat in x for x in chart.text)


@pytest.mark.parametrize("lang", LANGS)
def test_the_timeline_has_every_step_today_and_thai_months(sample, lang: str) -> None:
    steps = sample.latest("timeline")
    markup = timeline_chart(steps, sample.latest("measures"), AS_OF, lang)
    chart = read(markup)
    states = charts.step_states(steps, AS_OF)
    windows = states[~states["is_event"]]
    for activity in windows["activity"]:
        assert " ".join(str(activity).split()) in chart.text  # whole, wrapped by the browser
    # one bar per step window, in its state's class; one diamond per one-day event
    bars = [s["class"].split()[1] for s in chart.segments]
    step_bars = [b for b in bars if b.startswith("itl-")]
    assert sorted(step_bars) == sorted(f"itl-{s}" for s in windows["state"])
    assert markup.count('class="itl-dia" style="left') == int(states["is_event"].sum())
    # measures: one bar each, in the items' status colours, numbered
    measure_bars = [b for b in bars if b.startswith("itc-")]
    assert measure_bars and all(b.removeprefix("itc-") in charts.STATUS_ORDER for b in measure_bars)
    assert any(x.startswith("(๑)") or x.startswith("1.") for x in chart.text)
    # today's line and its label in the Buddhist Era; months in Thai with the BE year
    today = f"{t('timeline.today', lang)} 27 {'มี.ค.' if lang == 'th' else 'Mar'} 2565"
    assert any(x.startswith(today) for x in chart.text)
    assert "2565" in chart.text and ("ม.ค." in chart.text or lang == "en")
    # a late step is crossed, a current one dotted (the CSS patterns)
    assert "repeating-linear-gradient(-45deg" in markup and "itl-current{" in markup


def test_the_timeline_bars_sit_on_their_dates(sample) -> None:
    steps = pd.DataFrame(
        [
            {"activity": "A", "phase": "OIT", "start": date(2022, 1, 1), "end": date(2022, 1, 31),
             "status": None},
            {"activity": "B", "phase": "IIT", "start": date(2022, 3, 1), "end": date(2022, 3, 31),
             "status": None},
        ]
    )  # fmt: skip
    chart = read(timeline_chart(steps, None, date(2022, 2, 15), "th"))
    # the axis runs from 1 Jan to 1 Apr (90 days): A is the first 31 days, B the last 31
    assert [x for x in chart.text if x in ("A", "B")] == ["B", "A"]  # IIT's lane first
    [b, a] = chart.segments
    assert widths([a]) == [pytest.approx(100 * 31 / 90, abs=0.01)]
    assert float(re.search(r"left:([\d.]+)%", b["style"])[1]) == pytest.approx(
        100 * 59 / 90, abs=0.01
    )
    assert "itl-done" in a["class"] and "itl-upcoming" in b["class"]


def test_a_slide_figure_grows_its_type_and_keeps_the_legend_clear(ready) -> None:
    fig = charts.subindicator_bars(ready.by_subindicator, "th")
    big = slide_figure(fig, height=900, font_scale=2.0)
    assert big.layout.height == 900 and fig.layout.height != 900  # a copy, the original kept
    assert big.layout.legend.yref == "container" and big.layout.legend.yanchor == "top"
    assert big.layout.margin.t == round(big.layout.legend.font.size * 2.4)
    assert big.layout.legend.font.size == pytest.approx(2 * fig.layout.legend.font.size)


def test_cards_show_each_figure_its_note_help_and_progress() -> None:
    from ita_model.html_cards import Card, cards

    markup = cards(
        [
            [
                Card("OIT", "30 / 43", help="<b>done</b> & more"),
                Card("IIT", "57 / 100", progress=0.57),
            ],
            [Card("x", "1", note="a <script>note</script>", progress=1.7)],
        ]
    )
    chart = read(markup)
    assert chart.text[:3] == ["OIT", "ⓘ", "30 / 43"]
    assert chart.titles == ["<b>done</b> & more"]  # the help as the label's hover, as text
    assert "a <script>note</script>" in chart.text and "<script>" not in markup
    assert 'style="width:57.0%"' in markup and 'style="width:100.0%"' in markup  # capped
    assert markup.count("repeat(2,1fr)") == 1 and markup.count("repeat(1,1fr)") == 1


def test_a_static_table_shows_every_row_as_text_and_only_http_links() -> None:
    from ita_model.html_table import Link, static_table

    frame = pd.DataFrame(
        {
            "item": ["o01", "o02", "o03"],
            "name": ["<img src=x onerror=alert(1)>", "a & b", None],
            "link": [
                Link("https://example.go.th/a?b=1&c=2", "open"),
                Link("javascript:alert(1)", "open"),
                "—",
            ],
        }
    )
    markup = static_table(frame, name="t", nowrap=("item",))
    chart = read(markup)
    assert chart.tags.count("tr") == 4 and chart.tags.count("a") == 1  # header + 3 rows
    assert "<img" not in markup and "<img src=x onerror=alert(1)>" in chart.text
    assert 'href="https://example.go.th/a?b=1&amp;c=2" target="_blank"' in markup
    assert "javascript:alert(1)" in chart.text  # not a link: shown as the text it is
    assert markup.count('class="ita-nowrap"') == 4  # the header and three cells of "item"


@pytest.mark.parametrize("lang", LANGS)
def test_the_score_chart_has_every_row_its_value_and_the_what_if(sample, ready, lang: str) -> None:
    from ita_model import scoring
    from ita_model.score_html import subindicator_chart

    est = scoring.estimate(ready, sample.latest("scores"))
    chart = read(subindicator_chart(est, None, lang))
    fw = est.framework
    for ind in fw.oit_indicators():
        name = ind.name_en if lang == "en" else ind.name_th
        assert f"{ind.number} {name}" in chart.text  # whole, never cut
        assert f"{est.indicators[ind.number].score:.2f}" in chart.text
        for sub in ind.subindicators:
            value = est.subindicators[sub.code].score
            assert ("—" if value is None else f"{value:.2f}") in chart.text
    rows = len(fw.oit_indicators()) + sum(len(i.subindicators) for i in fw.oit_indicators())
    assert len(chart.titles) == rows
    assert any(f"{fw.pass_mark:g}" in x for x in chart.text)  # the pass mark named on its line
    # ticking an item adds the what-if bar beside each row
    item = scoring.lifts(est)["item"].iloc[0]
    both = read(subindicator_chart(est, scoring.what_if(est, [item]), lang))
    assert len(both.titles) == 2 * rows


@pytest.mark.parametrize("lang", LANGS)
def test_the_year_on_year_chart_has_both_years_weak_ones_marked(sample, ready, lang: str) -> None:
    from ita_model import scoring
    from ita_model.score_html import year_on_year_chart

    est = scoring.estimate(ready, sample.latest("scores"))
    yoy = scoring.year_on_year(est, sample.latest("scores"))
    markup = year_on_year_chart(yoy, year=est.year, pass_mark=85, lang=lang)
    chart = read(markup)
    for row in yoy.itertuples(index=False):
        name = row.name_en if lang == "en" else row.name_th
        assert f"{row.indicator} {name}" in chart.text  # whole, never cut
        for value in (row.previous, row.current):
            if value is not None and not pd.isna(value):
                assert f"{value:.2f}" in chart.text
    assert len(chart.titles) == 2 * len(yoy)  # last year's bar and this year's, each hovered
    weak = re.findall(r'class="its-label its-ind its-weak">([^<]*)<', markup)
    assert len(weak) == int(yoy["weak"].sum()) > 0  # bold and red, as the caption says
    # an IIT/EIT score repeated for its indicators is hatched and says it is assumed
    assumed = yoy.assign(basis=["tool", *yoy["basis"][1:]])
    hatched = year_on_year_chart(assumed, year=est.year, pass_mark=85, lang=lang)
    assert hatched.count('class="its-hatch"') == 1
    assert ("(assumed)" if lang == "en" else "(สมมติ)") in " ".join(read(hatched).text)


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://www.pao-phayao.go.th/oit/o1", True),
        ("https://th.wikipedia.org/wiki/ITA_(Thailand)", True),  # a closed "(": still a link
        ("https://phishing.example)", False),  # what is left of "[text](https://…)"
        ("[text](https://phishing.example)", False),
        ("javascript:alert(1)", False),
        ("https://ok.example/>x", False),
    ],
)
def test_a_cell_is_a_link_only_when_it_is_a_plain_web_address(url: str, linked: bool) -> None:
    from ita_model.html_table import Link, static_table

    shown = static_table(pd.DataFrame({"link": [Link(url, "เปิด")]}), name="t")
    assert ("<a href=" in shown) is linked
