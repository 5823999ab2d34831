"""The link check on the dashboard: the OIT page shows each item's last check, its result and
the kept copy; editors check every link from it; the overview counts the links with problems;
the division page lists its own. AppTest, and the OIT page in Chromium (a screenshot in Thai at
1280×720)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest

from ita_model.current import current_data
from ita_model.i18n import t
from ita_model.links.evidence import Evidence
from ita_model.links.runs import check_and_keep, policy_of, targets_of
from ita_model.settings import get_settings
from ita_model.store import open_store
from tests.conftest import APP, CHROMIUM, CHROMIUM_ARGS, app_test, served
from tests.linkserver import LinkSite

YEAR = 2565
SHOTS = Path("/tmp/ita-links-shots")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    served = LinkSite(tmp_path_factory.mktemp("tls")).start()
    yield served
    served.stop()


def it_workbook(site: LinkSite) -> bytes:
    """ฝ่ายสถิติฯ's answers: o01 a good page, o02 last year's report."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OIT"
    ws.append(["ข้อ", "สถานะ", "ลิงก์"])
    ws.append(["o01", "ดำเนินการแล้ว", site.https + "/ok.html"])
    ws.append(["o02", "ดำเนินการแล้ว", site.https + "/old.html"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def prepare(site: LinkSite, monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Path:
    """A store where ฝ่ายสถิติฯ's workbook counts, its two links checked; only the uploads
    shown (the sample's links point at real sites the tests never reach)."""
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    monkeypatch.setenv("ITA_LINK_CA_FILE", str(site.ca))
    monkeypatch.setenv("ITA_LINK_ALLOW_HOSTS", "127.0.0.1")
    settings = get_settings()
    store = open_store()
    store.submit(it_workbook(site), "oit_it.xlsx", user="t", year=YEAR, division="it", accept=True)
    dataset = current_data(store, YEAR).dataset
    targets = targets_of(dataset.oit_current())
    assert [(x.item, x.division) for x in targets] == [("o01", "it"), ("o02", "it")]
    check_and_keep(
        Evidence(store), targets, year=YEAR, policy=policy_of(settings), trigger="cli", user="t"
    )
    return settings.store_dir


def test_oit_page_shows_each_items_check_and_its_kept_copy(site, monkeypatch, data_dir):
    prepare(site, monkeypatch, data_dir)
    at = app_test(APP).run()
    at.switch_page("app_pages/oit.py").run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(c.startswith("ตรวจล่าสุด") and "มีปัญหา 1 จาก 2 ลิงก์" in c for c in captions)
    labels = [e.label for e in at.expander]
    badge = t("links.problem_badge", "th")
    assert [x for x in labels if badge in x] == [x for x in labels if x.startswith("**o02**")]
    at.session_state["oit_item_o02"] = True
    at.run()
    assert not at.exception
    frames = [d.value for d in at.dataframe if "result" in d.value.columns]
    assert frames, "no link table in the open item"
    row = frames[0].iloc[0]
    assert row["url"] == site.https + "/old.html" and row["status"] == "200"
    assert "ไม่แสดงปีงบประมาณ 2565" in row["result"] and row["title"] == "รายงานประจำปี 2564"
    assert row["checked"].endswith(tuple("0123456789")) and "25" in row["checked"]  # BE date
    assert row["since"] == row["checked"][: len(row["since"])]  # first seen at this check
    kept = [b for b in at.get("download_button") if "o02" in b.proto.label]
    assert len(kept) == 1


def test_an_editor_checks_every_link_from_the_oit_page(site, monkeypatch, data_dir):
    store_dir = prepare(site, monkeypatch, data_dir)
    before = Evidence(open_store(store_dir)).last_run(YEAR, "page")
    assert before is None
    at = app_test(APP).run()
    at.switch_page("app_pages/oit.py").run()
    at.button(key="oit_check_links").click().run()
    assert not at.exception
    assert t("links.done", "th", total=2, bad=1) in [s.value for s in at.success]
    assert Evidence(open_store(store_dir)).last_run(YEAR, "page") is not None


def test_overview_and_division_page_count_the_links_with_problems(site, monkeypatch, data_dir):
    prepare(site, monkeypatch, data_dir)
    at = app_test(APP).run()
    assert not at.exception
    found = [m.value for m in at.metric if m.label == t("links.with_problems", "th")]
    assert found == ["1 / 2"]
    at.switch_page("app_pages/divisions.py").run()
    at.selectbox(key="division_pick").set_value("it").run()
    assert not at.exception
    frames = [d.value for d in at.dataframe if "result" in d.value.columns]
    assert len(frames) == 1 and list(frames[0]["item"]) == ["o02"]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
def test_oit_page_in_chromium(site, monkeypatch, data_dir, tmp_path):
    store_dir = prepare(site, monkeypatch, data_dir)
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "ITA_STORE_DIR": str(store_dir)}
    with served(env, tmp_path / "streamlit.log") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 720}, locale="th-TH")
        page.goto(f"{url}/oit", wait_until="domcontentloaded")
        page.get_by_text("มีปัญหา 1 จาก 2 ลิงก์").wait_for(timeout=60_000)
        page.get_by_text(t("links.problem_badge", "th")).first.click()
        page.get_by_text(t("links.heading", "th")).first.wait_for(timeout=60_000)
        kept = page.get_by_role("button", name="สำเนาที่เก็บไว้").first
        kept.wait_for(timeout=60_000)
        kept.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        assert page.locator('[data-testid="stException"]').count() == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "oit-links-1280.png"))
        page.get_by_role("button", name=t("links.check_now", "th")).click()
        page.get_by_text("ตรวจ 2 ลิงก์แล้ว มีปัญหา 1 ลิงก์").wait_for(timeout=60_000)
        page.screenshot(path=str(SHOTS / "oit-links-checked-1280.png"))
        browser.close()


def test_data_in_checks_a_files_links_before_and_after_accepting(site, monkeypatch, data_dir):
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    monkeypatch.setenv("ITA_LINK_CA_FILE", str(site.ca))
    monkeypatch.setenv("ITA_LINK_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setenv("ITA_LINK_CHECK_ON_ACCEPT", "true")
    at = app_test(APP).run()
    at.switch_page("app_pages/data_in.py").run()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="uploads").set_value(("oit_it.xlsx", it_workbook(site), xlsx)).run()
    assert not at.exception
    check_file = [b for b in at.button if b.label == t("links.check_file", "th")]
    assert len(check_file) == 1
    check_file[0].click().run()
    assert not at.exception
    frames = [d.value for d in at.dataframe if "result" in d.value.columns]
    assert len(frames) == 1 and list(frames[0]["item"]) == ["o01", "o02"]
    assert frames[0]["result"].iloc[0] == "✓ " + t("links.ok", "th")
    assert Evidence(open_store()).last_run(YEAR) is None  # a file not accepted: nothing kept
    next(b for b in at.button if b.label == t("data_in.accept", "th")).click().run()
    assert not at.exception
    said = [i.value for i in at.info]
    assert any("มีปัญหา 1 จาก 2 ลิงก์" in x for x in said), said
    assert Evidence(open_store()).last_run(YEAR, "upload") is not None


def test_an_admin_sets_the_link_check_on_the_settings_page(data_dir, monkeypatch):
    for name in ("LINK_ALLOW_HOSTS", "LINK_SCHEDULE", "LINK_SCHEDULE_HOUR"):
        monkeypatch.delenv(f"ITA_{name}", raising=False)
    at = app_test(APP).run()
    at.switch_page("app_pages/settings.py").run()
    at.text_input(key="setting_link_allow_hosts").set_value(" intranet.pao.go.th ")
    at.selectbox(key="setting_link_schedule").set_value("daily")
    at.number_input(key="setting_link_schedule_hour").set_value(3)
    at.button[0].click().run()  # the form's save button
    assert not at.exception
    assert t("links.allow_hosts", "th") in at.success[0].value
    store = open_store()
    assert store.overrides() == {
        "link_allow_hosts": "intranet.pao.go.th",
        "link_schedule": "daily",
        "link_schedule_hour": 3,
    }
    from ita_model.settings import with_overrides

    now = with_overrides(get_settings(), store.overrides())
    assert policy_of(now).allows("intranet.pao.go.th")  # what `links check` will use
