"""The roll-up page (issue 14) through AppTest, driven by a synthetic roll-up of 300 agencies in
10 provinces: the figures shown are the roll-up's, the filters narrow the lists, an empty scope
says so in Thai, and drilling into an agency opens its overview with the way back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from lxml import html as lxml_html

from app_pages import _rollup
from app_pages._text import md
from ita_model import rollup_figures as rf
from ita_model.auth import Actor, Role
from ita_model.i18n import t
from ita_model.scope import Scope
from ita_model.store import open_store
from tests.conftest import app_test, figures_shown
from tests.rollup_factory import Synthetic

ROOT = Path(__file__).resolve().parent.parent
PAGE = "app_pages/rollup.py"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Synthetic:
    """300 agencies in the store's registry, their roll-up synthetic (no files sent)."""
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    made = Synthetic(300)
    made.register(open_store())
    monkeypatch.setattr(_rollup, "compute", made.compute)
    return made


def opened(lang: str = "th") -> object:
    at = app_test(ROOT / "dashboard.py", lang=lang).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart(at: object, name: str) -> lxml_html.HtmlElement | None:
    for element in at.get("html"):
        doc = lxml_html.fromstring(f"<div>{element.value}</div>")
        found = doc.xpath(f'//figure[@data-chart="{name}"]')
        if found:
            return found[0]
    return None


def heat_rows(at: object) -> list[str]:
    fig = chart(at, "heatmap")
    assert fig is not None, "no heat map"
    return [tr.get("data-agency") for tr in fig.xpath(".//tbody/tr")]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_figures_shown_are_the_rollups(fake: Synthetic, lang: str) -> None:
    at = opened(lang)
    whole = fake.rollup_of()
    a = whole.agencies
    shown = figures_shown(at)
    assert shown[t("rollup_page.kpi_agencies", lang)] == "300"
    passing = int(a["passed"].sum())
    assert shown[t("rollup_page.kpi_passing", lang, mark="85")] == f"{passing:,}"
    assert shown[t("rollup_page.kpi_mean", lang)] == f"{a['total'].mean():.2f}"
    share = a["oit_done"].sum() / a["oit_total"].sum()
    assert shown[t("rollup_page.kpi_oit", lang)] == f"{100 * share:.0f}%"
    # the heat map: the worst 50 first (the five without data on top), "showing 1–50 of 300"
    rows = heat_rows(at)
    assert rows == list(rf.worst_first(a)["agency"].head(50))
    assert rows[:5] == [f"A{i:04d}" for i in range(1, 6)]
    caption = " ".join(c.value for c in at.caption)
    assert t("rollup_page.showing", lang, first=1, last=50, total="300") in caption
    # every agency is on some page of the heat map
    at.selectbox(key="rollup_heat_page").select_index(5).run()
    assert heat_rows(at) == list(rf.worst_first(a)["agency"].iloc[250:300])
    # a cell carries the indicator's score, written
    fig = chart(at, "heatmap")
    worst_with_data = rf.worst_first(a).iloc[250]
    mine = whole.indicators[whole.indicators["agency"] == worst_with_data["agency"]]
    cells = fig.xpath(f'.//tr[@data-agency="{worst_with_data["agency"]}"]/td')
    values = [c.text_content() for c in cells[2:-1]]
    assert values == [f"{s:.1f}" for s in mine.sort_values("indicator")["score"]]
    # below the pass mark: every one, furthest behind first, with the points short
    below = chart(at, "below")
    listed = [tr.get("data-agency") for tr in below.xpath(".//tbody/tr")]
    expected = rf.below_pass(a, 85.0)
    assert listed == list(expected["agency"].head(100))
    assert t("rollup_page.showing", lang, first=1, last=100, total=f"{len(expected):,}") in caption
    at.selectbox(key="rollup_below_page").select_index(2).run()
    below = chart(at, "below")
    listed = [tr.get("data-agency") for tr in below.xpath(".//tbody/tr")]
    assert listed == list(expected["agency"].iloc[200:])
    # ratings: every rating of the year with its count
    ratings = chart(at, "ratings")
    notes = [n.text_content() for n in ratings.xpath('.//div[@class="rl-note"]')]
    counts = rf.rating_counts(a, 2566)
    assert [int(n.split()[0].replace(",", "")) for n in notes] == list(counts["count"])
    # the items most often missing: the first ten, then all on request
    missing = chart(at, "missing")
    labels = [x.text_content() for x in missing.xpath('.//div[@class="rl-label"]')]
    assert labels == [
        f"{i} {n}"
        for i, n in zip(whole.missing["item"][:10], whole.missing["name"][:10], strict=True)
    ]
    at.toggle(key="rollup_missing_all").set_value(True).run()
    lacking = whole.missing[whole.missing["agencies_missing"] > 0]
    assert len(chart(at, "missing").xpath('.//div[@class="rl-label"]')) == len(lacking)
    assert chart(at, "progress-passing") is not None and chart(at, "totals") is not None


def test_filters_narrow_every_list(fake: Synthetic) -> None:
    at = opened()
    at.multiselect(key="rollup_provinces").select("พะเยา").run()
    assert not at.exception
    a = fake.rollup_of().agencies
    mine = a[a["province"] == "พะเยา"]
    assert sorted(heat_rows(at)) == sorted(mine["agency"])
    assert figures_shown(at)[t("rollup_page.kpi_agencies")] == str(len(mine))
    caption = " ".join(c.value for c in at.caption)
    assert t("rollup_page.narrowed", n=str(len(mine)), total="300") in caption
    # the missing items are those of the province's agencies (the roll-up of exactly them)
    narrowed = fake.rollup_of(Scope.parse("agencies:" + ",".join(mine["agency"])))
    missing = chart(at, "missing")
    first = missing.xpath('.//div[@class="rl-note"]')[0].text_content()
    top = narrowed.missing.iloc[0]
    assert first.startswith(f"{int(top['agencies_missing'])} จาก {len(mine)}")
    # a type on top (Thai type names offered), then a filter nothing matches
    at.multiselect(key="rollup_types").select("hospital").run()
    both = mine[mine["type"] == "hospital"]
    assert sorted(heat_rows(at)) == sorted(both["agency"])
    options = at.multiselect(key="rollup_types").options
    assert "โรงพยาบาล" in options
    at.multiselect(key="rollup_parents").select("กรมส่งเสริมการปกครองท้องถิ่น").run()
    assert t("rollup_page.empty_filter") in [i.value for i in at.info]
    assert chart(at, "heatmap") is None


def test_an_empty_scope_says_so_in_thai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    made = Synthetic(3)
    monkeypatch.setattr(_rollup, "registry", lambda: tuple(made.records))
    empty = made.rollup_of(Scope.parse("province:กระบี่"))
    monkeypatch.setattr(_rollup, "compute", lambda *a, **k: empty)
    at = opened()
    assert t("rollup_page.empty_scope") in [i.value for i in at.info]
    assert chart(at, "heatmap") is None and not at.exception


def test_drill_down_opens_the_agency_and_back_returns(fake: Synthetic) -> None:
    at = opened()
    worst = rf.worst_first(fake.rollup_of().agencies).iloc[7]
    at.selectbox(key="rollup_drill").select(worst["agency"]).run()
    at.button(key="rollup_drill_go").click().run()
    assert at.session_state["agency"] == worst["agency"]
    assert at.title[0].value == t("overview.title") and not at.exception
    # the agency's own overview (it sent nothing yet), read-only, named in the sidebar
    assert f"### {t('empty.title')}" in [m.value for m in at.markdown]
    assert t("tenancy.shown", name=md(worst["name"])) in [i.value for i in at.sidebar.info]
    shown = [m.value for m in at.markdown]
    assert f"**{t('rollup_page.viewing', name=md(worst['name']))}**" in shown
    at.button(key="rollup_back").click().run()
    assert "agency" not in at.session_state
    assert at.title[0].value == t("rollup_page.title")


def test_the_page_is_only_for_supervisors_and_system_admins(
    fake: Synthetic, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not _rollup.may_see_rollup(Actor("exec", Role.VIEWER))
    assert not _rollup.may_see_rollup(Actor("legal", Role.EDITOR))
    assert _rollup.may_see_rollup(Actor.single_user())  # many agencies in the registry
    monkeypatch.setattr(_rollup, "registry", lambda: tuple(Synthetic(1).records))
    assert not _rollup.may_see_rollup(Actor.single_user())  # one agency: nothing to roll up


def test_rollup_figures_are_column_wise_and_complete() -> None:
    a = Synthetic(300).rollup_of().agencies
    bins = rf.total_bins(a)
    assert bins["count"].sum() == a["total"].notna().sum() and len(bins) == 20
    counts = rf.rating_counts(a, 2566)
    assert counts["count"].sum() == len(a) and list(counts["rating"][:2]) == ["AA", "A"]
    gaps = rf.below_pass(a, 85)
    assert (gaps["gap"] > 0).all() and gaps["gap"].is_monotonic_decreasing
    s = rf.summary(a)
    assert (s.agencies, s.passing) == (300, int(a["passed"].sum()))
    f = rf.Filters(provinces=("พะเยา",), types=("hospital",))
    kept = rf.narrowed(a, f)
    assert set(kept["province"]) == {"พะเยา"} and set(kept["type"]) == {"hospital"}
    assert rf.pages_of(120, 50) == [(0, 50), (50, 100), (100, 120)]
    everything = Scope.all()
    assert rf.filters_scope(rf.Filters(provinces=("พะเยา",)), everything).text() == "province:พะเยา"
    assert rf.filters_scope(rf.Filters(parents=("ก, ข",)), everything) is None
    assert rf.filters_scope(f, everything) is None  # a type too: the codes, one by one
    assert rf.filters_scope(rf.Filters(provinces=("พะเยา",)), Scope.parse("parent:X")) is None
    assert isinstance(
        rf.indicator_matrix(["A0001"], Synthetic(3).rollup_of().indicators), pd.DataFrame
    )


def test_a_real_store_of_agencies_shows_its_rollup(monkeypatch: pytest.MonkeyPatch) -> None:
    """No stand-in: agencies registered in the store, their files sent, the page's figures
    are ``rollup()``'s and a drill-down opens one agency."""
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    from ita_model.rollup import rollup
    from tests.rollup_factory import fill_store

    store = open_store()
    fill_store(store, 12)
    boss = Actor("boss", Role.ADMIN, "local", scope=Scope.all())
    at = app_test(ROOT / "dashboard.py", actor=boss).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    real = rollup(store, year=2565)
    a = real.agencies
    assert len(a) == 12
    shown = figures_shown(at)
    assert shown[t("rollup_page.kpi_agencies")] == "12"
    assert shown[t("rollup_page.kpi_passing", mark="85")] == str(int(a["passed"].sum()))
    share = a["oit_done"].sum() / a["oit_total"].sum()
    assert shown[t("rollup_page.kpi_oit")] == f"{100 * share:.0f}%"
    assert heat_rows(at) == list(rf.worst_first(a)["agency"])
    at.selectbox(key="rollup_drill").select("R007").run()
    at.button(key="rollup_drill_go").click().run()
    assert at.session_state["agency"] == "R007"
    assert at.title[0].value == t("overview.title") and not at.exception


def test_a_province_supervisor_starts_on_its_rollup(monkeypatch: pytest.MonkeyPatch) -> None:
    """A supervisor of พะเยา: the roll-up is its first page and lists its agencies only; an
    agency's pages show one once it has drilled into it, read-only, until the way back."""
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    from ita_model.rollup import rollup
    from tests.rollup_factory import fill_store

    store = open_store()
    fill_store(store, 12)
    scope = Scope.parse("province:พะเยา")
    watcher = Actor("watcher", Role.SUPERVISOR, "local", scope=scope)
    at = app_test(ROOT / "dashboard.py", actor=watcher).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("rollup_page.title")
    mine = rollup(store, year=2565, scope=scope).agencies
    assert set(mine["province"]) == {"พะเยา"} and len(mine) == 4
    assert heat_rows(at) == list(rf.worst_first(mine)["agency"])
    # an agency's page before a drill-down: choose one first (nothing of any agency shown)
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("tenancy.choose_agency") in " ".join(i.value for i in at.info)
    assert not figures_shown(at)  # no card of any agency
    at.switch_page(PAGE).run()
    code = str(mine["agency"].iloc[0])
    at.selectbox(key="rollup_drill").select(code).run()
    at.button(key="rollup_drill_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("overview.title")
    assert at.session_state["agency"] == code
    with pytest.raises(ValueError):  # read-only: no Data-in page
        at.switch_page("app_pages/data_in.py")
    at.button(key="rollup_back").click().run()
    assert at.title[0].value == t("rollup_page.title") and "agency" not in at.session_state


def test_a_long_list_is_searched_before_it_is_picked(monkeypatch: pytest.MonkeyPatch) -> None:
    """600 agencies: the drill-down offers the 500 lowest and says so; a name or code typed
    finds any of them."""
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    made = Synthetic(600)
    made.register(open_store())
    monkeypatch.setattr(_rollup, "compute", made.compute)
    at = opened()
    assert len(at.selectbox(key="rollup_drill").options) == 500
    caption = " ".join(c.value for c in at.caption)
    assert t("rollup_page.drill_found", n="600", shown=500) in caption
    best = rf.worst_first(made.rollup_of().agencies).iloc[-1]  # not among the 500 lowest
    at.text_input(key="rollup_drill_search").input(str(best["agency"]).lower()).run()
    assert len(at.selectbox(key="rollup_drill").options) == 1
    at.selectbox(key="rollup_drill").select(best["agency"]).run()
    at.button(key="rollup_drill_go").click().run()
    assert at.session_state["agency"] == best["agency"] and not at.exception
