"""The link check's kept evidence per agency, below the UI (SQLite and PostgreSQL): each agency
reads only its own checks and kept copies, and only someone who may write an agency keeps a run
for it; a store of schema 3 gets the column, its earlier checks becoming the default agency's."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from ita_model.errors import NotAllowed
from ita_model.links.check import LinkResult
from ita_model.links.evidence import Evidence, link_checks_t
from ita_model.store import SCHEMA_VERSION, Store, open_store
from tests.test_store import target  # noqa: F401  (the SQLite/PostgreSQL fixture)
from tests.test_tenancy import store  # noqa: F401  (agencies A, B, C and their accounts)

YEAR = 2565
AT = datetime(2022, 3, 27, 9, 0, tzinfo=UTC)


def checked(item: str, url: str, body: bytes) -> tuple[list[LinkResult], dict]:
    sha = hashlib.sha256(body).hexdigest()
    result = LinkResult(item=item, division=None, url=url, checked_at=AT, status=200, sha256=sha)
    return [result], {sha: (body, "text/html")}


def keep(store: Store, user: str, item: str, url: str, body: bytes) -> LinkResult:  # noqa: F811
    results, bodies = checked(item, url, body)
    Evidence(store).save(results, bodies, year=YEAR, started_at=AT, trigger="page", user=user)
    return results[0]


def test_each_agency_reads_and_keeps_only_its_own_evidence(store: Store) -> None:  # noqa: F811
    a = store.for_agency("A", user="ed_a")
    b = store.for_agency("B", user="ed_b")
    mine = keep(a, "ed_a", "o01", "https://a.go.th/o01", b"page of A")
    theirs = keep(b, "ed_b", "o01", "https://b.go.th/o01", b"page of B")
    assert [r.url for r in Evidence(a).latest(YEAR)] == ["https://a.go.th/o01"]
    assert [r.url for r in Evidence(b).latest(YEAR)] == ["https://b.go.th/o01"]
    assert Evidence(a).blob(mine.sha256) == (b"page of A", "text/html")
    assert Evidence(a).blob(theirs.sha256) is None  # B's kept copy, even by its hash
    assert Evidence(a).history("https://b.go.th/o01", YEAR) == []
    assert Evidence(a).blob_count() == 1 and Evidence(a).last_run(YEAR) == AT
    assert Evidence(store).latest(YEAR) == [] and Evidence(store).last_run(YEAR) is None
    with pytest.raises(NotAllowed) as no:  # A's editor cannot even bind to B
        store.for_agency("B", user="ed_a")
    assert no.value.code == "agency_not_allowed"


@pytest.mark.parametrize(
    ("user", "agency", "code"),
    [
        ("ed_a", "B", "agency_write_not_allowed"),  # another agency's evidence
        ("view_a", "A", "not_allowed"),  # its own agency, but a viewer
        ("sup", "B", "not_allowed"),  # a supervisor reads, never writes
        ("ghost", "A", "account_unknown"),
    ],
)
def test_a_save_by_anyone_who_may_not_write_the_agency_is_refused(
    store: Store,  # noqa: F811
    user: str,
    agency: str,
    code: str,
) -> None:
    bound = store.for_agency(agency, user="root")  # a system admin reads any agency
    results, bodies = checked("o02", "https://x.go.th/o02", b"x")
    with pytest.raises(NotAllowed) as refused:
        Evidence(bound).save(results, bodies, year=YEAR, started_at=AT, trigger="page", user=user)
    assert refused.value.code == code
    said = str(refused.value)
    assert " — " in said and "Traceback" not in said  # Thai, then English
    assert Evidence(bound).latest(YEAR) == [] and Evidence(bound).blob_count() == 0


def test_a_schema_3_store_keeps_its_checks_as_the_default_agencys(target: str) -> None:  # noqa: F811
    s = open_store(target)
    keep(s, "local", "o03", "https://pao.go.th/o03", b"before agencies")
    with s.engine.begin() as conn:  # as a store of schema 3 had them: no agency column
        conn.execute(text("DROP INDEX ix_link_checks_agency_year_url"))
        for table in ("link_runs", "link_checks"):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN agency"))
        conn.execute(text("UPDATE meta SET value = '3' WHERE key = 'schema'"))
    s.close()
    again = open_store(target)
    assert [r.url for r in Evidence(again).latest(YEAR)] == ["https://pao.go.th/o03"]
    with again.engine.connect() as conn:
        assert conn.execute(select(link_checks_t.c.agency)).scalars().all() == ["default"]
        version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema'")).scalar()
    assert version == SCHEMA_VERSION == "4"
    keep(again, "local", "o04", "https://pao.go.th/o04", b"after")  # and it goes on as before
    assert len(Evidence(again).latest(YEAR)) == 2
