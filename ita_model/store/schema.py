"""The store's tables, its schema version, and the upgrade of a store made by earlier code.

Version 1 (the first database store) had ``submissions``, ``events``, ``current``, ``blobs``
and ``meta``. Version 2 keeps each file's typed rows (``records``, ``oit_rows``), the validator
version that produced them (``submissions.validator``: NULL means "not ingested yet", which the
store fills in once from the stored bytes), and ``slots`` with an index on the decision events,
so that "what counted at a time" is one indexed look-up per slot, whatever the history's length.
Version 3 holds many agencies: ``agencies`` is the registry (``default``, the embedded single
agency, always there) and every row of ``submissions``, ``events``, ``current``, ``slots`` and
``oit_rows`` names its agency (``oit_rows`` too, so that a roll-up groups without a join); the
keys of ``current`` and ``slots`` and the "same bytes" constraint of ``submissions`` start with
it. An older store is upgraded in place when it is opened, every row it had becoming the
``default`` agency's; nothing else in it is rewritten (SQLite cannot change a key in place: those
tables are rebuilt inside the upgrade's transaction).
Version 4 keeps each agency's roll-up figures after each decision (``agency_figures``, see
``store/figures.py``); a version-3 store gains the table, empty, and fills it as it is read. In
version 4 the link check's kept evidence (``link_runs``, ``link_checks``: their tables are
``links/evidence.py``'s) names its agency too; a store that had them gets the column, every
earlier check becoming the default agency's (``link_evidence_agency``, a step of its own).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection

SCHEMA_VERSION = "4"
DEFAULT = "default"  # ita_model.agency.DEFAULT_AGENCY: the agency of every row of an older store
DECISIONS = ("accepted", "rolled_back", "withdrawn")  # the events that decide what is current

metadata = MetaData()


def agency_column() -> Column:
    """The agency a row belongs to; rows written by older code are the default agency's."""
    return Column("agency", String(32), nullable=False, default=DEFAULT, server_default=DEFAULT)


submissions_t = Table(
    "submissions",
    metadata,
    Column("id", String(64), primary_key=True),
    agency_column(),
    Column("sha256", String(64), nullable=False),
    Column("filename", Text, nullable=False),
    Column("suffix", String(16), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("division", String(64)),
    Column("year", Integer, nullable=False),
    Column("slot", String(128), nullable=False),
    Column("kinds", Text, nullable=False, default="[]"),
    Column("submitted_by", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Column("unreadable", Boolean, nullable=False, default=False),
    Column("state", String(16), nullable=False),
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("report", LargeBinary),  # zlib-compressed JSON of the validation report
    Column("validator", String(32)),  # the validator version of its stored rows; NULL: none yet
    UniqueConstraint("agency", "sha256", "year", name="uq_submission_bytes"),
)

events_t = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    agency_column(),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("action", String(32), nullable=False),
    Column("submission_id", String(64)),
    Column("year", Integer),
    Column("division", String(64)),
    Column("slot", String(128)),
    Column("detail", Text, nullable=False, default="{}"),
)
# "the latest decision of a slot at or before a time": a seek, then a short walk back
EVENTS_BY_SLOT = Index(
    "ix_events_agency_slot_at",
    events_t.c.agency,
    events_t.c.year,
    events_t.c.slot,
    events_t.c.at,
    events_t.c.seq,
)
OLD_EVENTS_INDEX = "ix_events_slot_at"  # version 2's, without the agency
# one agency's latest event (``revision``, the pages' cache key): a seek, not a walk of the log
EVENTS_BY_AGENCY = Index("ix_events_agency_seq", events_t.c.agency, events_t.c.seq)
# one agency's submissions of a year (the History and Data-in pages), among thousands of agencies
SUBMISSIONS_BY_AGENCY = Index(
    "ix_submissions_agency_year", submissions_t.c.agency, submissions_t.c.year
)

current_t = Table(
    "current",
    metadata,
    Column("agency", String(32), primary_key=True, server_default=DEFAULT),
    Column("year", Integer, primary_key=True),
    Column("slot", String(128), primary_key=True),
    Column("submission_id", String(64), nullable=False),
    Column("event_seq", Integer, nullable=False),
)

slots_t = Table(  # every slot that was ever decided, per year (a withdrawn one stays here)
    "slots",
    metadata,
    Column("agency", String(32), primary_key=True, server_default=DEFAULT),
    Column("year", Integer, primary_key=True),
    Column("slot", String(128), primary_key=True),
)

blobs_t = Table(  # PostgreSQL only: the bytes, so that every machine can read every file
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

meta_t = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

records_t = Table(  # one file's valid rows of one kind, exactly as the validator gave them
    "records",
    metadata,
    Column("submission_id", String(64), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("rows", Integer, nullable=False),
    Column("frame", LargeBinary, nullable=False),  # zlib-compressed JSON, see records.py
)

oit_rows_t = Table(  # the OIT rows again, typed, for roll-ups computed in SQL
    "oit_rows",
    metadata,
    Column("submission_id", String(64), primary_key=True),
    Column("n", Integer, primary_key=True),  # the row's place in the file's OIT rows
    agency_column(),
    Column("row", Integer, nullable=False),  # the Excel row
    Column("division", String(64)),
    Column("item", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("url", Text),
    Column("urls", Text),  # JSON list of every link of the cell
    Column("updated", Date),
    Column("owner", Text),
    Column("note", Text),
)

# the roll-up reads the counting files' OIT rows by submission from this index alone (PostgreSQL:
# an index-only scan), never the whole history of the table
OIT_ROWS_COVER = Index(
    "ix_oit_rows_cover",
    oit_rows_t.c.submission_id,
    oit_rows_t.c.n,
    oit_rows_t.c.division,
    oit_rows_t.c.item,
    oit_rows_t.c.status,
)

score_rows_t = Table(  # the scores sheet's rows again, typed: a roll-up's IIT and EIT in SQL
    "score_rows",
    metadata,
    Column("submission_id", String(64), primary_key=True),
    Column("n", Integer, primary_key=True),  # the row's place in the file's score rows
    Column("year", Integer),
    Column("indicator", String(32)),
    Column("score", Float),
)

agencies_t = Table(  # the registry: every agency of the deployment ("default" always there)
    "agencies",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", String(32)),  # a code of agency_types.yaml
    Column("province", Text),
    Column("parent", Text),  # สังกัด
    Column("added_at", DateTime(timezone=True)),
    Column("added_by", Text),
)

agency_figures_t = Table(  # one agency's roll-up figures in a year after one decision event
    "agency_figures",
    metadata,
    Column("agency", String(32), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),  # the decision (events.seq); 0: before any
    Column("at", DateTime(timezone=True)),  # that decision's time (NULL for 0)
    Column("basis", Integer, nullable=False),  # the newest decision seen up to it (figures.py)
    Column("version", String(32), nullable=False),  # the shipped data and rules it was made by
    Column("framework", String(32), nullable=False),  # the agency's framework's fingerprint
    Column("oit_done", Integer, nullable=False),
    Column("oit_total", Integer, nullable=False),
    Column("oit", Float),
    Column("iit", Float),
    Column("eit", Float),
    Column("total", Float),
    Column("rating", Text),  # its Thai name; NULL: no rating
    Column("passed", Boolean, nullable=False),
    Column("indicators", Text, nullable=False),  # JSON [[number, score or null], ...]
    Column("missing", Text, nullable=False),  # JSON [item, ...]: neither done nor not applicable
)

_REBUILT = (submissions_t, current_t, slots_t)  # their keys change: rebuilt on SQLite
_ADDED = (events_t, oit_rows_t)  # a column added is enough


def schema_version(conn: Connection) -> str | None:
    """The version written in ``meta``; None for a database with no tables yet."""
    if "meta" not in inspect(conn).get_table_names():
        return None
    return conn.execute(select(meta_t.c.value).where(meta_t.c.key == "schema")).scalar()


def needs_upgrade(conn: Connection) -> bool:
    have = set(inspect(conn).get_table_names())
    if not {t.name for t in metadata.sorted_tables} <= have:
        return True
    return schema_version(conn) != SCHEMA_VERSION


def create_or_upgrade(conn: Connection) -> None:
    """Create what is missing; bring a store of an earlier version to this one, in one
    transaction (the caller's)."""
    had = set(inspect(conn).get_table_names())
    metadata.create_all(conn)  # only the tables not there yet
    if "records" in had and score_rows_t.name not in had:
        from ita_model.store.rows import backfill_score_rows

        backfill_score_rows(conn)
    for table in (*_ADDED, *_REBUILT):
        if table.name in had and "agency" not in _columns(conn, table.name):
            _give_agency(conn, table)
    if "validator" not in _columns(conn, "submissions"):
        conn.execute(text("ALTER TABLE submissions ADD COLUMN validator VARCHAR(32)"))
    indexes = {i["name"] for i in inspect(conn).get_indexes("events")}
    if OLD_EVENTS_INDEX in indexes:
        conn.execute(text(f"DROP INDEX {OLD_EVENTS_INDEX}"))
    if EVENTS_BY_SLOT.name not in indexes:
        EVENTS_BY_SLOT.create(conn)
    if EVENTS_BY_AGENCY.name not in indexes:
        EVENTS_BY_AGENCY.create(conn)
    if SUBMISSIONS_BY_AGENCY.name not in {
        i["name"] for i in inspect(conn).get_indexes("submissions")
    }:
        SUBMISSIONS_BY_AGENCY.create(conn)
    if OIT_ROWS_COVER.name not in {i["name"] for i in inspect(conn).get_indexes("oit_rows")}:
        OIT_ROWS_COVER.create(conn)
    if "accounts" in had and "agency" not in _columns(conn, "accounts"):
        conn.execute(text(f"ALTER TABLE accounts ADD COLUMN agency {_AGENCY_SQL}"))
        conn.execute(text("ALTER TABLE accounts ADD COLUMN scope TEXT"))
        # the administrators of a one-agency store were the deployment's: system admins now
        conn.execute(text("UPDATE accounts SET scope = 'all' WHERE role = 'admin'"))
    known = {(r.agency, r.year, r.slot) for r in conn.execute(select(slots_t))}
    decided = conn.execute(
        select(events_t.c.agency, events_t.c.year, events_t.c.slot)
        .where(events_t.c.action.in_(DECISIONS), events_t.c.slot.is_not(None))
        .distinct()
    )
    missing = [
        {"agency": r.agency, "year": r.year, "slot": r.slot}
        for r in decided
        if (r.agency, r.year, r.slot) not in known
    ]
    if missing:
        conn.execute(insert(slots_t), missing)
    link_evidence_agency(conn)  # version 4: the link check's evidence per agency
    if conn.execute(select(agencies_t.c.code).where(agencies_t.c.code == DEFAULT)).first() is None:
        conn.execute(insert(agencies_t).values(code=DEFAULT, name=default_name()))
    conn.execute(delete(meta_t).where(meta_t.c.key == "schema"))
    conn.execute(insert(meta_t).values(key="schema", value=SCHEMA_VERSION))


_AGENCY_SQL = f"VARCHAR(32) NOT NULL DEFAULT '{DEFAULT}'"


def default_name() -> str:
    """The registry's name of the embedded single agency (``ui_text.yaml``)."""
    from ita_model.i18n import t

    return t("tenancy.default_name")


LINK_EVIDENCE = ("link_runs", "link_checks")  # links/evidence.py's, made on a first check
LINK_CHECKS_BY_AGENCY = "ix_link_checks_agency_year_url"


def link_evidence_agency(conn: Connection) -> None:
    """The link check's runs and checks gain their ``agency`` (every earlier one: the default
    agency's) and the index an agency's last checks are read by. Idempotent: a store without
    those tables, or with the column already, is left as it is."""
    have = set(inspect(conn).get_table_names())
    for name in LINK_EVIDENCE:
        if name in have and "agency" not in _columns(conn, name):
            conn.execute(text(f"ALTER TABLE {name} ADD COLUMN agency {_AGENCY_SQL}"))
    if "link_checks" in have and LINK_CHECKS_BY_AGENCY not in {
        i["name"] for i in inspect(conn).get_indexes("link_checks")
    }:
        conn.execute(
            text(f"CREATE INDEX {LINK_CHECKS_BY_AGENCY} ON link_checks (agency, year, url)")
        )


def _columns(conn: Connection, table: str) -> set[str]:
    return {c["name"] for c in inspect(conn).get_columns(table)}


def _give_agency(conn: Connection, table: Table) -> None:
    """A version-2 table gains its ``agency`` column (every row: the default agency) and, for
    ``submissions``, ``current`` and ``slots``, its key or constraint starting with it."""
    name = table.name
    if name in {t.name for t in _ADDED}:
        conn.execute(text(f"ALTER TABLE {name} ADD COLUMN agency {_AGENCY_SQL}"))
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"ALTER TABLE {name} ADD COLUMN agency {_AGENCY_SQL}"))
        if name == submissions_t.name:
            conn.execute(text("ALTER TABLE submissions DROP CONSTRAINT uq_submission_bytes"))
            conn.execute(
                text(
                    "ALTER TABLE submissions ADD CONSTRAINT uq_submission_bytes "
                    "UNIQUE (agency, sha256, year)"
                )
            )
        else:
            pk = inspect(conn).get_pk_constraint(name)["name"]
            conn.execute(text(f'ALTER TABLE {name} DROP CONSTRAINT "{pk}"'))
            conn.execute(text(f"ALTER TABLE {name} ADD PRIMARY KEY (agency, year, slot)"))
        return
    # SQLite changes no key in place: the table is made again and its rows copied over
    kept = [c for c in table.c if c.name != "agency" and c.name in _columns(conn, name)]
    names = ", ".join(c.name for c in kept)
    conn.execute(text(f"ALTER TABLE {name} RENAME TO _v2_{name}"))
    table.create(conn)
    conn.execute(text(f"INSERT INTO {name} ({names}) SELECT {names} FROM _v2_{name}"))
    conn.execute(text(f"DROP TABLE _v2_{name}"))


def note_slot(conn: Connection, agency: str, year: int, slot: str) -> None:
    """Remember a slot that has a decision (inside the writer's transaction)."""
    key = (slots_t.c.agency == agency) & (slots_t.c.year == year) & (slots_t.c.slot == slot)
    if conn.execute(select(slots_t.c.slot).where(key)).first() is None:
        conn.execute(insert(slots_t).values(agency=agency, year=year, slot=slot))
