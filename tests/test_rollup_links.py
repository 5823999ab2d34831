"""The roll-up shows each agency's latest kept link check (``rollup_links.py``): in ``rollup()``
and ``rollup --json`` (``links_checked``, ``links_with_problems``; null when never checked), read
in one statement for the whole scope, and on the roll-up page as a table of the agencies with
the most links with problems, the day of the check in Buddhist Era."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import html as lxml_html
from sqlalchemy import event

from ita_model.auth import Actor, Role
from ita_model.fiscal import today_in_thailand
from ita_model.i18n import t
from ita_model.links.check import LinkResult
from ita_model.links.evidence import Evidence
from ita_model.links.problems import problem
from ita_model.rollup import rollup, rollup_json
from ita_model.rollup_links import link_figures
from ita_model.scope import Scope
from ita_model.store import Store, open_store
from ita_model.thai import format_date
from tests.conftest import app_test
from tests.rollup_factory import fill_store
from tests.test_store import target  # noqa: F401  (the SQLite/PostgreSQL fixture)

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2565
AT = datetime(2022, 3, 27, 9, 0, tzinfo=UTC)


def keep_run(store: Store, code: str, good: int, bad: int) -> None:
    """A run of ``good + bad`` links for the agency, ``bad`` of them with a 404, kept now."""
    results = [
        LinkResult(
            item=f"o{n + 1:02d}",
            division=None,
            url=f"https://{code.lower()}.go.th/o{n + 1:02d}",
            checked_at=AT,
            status=404 if n < bad else 200,
            problems=[problem("link_http_error", status=404)] if n < bad else [],
        )
        for n in range(good + bad)
    ]
    bound = store.for_agency(code, user="boss")
    Evidence(bound).save(results, {}, year=YEAR, started_at=AT, trigger="cli", user="boss")


@pytest.fixture
def agencies(target: str) -> Store:  # noqa: F811
    """R001 (พะเยา), R002 (เชียงราย), R003 (third province) with their files; R001 checked twice
    (its latest run: 5 links, 3 with problems), R002 once (2 links, 1), R003 never."""
    s = open_store(target)
    fill_store(s, 3)
    keep_run(s, "R001", 0, 4)
    keep_run(s, "R001", 2, 3)
    keep_run(s, "R002", 1, 1)
    yield s
    s.close()


def test_the_latest_kept_run_of_each_agency_is_in_the_rollup(agencies: Store) -> None:
    out = rollup_json(rollup(agencies, year=YEAR, progress=False))
    by_code = {a["agency"]: a for a in out["agencies"]}
    assert [list(a)[-2:] for a in out["agencies"]] == [["links_checked", "links_with_problems"]] * 3
    assert list(by_code["R001"])[:-2] == [  # the existing keys unchanged, first
        "agency", "name", "province", "type", "oit_done", "oit_total", "oit", "total",
        "rating", "pass",
    ]  # fmt: skip
    links = {c: (a["links_checked"], a["links_with_problems"]) for c, a in by_code.items()}
    assert links == {"R001": (5, 3), "R002": (2, 1), "R003": (None, None)}
    one = rollup_json(rollup(agencies, year=YEAR, scope=Scope.parse("agencies:R002")))
    assert [(a["agency"], a["links_checked"]) for a in one["agencies"]] == [("R002", 2)]
    other_year = rollup_json(rollup(agencies, year=YEAR + 1, progress=False))
    assert {a["links_checked"] for a in other_year["agencies"]} == {None}


def test_as_of_a_moment_before_the_runs_nothing_was_checked(agencies: Store) -> None:
    before = datetime.now(UTC) - timedelta(days=1)
    assert link_figures(agencies, YEAR, None, before).empty
    now = link_figures(agencies, YEAR, None, datetime.now(UTC) + timedelta(minutes=1))
    assert list(now["agency"]) == ["R001", "R002"]


def test_the_figures_of_every_agency_come_from_one_statement(agencies: Store) -> None:
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if "link_runs" in statement and "SELECT" in statement.upper():
            seen.append(statement)

    event.listen(agencies.engine, "before_cursor_execute", count)
    try:
        for codes in (None, ["R001", "R002", "R003"], ["R003"]):
            seen.clear()
            link_figures(agencies, YEAR, codes)
            assert len([s for s in seen if "max(" in s.lower()]) == 1, seen
    finally:
        event.remove(agencies.engine, "before_cursor_execute", count)


# --------------------------------------------------------------------------- the page


def test_the_page_lists_the_agencies_with_the_most_link_problems(monkeypatch) -> None:
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    store = open_store()
    fill_store(store, 3)
    keep_run(store, "R001", 0, 4)
    keep_run(store, "R001", 2, 3)
    keep_run(store, "R002", 1, 1)
    boss = Actor("boss", Role.ADMIN, "local", scope=Scope.all())
    at = app_test(ROOT / "dashboard.py", actor=boss).run()
    at.switch_page("app_pages/rollup.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("links_scope.heading") in [h.value for h in at.subheader]
    figure = None
    for element in at.get("html"):
        found = lxml_html.fromstring(f"<div>{element.value}</div>").xpath(
            '//figure[@data-chart="links"]'
        )
        figure = found[0] if found else figure
    assert figure is not None
    rows = [[td.text_content() for td in tr.xpath("./td")] for tr in figure.xpath(".//tbody/tr")]
    today = format_date(today_in_thailand())
    never = t("links_scope.never")
    assert [r[1] for r in rows] == ["อบต.ทดสอบ 1", "อบต.ทดสอบ 2", "อบต.ทดสอบ 3"]
    assert [r[3:] for r in rows] == [["3 / 5", today], ["1 / 2", today], ["—", never]]
    assert "2569" in today or "2570" in today  # Buddhist Era
    assert t("links_scope.caption", never=1) in [c.value for c in at.caption]
