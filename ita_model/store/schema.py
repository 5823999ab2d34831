"""The store's tables, its schema version, and the upgrade of a store made by earlier code.

Version 1 (the first database store) had ``submissions``, ``events``, ``current``, ``blobs``
and ``meta``. Version 2 keeps each file's typed rows (``records``, ``oit_rows``), the validator
version that produced them (``submissions.validator``: NULL means "not ingested yet", which the
store fills in once from the stored bytes), and ``slots`` with an index on the decision events,
so that "what counted at a time" is one indexed look-up per slot, whatever the history's length.
An older store is upgraded in place when it is opened; nothing in it is rewritten.
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

SCHEMA_VERSION = "2"
DECISIONS = ("accepted", "rolled_back", "withdrawn")  # the events that decide what is current

metadata = MetaData()

submissions_t = Table(
    "submissions",
    metadata,
    Column("id", String(64), primary_key=True),
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
    UniqueConstraint("sha256", "year", name="uq_submission_bytes"),
)

events_t = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
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
    "ix_events_slot_at", events_t.c.year, events_t.c.slot, events_t.c.at, events_t.c.seq
)

current_t = Table(
    "current",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("slot", String(128), primary_key=True),
    Column("submission_id", String(64), nullable=False),
    Column("event_seq", Integer, nullable=False),
)

slots_t = Table(  # every slot that was ever decided, per year (a withdrawn one stays here)
    "slots",
    metadata,
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

score_rows_t = Table(  # the scores sheet's rows again, typed: a roll-up's IIT and EIT in SQL
    "score_rows",
    metadata,
    Column("submission_id", String(64), primary_key=True),
    Column("n", Integer, primary_key=True),  # the row's place in the file's score rows
    Column("year", Integer),
    Column("indicator", String(32)),
    Column("score", Float),
)


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
    """Create what is missing; bring a version 1 store to this version, in one transaction."""
    had = set(inspect(conn).get_table_names())
    metadata.create_all(conn)  # only the tables not there yet
    if "records" in had and score_rows_t.name not in had:
        from ita_model.store.rows import backfill_score_rows

        backfill_score_rows(conn)
    columns = {c["name"] for c in inspect(conn).get_columns("submissions")}
    if "validator" not in columns:
        conn.execute(text("ALTER TABLE submissions ADD COLUMN validator VARCHAR(32)"))
    indexes = {i["name"] for i in inspect(conn).get_indexes("events")}
    if EVENTS_BY_SLOT.name not in indexes:
        EVENTS_BY_SLOT.create(conn)
    known = {(r.year, r.slot) for r in conn.execute(select(slots_t))}
    decided = conn.execute(
        select(events_t.c.year, events_t.c.slot)
        .where(events_t.c.action.in_(DECISIONS), events_t.c.slot.is_not(None))
        .distinct()
    )
    missing = [{"year": r.year, "slot": r.slot} for r in decided if (r.year, r.slot) not in known]
    if missing:
        conn.execute(insert(slots_t), missing)
    conn.execute(delete(meta_t).where(meta_t.c.key == "schema"))
    conn.execute(insert(meta_t).values(key="schema", value=SCHEMA_VERSION))


def note_slot(conn: Connection, year: int, slot: str) -> None:
    """Remember a slot that has a decision (inside the writer's transaction)."""
    key = (slots_t.c.year == year) & (slots_t.c.slot == slot)
    if conn.execute(select(slots_t.c.slot).where(key)).first() is None:
        conn.execute(insert(slots_t).values(year=year, slot=slot))
