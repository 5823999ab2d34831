"""Opening a store: its address, engines, transactions, and the lost-database guard.

One code path runs on SQLite (``store.sqlite3`` in WAL mode plus ``files/`` in one folder) and on
PostgreSQL (the bytes are then in the database too, ``files/`` is a local cache). Writers are
serialised (SQLite ``BEGIN IMMEDIATE``; a PostgreSQL advisory lock). Every failure of the disk or
the database becomes a ``StoreError`` worded from a code (``store_write_failed``,
``store_read_failed``) that names the store and says nothing stored was changed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, func, insert, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.sql import Select

from ita_model.agencies import AgencyRecord
from ita_model.agency import DEFAULT_AGENCY
from ita_model.auth import Actor, Role, norm_name, require
from ita_model.errors import NotAllowed, StoreError, StoreLost
from ita_model.settings import Settings, get_settings, users_file
from ita_model.store.accounts import Accounts, accounts_t, actor_of
from ita_model.store.schema import agencies_t, create_or_upgrade, events_t, needs_upgrade

if TYPE_CHECKING:
    from ita_model.store.models import Submission

DB_NAME = "store.sqlite3"
_PG_WRITE_LOCK = 0x17A_5704  # one writer at a time, like SQLite


def now() -> datetime:
    """The store's clock (every event and submission time); tests set it here."""
    return datetime.now(UTC)


def is_url(target: str | Path) -> bool:
    return isinstance(target, str) and "://" in target


def sqlite_url(root: Path) -> str:
    return f"sqlite:///{(root / DB_NAME).absolute()}"


def pg_url(url: str) -> str:
    """``postgresql://`` means psycopg (3) here, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class StoreBase:
    """The connection to one store, bound to one agency; the other parts of ``Store`` build on it.

    ``agency`` is the agency every read and write of this object sees (``default``: the
    embedded single agency). ``for_agency`` (``registry.py``) binds another one on the same
    engines; a store bound for a user (``_viewer``) checks, on every read, from the account
    rows, that the user may still see that agency.
    """

    agency: str = DEFAULT_AGENCY
    _viewer: Actor | None = None

    def __init__(
        self,
        url: str,
        files: Path,
        *,
        root: Path | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.url = pg_url(url)
        self.files = files
        self.root = root if root is not None else files.parent
        settings = settings or get_settings()  # the accounts: rows of this store (accounts.py)
        self.accounts = Accounts(
            self, users_file(settings, self.root), default_role=settings.oidc_default_role
        )
        try:
            self.dialect = make_url(self.url).get_backend_name()
        except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
            where = url.split("@")[-1]  # never the password
            detail = str(exc).replace(url, where)
            raise StoreError(code="store_address", where=where, detail=detail) from exc
        if self.dialect not in ("sqlite", "postgresql"):
            where = make_url(self.url).render_as_string(hide_password=True)
            raise StoreError(code="store_database", where=where, dialect=self.dialect)
        self._engine: Engine | None = None
        self._ro_engine: Engine | None = None
        self._ready = False

    def __repr__(self) -> str:
        return f"Store({self.describe()!r})"

    def describe(self) -> str:
        """Where the store is, without a password."""
        if self.dialect == "sqlite":
            return str(self.root)
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def kept_in_database(self) -> bool:
        """Whether the bytes are in the database (PostgreSQL) or only in ``files/`` (SQLite)."""
        return self.dialect == "postgresql"

    def close(self) -> None:
        for engine in (self._engine, self._ro_engine):
            if engine is not None:
                engine.dispose()
        self._engine = self._ro_engine = None
        self._ready = False

    # ---- engine and transactions

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url, self.dialect)
        return self._engine

    def _read_only_folder(self) -> bool:
        """A SQLite store whose folder cannot be written (read from, never locked)."""
        return self.dialect == "sqlite" and self.root.exists() and not writable(self.root)

    def _reader(self) -> Engine:
        if not self._read_only_folder():
            return self.engine
        if self._ro_engine is None:  # immutable: no lock files, nobody can write here anyway
            path = (self.root / DB_NAME).absolute()
            self._ro_engine = make_engine(
                f"sqlite:///file:{path}?immutable=1&uri=true", "sqlite", read_only=True
            )
        return self._ro_engine

    def _exists(self) -> bool:
        """A SQLite store nobody wrote to yet is empty, not an error (and is not created)."""
        if self.dialect == "sqlite":
            self._refuse_if_lost()
            return (self.root / DB_NAME).exists()
        return True

    def _refuse_if_lost(self) -> None:
        """``StoreLost`` when the database is missing or 0 bytes but ``files/`` holds files.

        The database is created before the first file is kept (``submit``), so files without
        it mean it was lost (deleted, truncated by a full disk or a bad copy), never a new store.
        """
        db = self.root / DB_NAME
        try:
            size: int | None = db.stat().st_size
        except FileNotFoundError:
            size = None
        except OSError:
            return  # unreadable: the database's own error says more
        if size:
            return
        kept = kept_files(self.files)
        if kept:
            how = (
                ("หายไป", "is missing")
                if size is None
                else ("ว่างเปล่า (0 ไบต์)", "is empty (0 bytes)")
            )
            raise StoreLost(
                database=db, files=self.files, count=len(kept), how=how[0], how_en=how[1]
            )

    def _ensure_schema(self) -> None:
        if self._ready:
            return
        try:
            with self._reader().connect() as conn, conn.begin():
                stale = needs_upgrade(conn)
            if stale:
                with self._transaction(write=True) as conn:
                    if needs_upgrade(conn):  # another process may have done it meanwhile
                        create_or_upgrade(conn)
        except SQLAlchemyError as exc:
            raise db_failed(exc, self) from exc
        self._ready = True
        if not self._read_only_folder():
            self._after_open()

    def _after_open(self) -> None:
        """Housekeeping once the schema is current (the records part fills in missing rows)."""

    @contextlib.contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        with (self.engine if write else self._reader()).connect() as conn:
            conn.execution_options(ita_write=write)
            with conn.begin():
                if write and self.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_WRITE_LOCK})
                yield conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        if self.dialect == "sqlite":
            self._refuse_if_lost()
            self._mkdir(self.root)
            if not writable(self.root):
                raise os_failed(unwritable(self.root), self.root)
        self._ensure_schema()
        try:
            with self._transaction(write=True) as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise db_failed(exc, self) from exc

    def _scalar(self, query: Select) -> Any:
        """One value read by key; None when it (or the store) is not there yet."""
        with self._read() as conn:
            return None if conn is None else conn.execute(query).scalar()

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection | None]:
        if not self._exists():
            yield None
            return
        self._ensure_schema()
        try:
            with self._transaction(write=False) as conn:
                if self._viewer is not None:
                    self._check_viewer(conn)
                yield conn
        except SQLAlchemyError as exc:
            raise db_failed(exc, self, reading=True) from exc

    def _check_viewer(self, conn: Connection) -> None:
        """The user this store was bound for may still see its agency (the rows say so now:
        an account removed, lowered or given another scope counts from its next read)."""
        viewer = self._viewer
        assert viewer is not None
        if viewer.source == "local":  # an account with a password: its row, in this transaction
            key = norm_name(viewer.name)
            row = conn.execute(select(accounts_t).where(accounts_t.c.name == key)).first()
            if row is None:
                raise NotAllowed("account_unknown", value=viewer.name)
            actor = actor_of(key, row, "local")
        else:  # the single local user, someone signed in through OpenID Connect
            actor = self.accounts.actor(viewer)
        if actor.agency == self.agency or actor.role == Role.SUPERVISOR or actor.system_admin:
            record = agency_of(conn, self.agency)
            if record is not None and actor.may_read(record):
                return
        raise NotAllowed("agency_not_allowed", name=actor.name, agency=self.agency)

    def _mkdir(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise os_failed(exc, folder) from exc

    def _actor(self, user: str | Actor) -> Actor:
        return self.accounts.actor(user)

    def _acting(self, user: str | Actor, needed: Role, what_th: str, what_en: str) -> Actor:
        """Who ``user`` is by the rows, refused unless they may do this in this agency."""
        actor = self._actor(user)
        require(actor, needed, what_th, what_en, agency=self.agency)
        return actor

    def _event(
        self,
        conn: Connection,
        actor: Actor,
        action: str,
        *,
        at: datetime,
        detail: dict[str, Any],
        submission_id: str | None = None,
        year: int | None = None,
        division: str | None = None,
        slot: str | None = None,
        agency: str | None = None,
    ) -> int:
        """Append one line to the audit log, in the caller's transaction; returns its number.
        It belongs to this store's agency unless ``agency`` says which."""
        result = conn.execute(
            insert(events_t).values(
                agency=agency or self.agency,
                at=at,
                actor=actor.name,
                role=actor.role.value,
                action=action,
                submission_id=submission_id,
                year=year,
                division=division,
                slot=slot,
                detail=json.dumps(detail, ensure_ascii=False, default=str),
            )
        )
        return int(result.inserted_primary_key[0])

    def _submission_event(
        self,
        conn: Connection,
        actor: Actor,
        action: str,
        sub: Submission,
        *,
        at: datetime,
        detail: dict[str, Any],
    ) -> int:
        """``_event`` about one submission: its id, year, division and slot, and its file name
        in the detail."""
        return self._event(
            conn,
            actor,
            action,
            at=at,
            submission_id=sub.id,
            year=sub.year,
            division=sub.division,
            slot=sub.slot,
            detail={"filename": sub.filename, **detail},
        )

    def revision(self) -> int:
        """A number that grows with every write: a cache key for the pages."""
        with self._read() as conn:
            if conn is None:
                return 0
            latest = select(func.coalesce(func.max(events_t.c.seq), 0)).where(
                events_t.c.agency == self.agency
            )
            return int(conn.execute(latest).scalar())


# --------------------------------------------------------------------------- helpers


def agency_of(conn: Connection, code: str) -> AgencyRecord | None:
    """The registry's record of one agency (None when there is none)."""
    row = conn.execute(select(agencies_t).where(agencies_t.c.code == code)).first()
    return None if row is None else record_of(row)


def record_of(row: Any) -> AgencyRecord:
    m = row._mapping
    return AgencyRecord.model_construct(
        code=m["code"], name=m["name"], type=m["type"], province=m["province"], parent=m["parent"]
    )


def kept_files(folder: Path) -> list[Path]:
    """The stored files of a ``files/`` folder (not a half-written ``.incoming-`` one)."""
    try:
        return [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    except OSError:
        return []


def writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def unwritable(folder: Path) -> OSError:
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    code = errno.EROFS if read_only else errno.EACCES
    return OSError(code, os.strerror(code), str(folder))


def make_engine(url: str, dialect: str, *, read_only: bool = False) -> Engine:
    if dialect == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": 60, "check_same_thread": False}, future=True
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun below, by us
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=60000")
            if not read_only:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("ita_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, future=True)


_OS_REASONS = {
    errno.ENOSPC: ("พื้นที่ดิสก์เต็ม", "the disk is full"),
    errno.EDQUOT: ("เกินโควตาพื้นที่ดิสก์", "the disk quota is exceeded"),
    errno.EROFS: ("ดิสก์เป็นแบบอ่านอย่างเดียว", "the disk is read-only"),
    errno.EACCES: ("ไม่มีสิทธิ์เขียนโฟลเดอร์", "no permission to write the folder"),
    errno.EPERM: ("ไม่มีสิทธิ์เขียนโฟลเดอร์", "no permission to write the folder"),
    errno.ENOTDIR: ("มีไฟล์อยู่ในที่ที่ควรเป็นโฟลเดอร์", "a file is where the folder should be"),
    errno.EEXIST: ("มีไฟล์อยู่ในที่ที่ควรเป็นโฟลเดอร์", "a file is where the folder should be"),
    errno.EFBIG: ("ไฟล์ใหญ่เกินที่ระบบยอมให้เขียน", "the file is larger than allowed"),
}


def os_failed(exc: OSError, where: Path, *, reading: bool = False) -> StoreError:
    """The ``StoreError`` for a disk that refused: coded, naming the folder, Thai and English."""
    th, en = _OS_REASONS.get(exc.errno or 0, (exc.strerror or str(exc), exc.strerror or str(exc)))
    code = "store_read_failed" if reading else "store_write_failed"
    return StoreError(code=code, where=where, reason=th, reason_en=en)


def db_failed(exc: SQLAlchemyError, store: StoreBase, *, reading: bool = False) -> StoreError:
    """The ``StoreError`` for a database that refused, naming the store (never its password)."""
    raw = str(exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc)
    low = raw.lower()
    if "disk is full" in low or "no space" in low or "could not extend" in low:
        th, en = "พื้นที่ดิสก์เต็ม", "the disk is full"
    elif "readonly" in low or "read-only" in low or "permission denied" in low:
        th, en = "ไม่มีสิทธิ์เขียน", "it is read-only"
    elif "unable to open" in low or "connection" in low or "could not connect" in low:
        th, en = "เปิดฐานข้อมูลไม่ได้", "the database cannot be opened"
    elif "locked" in low or "busy" in low:
        th, en = "ฐานข้อมูลไม่ว่าง (มีผู้อื่นกำลังเขียนนานเกินไป)", "the database stayed busy"
    else:
        first = raw.strip().splitlines()[0] if raw.strip() else type(exc).__name__
        th, en = first, first
    code = "store_read_failed" if reading else "store_write_failed"
    return StoreError(code=code, where=store.describe(), reason=th, reason_en=en)


def _db_failed(exc: SQLAlchemyError, store: StoreBase, *, reading: bool = False) -> str:
    """The message of ``db_failed`` (what ``links/evidence.py`` wraps in its own StoreError)."""
    return str(db_failed(exc, store, reading=reading))
