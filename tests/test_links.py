"""Link checks against a local web site (tests/linkserver.py): every problem code where an
assessor would see it and nowhere else, the evidence kept and deduplicated, the safety rules,
the command line, and the parsers of untrusted input under hypothesis."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ita_model.links.check import Target, check
from ita_model.links.content import read_html, years_in
from ita_model.links.evidence import Evidence
from ita_model.links.problems import LINK_CODES
from ita_model.links.runs import check_and_keep, due, targets_of
from ita_model.links.safety import Policy, Refused, is_internal, split_url
from ita_model.settings import Settings
from ita_model.store import open_store
from ita_model.thai import to_thai_digits
from tests.conftest import SAMPLE, run_cli
from tests.linkserver import BIG, LinkSite

YEAR = 2565


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    served = LinkSite(tmp_path_factory.mktemp("tls")).start()
    yield served
    served.stop()


@pytest.fixture
def policy(site: LinkSite) -> Policy:
    return Policy(
        allow_hosts=frozenset({"127.0.0.1"}),
        ca_file=str(site.ca),
        timeout_s=8.0,
        max_bytes=2 * 1024 * 1024,
    )


# path on the HTTPS site -> the codes an assessor would meet there (and no other)
EXPECTED: dict[str, set[str]] = {
    "/ok.html": set(),
    "/redirect-chain": set(),
    "/range.html": set(),
    "/ce.html": set(),
    "/report-2565.pdf": set(),
    "/": {"link_to_home_page"},
    "/moved": {"link_to_home_page"},
    "/missing": {"link_http_error"},
    "/error": {"link_http_error"},
    "/old.html": {"link_wrong_year"},
    "/noyear.html": {"link_wrong_year"},
    "/report-old.pdf": {"link_wrong_year"},
    "/empty.html": {"link_empty"},
    "/login.html": {"link_login_required"},
    "/to-login": {"link_login_required"},
    "/private": {"link_login_required"},
    "/drive/file/d/abc/view": {"link_shared_drive"},
    "/loop": {"link_unreachable"},
    "/to-localhost": {"link_private_address"},
    "/secret/page.html": {"link_robots"},
}


@pytest.fixture(scope="module")
def checked(site: LinkSite):
    policy = Policy(allow_hosts=frozenset({"127.0.0.1"}), ca_file=str(site.ca), timeout_s=8.0)
    targets = [Target(f"o{i:02d}", "it", site.https + p) for i, p in enumerate(EXPECTED, 1)]
    targets += [
        Target("o30", "it", site.http + "/ok2.html"),
        Target("o31", "it", "https://127.0.0.1:1/closed"),
        Target("o32", "it", "ftp://127.0.0.1/file.pdf"),
    ]
    results, bodies = check(targets, YEAR, policy)
    return {r.url: r for r in results}, bodies


@pytest.mark.parametrize("path", list(EXPECTED))
def test_every_code_where_expected_and_nowhere_else(site, checked, path):
    result = checked[0][site.https + path]
    assert {p.code for p in result.problems} == EXPECTED[path], result.problems


@pytest.mark.parametrize(
    ("url", "codes"),
    [
        ("{http}/ok2.html", {"link_not_https"}),
        ("https://127.0.0.1:1/closed", {"link_unreachable"}),
        ("ftp://127.0.0.1/file.pdf", {"link_unreachable"}),
    ],
)
def test_plain_http_a_closed_port_and_not_http(site, checked, url, codes):
    result = checked[0][url.format(http=site.http)]
    assert {p.code for p in result.problems} == codes
    assert all(p.message and p.message_en for p in result.problems)


def test_what_is_recorded_per_url(site, checked):
    results, bodies = checked
    chain = results[site.https + "/redirect-chain"]
    assert chain.status == 200
    assert chain.final_url == site.https + "/ok3.html"
    assert [h["status"] for h in chain.redirects] == [302, 301]
    assert chain.title == "ข่าวประชาสัมพันธ์ 2565"
    assert chain.content_type.startswith("text/html")
    assert chain.sha256 in bodies and len(bodies[chain.sha256][0]) == chain.size
    report = results[site.https + "/report-2565.pdf"]
    assert report.content_type == "application/pdf"
    assert "fiscal year 2565" in report.excerpt  # the PDF's first page, as text
    assert results[site.https + "/missing"].status == 404
    assert (
        results[site.https + "/old.html"]
        .problems[0]
        .message_en.endswith("(years found: 2564, 2563)")
    )
    assert "2565" in results[site.https + "/noyear.html"].problems[0].message


def test_the_same_page_for_two_items_is_flagged_for_both(site, policy):
    targets = [
        Target("o10", "it", site.https + "/same.html"),
        Target("o11", "legal", site.https + "/same.html#top"),
        Target("o10", "legal", site.https + "/same.html"),  # one item, two owners: fine
    ]
    results, _ = check(targets, YEAR, policy)
    assert [[p.code for p in r.problems] for r in results] == [["link_to_home_page"]] * 3
    assert "o11" in results[0].problems[0].message and "o10" in results[1].problems[0].message


def test_a_slow_page_times_out(site, policy):
    (result,), _ = check(
        [Target("o01", "it", site.https + "/slow.html")], YEAR, replace(policy, timeout_s=1.0)
    )
    assert [p.code for p in result.problems] == ["link_unreachable"]
    assert "1 s" in result.problems[0].message_en
    assert result.elapsed_ms < 2900  # stopped at the cap, not when the page came


def test_a_10_mb_page_is_read_up_to_the_cap(site, policy):
    (result,), bodies = check([Target("o01", "it", site.https + "/big.html")], YEAR, policy)
    assert result.status == 200 and result.truncated
    assert result.size == policy.max_bytes < BIG
    assert len(bodies[result.sha256][0]) == policy.max_bytes
    assert result.problems == []  # its title and text are in the first bytes


def test_private_address_refused_unless_allowed(site, policy):
    url = site.https + "/ok.html"
    (refused,), bodies = check(
        [Target("o01", "it", url)], YEAR, replace(policy, allow_hosts=frozenset())
    )
    assert [p.code for p in refused.problems] == ["link_private_address"]
    assert refused.status is None and bodies == {}
    (allowed,), _ = check([Target("o01", "it", url)], YEAR, policy)
    assert allowed.status == 200 and allowed.problems == []


def test_a_redirect_to_an_internal_name_is_refused_at_the_hop(site, policy):
    (result,), _ = check([Target("o01", "it", site.https + "/to-localhost")], YEAR, policy)
    assert result.redirects[0]["to"].startswith("https://localhost:")
    assert result.problems[0].code == "link_private_address"
    ok = replace(policy, allow_hosts=frozenset({"127.0.0.1", "localhost"}), ca_file=None)
    (again,), _ = check([Target("o01", "it", site.http + "/ok3.html")], YEAR, ok)
    assert again.status == 200


def test_robots_txt_obeyed_unless_overridden(site, policy):
    url = site.https + "/secret/page.html"
    (blocked,), _ = check([Target("o01", "it", url)], YEAR, policy)
    assert [p.code for p in blocked.problems] == ["link_robots"]
    (opened,), _ = check(
        [Target("o01", "it", url)],
        YEAR,
        replace(policy, robots_ignore_hosts=frozenset({"127.0.0.1"})),
    )
    assert opened.status == 200 and opened.problems == []


def test_no_cookies_kept(site, policy):
    from ita_model.links.check import run
    from ita_model.links.fetch import Fetcher, client

    async def both():
        async with client(policy) as http:
            fetcher = Fetcher(http, policy)
            await fetcher.fetch(site.https + "/set-cookie")
            return await fetcher.fetch(site.https + "/echo-cookie")

    second = run(both())
    assert b"cookie none" in second.body


# --------------------------------------------------------------------------- evidence


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield open_store(tmp_path / "store")
        return
    yield open_store(request.getfixturevalue("pg_server").new_database())


def test_evidence_kept_deduplicated_and_rechecked_conditionally(site, policy, store):
    evidence = Evidence(store)
    targets = [
        Target("o01", "it", site.https + "/ok.html"),
        Target("o02", "it", site.https + "/report-2565.pdf"),
        Target("o03", "it", site.https + "/ok.html?copy=1"),  # the same bytes again
        Target("o04", "it", site.https + "/missing"),
    ]
    before = evidence.blob_count()
    first = check_and_keep(evidence, targets, year=YEAR, policy=policy, trigger="cli", user="t")
    assert evidence.blob_count() - before == 3  # ok.html (twice), the PDF, the 404 page
    kept = evidence.blob(first.results[1].sha256)
    assert kept is not None and kept[0].startswith(b"%PDF-") and kept[1] == "application/pdf"
    full = site.site.full
    second = check_and_keep(evidence, targets, year=YEAR, policy=policy, trigger="cli", user="t")
    assert evidence.blob_count() - before == 3  # nothing new: unchanged pages
    assert site.site.full - full == 2  # robots.txt and the 404 page; the rest answered 304
    assert [r.not_modified for r in second.results] == [True, True, True, False]
    assert [r.sha256 for r in second.results[:3]] == [r.sha256 for r in first.results[:3]]
    assert [[p.code for p in r.problems] for r in second.results] == [
        [p.code for p in r.problems] for r in first.results
    ]
    latest = evidence.latest(YEAR)
    assert {(r.item, r.url) for r in latest} == {(t.item, t.url) for t in targets}
    assert all(r.checked_at >= second.results[0].checked_at for r in latest if r.item != "o04")
    history = evidence.history(site.https + "/ok.html", YEAR)
    assert len(history) == 2 and history[0][1] == history[1][1]  # same bytes: unchanged
    assert evidence.unchanged_since(site.https + "/ok.html", YEAR) == history[0][0]
    assert evidence.last_run(YEAR, "cli") is not None


# --------------------------------------------------------------------------- the command line


def _workbook(book, site: LinkSite, name: str = "oit_it.xlsx"):
    return book(
        name,
        {
            "OIT": [
                ["ส่วนราชการ: สำนักปลัด"],
                ["ข้อ", "สถานะ", "ลิงก์"],
                ["o01", "ดำเนินการแล้ว", site.https + "/ok.html"],
                ["o02", "ดำเนินการแล้ว", site.https + "/old.html"],
            ]
        },
    )


def _cli_env(site: LinkSite, **more: str) -> dict[str, str]:
    return {"ITA_LINK_CA_FILE": str(site.ca), "ITA_LINK_TIMEOUT_S": "8", **more}


def test_cli_files_json_shape_and_exit_codes(book, site):
    path = _workbook(book, site)
    proc = run_cli(
        "links", "check", path, "--allow-host", "127.0.0.1", "--json", env=_cli_env(site)
    )
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert list(out) == ["links"]
    first, second = out["links"]
    assert list(first) == ["item", "division", "url", "status", "final_url", "problems"]
    assert (first["item"], first["status"], first["problems"]) == ("o01", 200, [])
    assert [list(p) for p in second["problems"]] == [["code", "severity", "message"]]
    assert second["problems"][0]["code"] == "link_wrong_year"
    assert second["problems"][0]["severity"] == "error"

    proc = run_cli(
        "links", "check", path, "--item", "1", "--allow-host", "127.0.0.1", env=_cli_env(site)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "✓ o01" in proc.stdout and "o02" not in proc.stdout

    refused = run_cli("links", "check", path, "--json", env=_cli_env(site))
    codes = {p["code"] for r in json.loads(refused.stdout)["links"] for p in r["problems"]}
    assert refused.returncode == 1 and codes == {"link_private_address"}


def test_cli_unreadable_input_exits_2_without_a_traceback(tmp_path, site):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    proc = run_cli("links", "check", broken, "--json", env=_cli_env(site))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and json.loads(proc.stdout) == {"links": []}


def test_cli_store_keeps_evidence_and_if_due_follows_the_schedule(book, site, tmp_path):
    store_dir = tmp_path / "store"
    env = _cli_env(site, ITA_LOAD_SAMPLE="false", ITA_LINK_CHECK_ON_ACCEPT="true")
    sub = run_cli("submit", _workbook(book, site), "--store", store_dir, "--user", "t", env=env)
    assert sub.returncode == 0, sub.stdout + sub.stderr
    # the accepted upload had its division's links checked: kept without asking
    evidence = Evidence(open_store(store_dir))
    after_upload = evidence.latest(YEAR)
    assert {r.item for r in after_upload} == {"o01", "o02"}
    assert evidence.last_run(YEAR, "upload") is not None
    proc = run_cli(
        "links", "check", "--store", store_dir, "--allow-host", "127.0.0.1", "--json", env=env
    )
    assert proc.returncode == 1, proc.stderr
    assert {r["item"] for r in json.loads(proc.stdout)["links"]} == {"o01", "o02"}
    assert evidence.last_run(YEAR, "cli") is not None
    not_due = run_cli("links", "check", "--store", store_dir, "--if-due", env=env)
    assert not_due.returncode == 0 and "not due" in not_due.stdout  # the schedule is off
    assert evidence.last_run(YEAR, "schedule") is None
    daily = {**env, "ITA_LINK_SCHEDULE": "daily", "ITA_LINK_ALLOW_HOSTS": "127.0.0.1"}
    ran = run_cli("links", "check", "--store", store_dir, "--if-due", env=daily)
    assert ran.returncode == 1 and evidence.last_run(YEAR, "schedule") is not None
    again = run_cli("links", "check", "--store", store_dir, "--if-due", env=daily)
    assert again.returncode == 0 and "not due" in again.stdout


def test_schedule_slots():
    daily = Settings(link_schedule="daily", link_schedule_hour=2)
    at = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # 07:30 in Thailand
    assert due(daily, None, at)
    assert not due(daily, datetime(2026, 11, 30, 19, 5, tzinfo=UTC), at)  # 02:05 today
    assert due(daily, datetime(2026, 11, 29, 19, 5, tzinfo=UTC), at)  # 02:05 yesterday
    weekly = Settings(link_schedule="weekly", link_schedule_hour=2)  # Mondays
    assert not due(weekly, datetime(2026, 11, 30, 19, 5, tzinfo=UTC), at)  # Monday 02:05
    assert not due(Settings(link_schedule="off"), None, at)


def test_targets_of_every_url_of_a_record():
    import pandas as pd

    oit = pd.DataFrame(
        [
            {"item": "o01", "division": "it", "url": "https://a/1", "urls": None},
            {
                "item": "o02",
                "division": "it",
                "url": "https://a/2",
                "urls": ["https://a/2", "https://a/3"],
            },
            {"item": "o03", "division": "legal", "url": None, "urls": None},
        ]
    )
    assert targets_of(oit) == [
        Target("o01", "it", "https://a/1"),
        Target("o02", "it", "https://a/2"),
        Target("o02", "it", "https://a/3"),
    ]
    assert targets_of(oit, item="o02", division="legal") == []


# --------------------------------------------------------------------------- untrusted input


def test_every_link_code_has_both_languages():
    for c in LINK_CODES.values():
        assert c.th and c.en and c.code.startswith("link_")


@given(st.text(max_size=300))
def test_split_url_refuses_or_names_a_host(text):
    try:
        scheme, host = split_url(text)
    except Refused as exc:
        assert exc.reason and exc.reason_en
    else:
        assert scheme in ("http", "https") and host and host == host.lower()


@given(st.ip_addresses())
def test_internal_addresses(ip):
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:  # ::ffff:127.0.0.1 is 127.0.0.1 on the wire
        assert is_internal(str(ip)) == is_internal(str(mapped))
    else:
        assert is_internal(str(ip)) == (not ip.is_global or ip.is_multicast)


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.10", True),
        ("169.254.169.254", True),  # a cloud's metadata service
        ("::1", True),
        ("fe80::1", True),
        ("::ffff:127.0.0.1", True),
        ("224.0.0.1", True),
        ("8.8.8.8", False),
        ("164.115.1.1", False),
        ("2001:4860:4860::8888", False),
    ],
)
def test_internal_examples(address, internal):
    assert is_internal(address) is internal


@given(st.integers(2500, 2650), st.booleans(), st.booleans())
def test_the_fiscal_year_is_seen_in_any_digits_and_era(year, thai, common_era):
    shown = str(year - 543 if common_era else year)
    shown = to_thai_digits(shown) if thai else shown
    assert years_in(f"รายงานประจำปีงบประมาณ {shown} ของหน่วยงาน").shows(year)


@given(st.integers(2500, 2650), st.booleans())
def test_the_date_range_counts_and_an_earlier_year_does_not(year, thai):
    start = f"ตั้งแต่ ๑ ต.ค. {year - 1}" if thai else f"ตั้งแต่ 1 ต.ค. {year - 1}"
    assert years_in(start).shows(year)
    assert years_in(f"1/10/{year - 1}").shows(year)
    earlier = years_in(f"รายงานปี {year - 1} และ ม.ค. {year - 1}")
    assert not earlier.shows(year) and earlier.found(year) == [year - 1]


@given(st.text(max_size=500))
def test_years_in_any_text(text):
    found = years_in(text)
    assert all(isinstance(y, int) for y in found.years)
    assert all(1 <= m <= 12 for _, m in found.months)


@settings(max_examples=200)
@given(st.text(max_size=400), st.text(max_size=200))
def test_html_title_is_plain_bounded_text(title, body):
    facts = read_html(f"<html><head><title>{title}</title></head><body>{body}</body></html>")
    assert facts.title is None or (len(facts.title) <= 300 and "\n" not in facts.title)
    assert len(facts.text) <= 200_000


@given(st.binary(max_size=2000))
def test_any_bytes_read_as_a_pdf_never_raise(data):
    from ita_model.links.content import read

    facts = read("application/pdf", b"%PDF-1.4\n" + data)
    assert facts.kind == "pdf"


def test_the_handouts_list_the_links_with_problems(site, policy):
    import io

    import openpyxl

    from ita_model.handouts.content import build_handout
    from ita_model.handouts.pdf import report_html
    from ita_model.handouts.workbook import workbook_bytes
    from ita_model.readiness import load_dataset

    targets = [
        Target("o01", "it", site.https + "/ok.html"),
        Target("o02", "it", site.https + "/old.html"),
    ]
    results, _ = check(targets, YEAR, policy)
    handout = build_handout(load_dataset([SAMPLE], year=YEAR), links=results)
    html = report_html(handout)
    assert "ลิงก์ที่มีปัญหา" in html and "1 / 2" in html
    assert "ไม่แสดงปีงบประมาณ 2565" in html and site.https + "/ok.html" not in html
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(handout)))
    sheet = book["การตรวจลิงก์"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[2], r[4]) for r in rows] == [
        ("o01", site.https + "/ok.html", 200),
        ("o02", site.https + "/old.html", 200),
    ]
    assert rows[0][5] == "ผ่าน" and "2564, 2563" in rows[1][5] and "2569" in rows[0][3]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
    st.sampled_from(["http://127.0.0.1:1/", "https://", "http://", "ftp://", ""]),
)
def test_any_url_text_is_a_result_never_an_exception(monkeypatch, text, prefix):
    async def no_dns(host: str, port: int) -> list[str]:  # the tests reach no name server
        raise OSError(f"Name or service not known: {host}")

    monkeypatch.setattr("ita_model.links.fetch.resolve", no_dns)
    policy = Policy(allow_hosts=frozenset({"127.0.0.1"}), timeout_s=2.0)
    (result,), _ = check([Target("o01", None, prefix + text)], YEAR, policy)
    assert result.status is None or isinstance(result.status, int)
    assert result.problems and result.problems[0].code in LINK_CODES
