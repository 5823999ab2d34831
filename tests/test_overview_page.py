"""The overview's first screen: right under the KPI cards, every missing item with whose it is
(the owners that have not started it say so), and who has not started; the charts below."""

from __future__ import annotations

from pathlib import Path

import pytest

from ita_model import overview
from ita_model.i18n import t
from ita_model.organisation import load_organisation
from ita_model.readiness import compute_readiness, load_dataset
from ita_model.records import status_label
from tests.conftest import app_test, html_tables

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.mark.usefixtures("data_dir")
@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_missing_items_come_first_every_row_and_whose(lang: str) -> None:
    at = app_test(ROOT / "dashboard.py", lang=lang).run()
    assert not at.exception, [e.value for e in at.exception]
    heads = [h.value for h in at.subheader]
    assert heads.index(t("overview.missing", lang)) < heads.index(
        t("overview.by_subindicator", lang)
    )
    ready = compute_readiness(load_dataset([SAMPLE]))
    org = load_organisation()
    missing = overview.missing_items(ready, org)
    [table] = html_tables(at)
    assert (
        len(table)
        == len(missing)
        == ready.total - ready.done - ready.items["status"].eq("not_applicable").sum()
    )
    assert list(table.columns) == [
        t(k, lang) for k in ("col.item", "col.name", "col.sub", "col.status", "col.waiting_on")
    ]
    # an owner that has not started an item "in progress" overall is named as such
    name = "name_en" if lang == "en" else "name_th"
    late = overview.not_started_by_division(ready)
    assert len(late)
    health = org.division("health")
    who = "; ".join(table[t("col.waiting_on", lang)])
    assert f"{getattr(health, name)} (" in who and status_label("not_started", lang) in who
    line = [w.value for w in at.warning] + [e.value for e in at.error]
    assert any(getattr(health, name) in w for w in line), line


def test_not_started_by_division_names_who_has_started_nothing() -> None:
    ready = compute_readiness(load_dataset([SAMPLE]))
    by = ready.by_division.copy()
    late = overview.not_started_by_division(ready)
    assert set(late["division"]) == set(by.loc[by["not_started"] > 0, "division"])
    assert not late["nothing_started"].any()  # every division in the sample began something
    # a division with nothing done and nothing in progress is listed first, as such
    by.loc[by["division"] == "it", ["done", "in_progress", "not_started"]] = [0, 0, 17]
    ready.by_division = by
    late = overview.not_started_by_division(ready)
    assert late.iloc[0]["division"] == "it" and late.iloc[0]["nothing_started"]
