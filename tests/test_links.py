"""Link checks against a local web site (tests/linkserver.py): every problem code where an
assessor would see it and nowhere else, the evidence kept and deduplicated, the safety rules,
the command line, and the parsers of untrusted input under hypothesis."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ita_model.links.check import Target, check
from ita_model.links.evidence import Evidence
from ita_model.links.runs import check_and_keep
from ita_model.links.safety import Policy
from ita_model.store import open_store
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
    assert evidence.last_run(YEAR, "cli") is not None
