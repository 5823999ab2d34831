"""``links check --scope``: the links of every agency of a province (or any scope) checked in one
run against a local web site (tests/linkserver.py, no network), on SQLite and PostgreSQL. Each
agency's run is kept as its own evidence; whoever may not write every agency of the scope is
refused before anything is fetched; each agency's own schedule decides ``--if-due``; one agency
that fails does not lose the others' runs; every agency's links go to the fetcher at once."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ita_model.cli import main
from ita_model.errors import StoreError, make_issue
from ita_model.links import check as check_module
from ita_model.links import scoped
from ita_model.links.evidence import Evidence
from ita_model.sample import sample_organisation
from ita_model.scope import Scope
from ita_model.store import Store, open_store
from ita_model.validate import validate_file
from tests.conftest import run_cli
from tests.linkserver import LinkSite
from tests.test_store import target  # noqa: F401  (the SQLite/PostgreSQL fixture)
from tests.test_tenancy import AGENCIES, PW

YEAR = 2565
# agency -> item -> path on the local site; A and B are in พะเยา, C in เชียงราย
LINKS = {
    "A": {"o01": "/ok.html", "o02": "/old.html"},  # o02 shows last year's report
    "B": {"o01": "/ok2.html", "o02": "/ok.html"},  # o02: the page A gives for o01
    "C": {"o01": "/ok3.html"},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    served = LinkSite(tmp_path_factory.mktemp("tls")).start()
    yield served
    served.stop()


def oit_book(links: dict[str, str], base: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OIT"
    ws.append(["ส่วนราชการ: สำนักปลัด"])
    ws.append(["ข้อ", "สถานะ", "ลิงก์"])
    for item, path in links.items():
        ws.append([item, "ดำเนินการแล้ว", base + path])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def store(target: str, site: LinkSite) -> Store:  # noqa: F811
    """Agencies A, B (พะเยา) and C (เชียงราย), each with its OIT links sent by its editor; a
    system admin (root), an editor of each (ed_a, ed_b, ed_c) and an admin of A (admin_a)."""
    s = open_store(target)
    s.accounts.add("root", "admin", PW, user="setup", rounds=4)
    s.register_agencies(AGENCIES, user="root")
    for code in LINKS:
        s.accounts.add(f"ed_{code.lower()}", "editor", PW, user="root", agency=code, rounds=4)
    s.accounts.add("admin_a", "admin", PW, user="root", agency="A", rounds=4)
    org = sample_organisation()
    for code, links in LINKS.items():
        data = oit_book(links, site.https)
        report = validate_file(data, f"{code}.xlsx", year=YEAR, organisation=org)
        editor = f"ed_{code.lower()}"
        s.for_agency(code, user=editor).submit(
            data, f"{code}.xlsx", user=editor, year=YEAR, division=report.division,
            report=report, accept=True,
        )  # fmt: skip
    yield s
    s.close()


@pytest.fixture
def env(site: LinkSite, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    out = {"ITA_LINK_CA_FILE": str(site.ca), "ITA_LINK_TIMEOUT_S": "8", "ITA_LOAD_SAMPLE": "false"}
    for k, v in out.items():
        monkeypatch.setenv(k, v)
    for k in ("ITA_USER", "ITA_LINK_SCHEDULE", "ITA_LINK_ALLOW_HOSTS"):
        monkeypatch.delenv(k, raising=False)
    return out


def kept(store: Store, code: str) -> list[tuple[str, str]]:
    """The (item, path) of every link the agency's own evidence holds."""
    evidence = Evidence(store.for_agency(code, user="root"))
    return sorted((r.item, "/" + r.url.split("/", 3)[3]) for r in evidence.latest(YEAR))


def mine(code: str) -> list[tuple[str, str]]:
    return sorted(LINKS[code].items())


def said(code: str, **params: str) -> str:
    """A code's message as the command line prints it: Thai — English."""
    issue = make_issue(code, **params)
    return f"{issue.message} — {issue.message_en}"


# --------------------------------------------------------------------------- a province


@pytest.fixture
def at(target: str) -> str:  # noqa: F811
    """The ``--store`` argument of ``store``: its folder or its PostgreSQL URL."""
    return target


def cmd(at: str, *args: str) -> list[str]:
    return ["links", "check", "--store", at, *args]


def test_a_province_is_checked_and_each_agency_keeps_its_own_run(store, at, env):
    args = cmd(at, "--scope", "province:พะเยา", "--user", "root", "--allow-host", "127.0.0.1")
    proc = run_cli(*args, "--json", env=env)
    assert proc.returncode == 1, proc.stderr  # A's o02 shows last year's report
    out = json.loads(proc.stdout)
    assert list(out) == ["agencies", "skipped_not_due"] and out["skipped_not_due"] == []
    assert [a["agency"] for a in out["agencies"]] == ["A", "B"]  # พะเยา only, not C
    a, b = out["agencies"]
    assert list(a) == ["agency", "name", "links", "with_problems"]
    assert a["name"] == "อบต.แม่กา" and (a["with_problems"], b["with_problems"]) == (1, 0)
    assert list(a["links"][0]) == ["item", "division", "url", "status", "final_url", "problems"]
    codes = {r["item"]: [p["code"] for p in r["problems"]] for r in a["links"]}
    assert codes == {"o01": [], "o02": ["link_wrong_year"]}
    # B's o02 is the page of A's o01: another agency's item is not "the same page"
    assert all(r["problems"] == [] for r in b["links"])
    # each agency's evidence holds its own run, and no other's; C was not checked
    assert kept(store, "A") == mine("A") and kept(store, "B") == mine("B")
    assert kept(store, "C") == []
    for code in ("A", "B"):
        assert Evidence(store.for_agency(code, user="root")).last_run(YEAR, "cli") is not None
    text = run_cli(*cmd(at, "--scope", "agencies:C", "--user", "root"), env=env)
    assert text.returncode == 1, text.stderr  # 127.0.0.1 not allowed now: the link refused
    assert "C อบต.ป่าแดด: ตรวจ 1 ลิงก์ มีปัญหา 1 / 1 links, 1 with problems" in text.stdout
    assert "รวม 1 หน่วยงาน ตรวจ 1 ลิงก์ มีปัญหา 1" in text.stdout
    assert "in all 1 agencies, 1 links, 1 with problems" in text.stdout


def test_every_agencys_links_go_to_one_fetcher_at_once(store, at, env, site, monkeypatch):
    calls: list[list[str]] = []
    real = check_module.fetch_all

    async def counted(requests, policy):
        requests = list(requests)
        calls.append(sorted(url.removeprefix(site.https) for url, _ in requests))
        return await real(requests, policy)

    monkeypatch.setattr(check_module, "fetch_all", counted)
    before = site.site.full
    args = cmd(at, "--scope", "all", "--user", "root", "--allow-host", "127.0.0.1")
    assert main(args) == 1
    # one call with the three agencies' links (the default agency has none)
    assert calls == [["/ok.html", "/ok.html", "/ok2.html", "/ok3.html", "/old.html"]]
    assert site.site.full - before == 5  # robots.txt and each page once: /ok.html for A and B
    assert [kept(store, c) for c in "ABC"] == [mine(c) for c in "ABC"]


def test_a_large_scope_is_fetched_a_chunk_at_a_time(store, at, env, site, monkeypatch):
    """So that a province or the whole country never holds every page in memory: agencies are
    fetched together up to a number of links, kept, then the next ones; all are kept."""
    calls: list[int] = []
    real = check_module.fetch_all

    async def counted(requests, policy):
        requests = list(requests)
        calls.append(len(requests))
        return await real(requests, policy)

    monkeypatch.setattr(check_module, "fetch_all", counted)
    monkeypatch.setattr(scoped, "CHUNK_LINKS", 2)
    args = cmd(at, "--scope", "all", "--user", "root", "--allow-host", "127.0.0.1")
    assert main(args) == 1
    assert len(calls) > 1 and sum(calls) == 5
    assert [kept(store, c) for c in "ABC"] == [mine(c) for c in "ABC"]


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=30), st.integers(1, 100))
def test_chunks_keep_every_agency_in_order_within_the_limit(sizes: list[int], most: int) -> None:
    plans = [SimpleNamespace(batch=SimpleNamespace(targets=[None] * n)) for n in sizes]
    got = scoped.chunks(plans, most)
    assert [p for chunk in got for p in chunk] == plans
    for chunk in got:
        total = sum(len(p.batch.targets) for p in chunk)
        assert chunk and (total <= most or len(chunk) == 1)


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize(
    ("user", "code", "params"),
    [
        ("ed_a", "agency_write_not_allowed", {"name": "ed_a", "own": "A"}),
        ("admin_a", "agency_write_not_allowed", {"name": "admin_a", "own": "A"}),
        ("ghost", "account_unknown", {"value": "ghost"}),
    ],
)
def test_anyone_who_may_not_write_every_agency_is_refused_before_any_fetch(
    store,
    at,
    env,
    site,
    capsys,
    user,
    code,
    params,
):
    before = site.site.requests
    args = cmd(at, "--scope", "province:พะเยา", "--user", user, "--allow-host", "127.0.0.1")
    assert main(args) == 2
    out = capsys.readouterr()
    if code == "agency_write_not_allowed":  # B named, A (which it may write) not
        words = {"agency": "B", "what_th": "บันทึกผลการตรวจลิงก์", "what_en": "keep link checks"}
        params = {**params, **words}
    assert out.out == "" and out.err == f"ผิดพลาด / error: {said(code, **params)}\n"
    assert site.site.requests == before  # nothing fetched
    assert kept(store, "A") == [] and kept(store, "B") == []  # nothing kept


def test_a_refusal_names_the_first_agencies_and_counts_the_rest():
    from ita_model.agencies import AgencyRecord
    from ita_model.auth import Actor, Role
    from ita_model.errors import NotAllowed
    from ita_model.links.scoped import require_writer

    records = [AgencyRecord(code=f"X{i:02d}", name=f"อบต.{i}") for i in range(25)]
    editor = Actor("ed", Role.EDITOR, agency="X00")
    with pytest.raises(NotAllowed) as refused:
        require_writer(editor, records)
    assert refused.value.code == "agency_write_not_allowed"
    assert "'X01, X02, X03, X04, X05, X06, X07, X08, X09, X10 … (+14)'" in str(refused.value)
    require_writer(Actor("boss", Role.ADMIN, scope=Scope.all()), records)  # a system admin may


def test_an_editor_may_check_a_scope_of_its_own_agency(store, at, env, capsys):
    args = cmd(at, "--scope", "agencies:A", "--user", "ed_a", "--json")
    assert main([*args, "--allow-host", "127.0.0.1"]) == 1
    assert [a["agency"] for a in json.loads(capsys.readouterr().out)["agencies"]] == ["A"]
    assert kept(store, "A") == mine("A")


# --------------------------------------------------------------------------- schedule, input


def test_if_due_follows_each_agencys_own_schedule(store, at, env, capsys):
    store.for_agency("A", user="admin_a").set_setting("link_schedule", "daily", user="admin_a")
    args = cmd(at, "--scope", "province:พะเยา", "--user", "root", "--if-due", "--json")
    assert main([*args, "--allow-host", "127.0.0.1"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [a["agency"] for a in out["agencies"]] == ["A"] and out["skipped_not_due"] == ["B"]
    assert Evidence(store.for_agency("A", user="root")).last_run(YEAR, "schedule") is not None
    assert kept(store, "B") == []
    assert main([*args, "--allow-host", "127.0.0.1"]) == 0  # A ran in this slot already
    again = json.loads(capsys.readouterr().out)
    assert again == {"agencies": [], "skipped_not_due": ["A", "B"]}


CONFLICT = {"option": "--agency", "why_th": "เลือกอย่างใดอย่างหนึ่ง", "why_en": "give one or the other"}
DIVISION = {
    "option": "--division",
    "why_th": "ส่วนราชการเป็นของหน่วยงานเดียว",
    "why_en": "divisions belong to one agency",
}


@pytest.mark.parametrize(
    ("args", "code", "params"),
    [
        (["--scope", "province:พะเยา", "--agency", "A"], "link_scope_conflict", CONFLICT),
        (["--scope", "province:พะเยา", "--division", "office"], "link_scope_conflict", DIVISION),
        (["--scope", "province:ชลบุรี"], "link_scope_empty", {"scope": "province:ชลบุรี"}),
        (["--scope", "agencies:A,ZZZ"], "agency_unknown", {"value": "ZZZ"}),
        (
            ["--scope", "district:x"],
            "bad_scope",
            {"value": "district:x", "why": "unknown kind 'district'"},
        ),
    ],
)
def test_scope_with_agency_or_division_or_matching_nothing_is_refused(
    store,
    at,
    env,
    site,
    capsys,
    args,
    code,
    params,
):
    before = site.site.requests
    assert main([*cmd(at, "--user", "root"), *args]) == 2
    assert capsys.readouterr().err == f"ผิดพลาด / error: {said(code, **params)}\n"
    assert site.site.requests == before and kept(store, "A") == []


def test_workbooks_and_a_scope_together_are_refused(tmp_path, env, capsys):
    book = tmp_path / "oit.xlsx"
    book.write_bytes(oit_book(LINKS["A"], "https://127.0.0.1:1"))
    assert main(["links", "check", str(book), "--scope", "all"]) == 2
    why = {
        "why_th": "ลิงก์ในไฟล์ไม่ได้เป็นของหน่วยงานใดในคลัง",
        "why_en": "a workbook's links belong to no agency of the store",
    }
    expected = said("link_scope_conflict", option="FILE", **why)
    assert capsys.readouterr().err == f"ผิดพลาด / error: {expected}\n"


# --------------------------------------------------------------------------- failures


def test_one_agency_that_fails_does_not_lose_the_others_runs(
    store,
    at,
    env,
    monkeypatch,
    capsys,
):
    from ita_model import current

    real = current.current_data

    def failing(bound, year, *a, **kw):
        if bound.agency == "B":
            raise StoreError(
                code="store_read_failed", where="B", reason="ดิสก์เสีย", reason_en="disk failed"
            )
        return real(bound, year, *a, **kw)

    monkeypatch.setattr(current, "current_data", failing)
    args = cmd(at, "--scope", "all", "--user", "root", "--allow-host", "127.0.0.1")
    assert main([*args, "--json"]) == 2
    out = capsys.readouterr()
    b = next(a for a in json.loads(out.out)["agencies"] if a["agency"] == "B")
    why = make_issue("store_read_failed", where="B", reason="ดิสก์เสีย", reason_en="disk failed")
    failed = make_issue(
        "link_scope_agency_failed", agency="B", why=why.message, why_en=why.message_en
    )
    assert b == {
        "agency": "B",
        "name": "อบต.บ้านต๋อม",
        "links": [],
        "with_problems": 0,
        "failed": {"message": failed.message, "message_en": failed.message_en},
    }
    assert out.err == f"ผิดพลาด / error: {failed.message} — {failed.message_en}\n"
    assert kept(store, "A") == mine("A") and kept(store, "C") == mine("C")
    assert kept(store, "B") == []
