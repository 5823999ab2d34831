"""Keep every file that comes in, good or bad, what was decided about it, and who decided.

A **submission** is one file as it arrived: its bytes (kept verbatim, named by SHA-256, so the
same bytes are stored once), division, fiscal year, who, when, its validation report and a state:
``pending`` (clean, waiting for someone to accept it), ``accepted`` (it counts), ``rejected`` (it
had errors; what counts is unchanged) or ``superseded`` (a later one of its slot replaced it,
or it was withdrawn: its slot then has no file until another is accepted or it is rolled back).
For each fiscal year and **slot** one submission is current. A slot is the division a file speaks
for, or, for a file of no division (scores, the survey, a consolidated OIT table), the kinds of
sheets it holds, so that accepting the scores does not push out the timeline.

Every submission, acceptance, rollback and setting change is a row of the append-only **audit
log** (``events``); the state "as of" any date is a replay of it.

Storage is SQLAlchemy Core, so one code path runs on SQLite (the default: ``store.sqlite3`` in
WAL mode plus ``files/`` in one folder, no set-up) and on PostgreSQL (``ITA_STORE=postgresql://…``;
the bytes are then kept in the database too, so several dashboard machines share one store, and
``files/`` is a local cache).

Crash safety: the bytes go to a temporary file, are fsynced and renamed to their hash; only then
is the submission written, in one transaction with its event. A process killed at any point
leaves either a whole submission or none (at most an orphan file, reused by the next upload of
the same bytes). Writers are serialised (SQLite ``BEGIN IMMEDIATE``; a PostgreSQL advisory lock),
so states stay consistent with many processes writing at once. The store checks the role of
every writer itself: a viewer's write is refused here, whatever the page shows.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.sql import Select

from ita_model.accounts import Accounts
from ita_model.auth import Actor, Role, require
from ita_model.cells import csv_bytes
from ita_model.errors import InvalidDecision, StoreError, StoreLost, UnknownSubmission
from ita_model.framework import available_years
from ita_model.settings import EDITABLE, Settings, get_settings, store_target, users_file

if TYPE_CHECKING:
    from ita_model.validate import FileReport

__all__ = [
    "FileStore",
    "Store",
    "StoreError",
    "Submission",
    "open_store",
]

State = Literal["pending", "accepted", "rejected", "superseded"]
DECISIONS = ("accepted", "rolled_back", "withdrawn")  # the events that decide what is current
SCHEMA_VERSION = "1"
DB_NAME = "store.sqlite3"
_PG_WRITE_LOCK = 0x17A_5704  # one writer at a time, like SQLite
SUFFIX_MAX = 16  # the width of the submissions table's suffix column
_SETTING = "setting:"  # meta keys of the settings changed on the Settings page


class Submission(BaseModel):
    id: str
    sha256: str
    filename: str
    suffix: str
    division: str | None
    year: int
    user: str
    submitted_at: datetime
    errors: int
    warnings: int
    state: State = "pending"
    decided_by: str | None = None
    decided_at: datetime | None = None
    slot: str | None = None
    unreadable: bool = False
    size: int | None = None
    kinds: list[str] = Field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The CLI's ``history --json`` shape."""
        return {
            "id": self.id,
            "division": self.division,
            "state": self.state,
            "sha256": self.sha256,
            "submitted_at": self.submitted_at.isoformat(),
            "user": self.user,
            "filename": self.filename,
        }


class Event(BaseModel):
    """One line of the audit log."""

    seq: int
    at: datetime
    user: str
    role: str
    action: str  # submitted, accepted, rolled_back, setting_changed, user_added, …
    submission_id: str | None = None
    year: int | None = None
    division: str | None = None
    slot: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


# --------------------------------------------------------------------------- schema

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

current_t = Table(
    "current",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("slot", String(128), primary_key=True),
    Column("submission_id", String(64), nullable=False),
    Column("event_seq", Integer, nullable=False),
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


# --------------------------------------------------------------------------- opening


def open_store(
    target: str | Path | None = None,
    *,
    settings: Settings | None = None,
) -> Store:
    """The store at ``target``: a folder, or a ``postgresql://`` URL. Default: the settings'.

    With a URL, files are cached in ``ITA_STORE_DIR/files``.
    """
    settings = settings or get_settings()
    target = store_target(settings) if target is None else target
    if is_url(target):
        return Store(str(target), settings.store_dir / "files", settings=settings)
    root = Path(target)
    return Store(_sqlite_url(root), root / "files", root=root, settings=settings)


def is_url(target: str | Path) -> bool:
    return isinstance(target, str) and "://" in target


def _sqlite_url(root: Path) -> str:
    return f"sqlite:///{(root / DB_NAME).absolute()}"


def _pg_url(url: str) -> str:
    """``postgresql://`` means psycopg (3) here, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Store:
    """Submissions, decisions and the audit log, on SQLite or PostgreSQL."""

    def __init__(
        self,
        url: str,
        files: Path,
        *,
        root: Path | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.url = _pg_url(url)
        self.files = files
        self.root = root if root is not None else files.parent
        self.log = self.root / "events.jsonl"  # the old append-only log, imported once if found
        settings = settings or get_settings()  # the accounts: rows of this store (accounts.py)
        self.accounts = Accounts(
            self, users_file(settings, self.root), default_role=settings.oidc_default_role
        )
        try:
            self.dialect = make_url(self.url).get_backend_name()
        except ArgumentError as exc:
            raise StoreError(
                f"ที่อยู่คลังข้อมูลไม่ถูกต้อง ({exc}) — the store address is not valid ({exc})"
            ) from exc
        if self.dialect not in ("sqlite", "postgresql"):
            raise StoreError(
                f"ไม่รองรับฐานข้อมูล {self.dialect} ใช้โฟลเดอร์หรือ postgresql:// — "
                f"unsupported database {self.dialect}; use a folder or postgresql://"
            )
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
            self._engine = _make_engine(self.url, self.dialect)
        return self._engine

    def _read_only_folder(self) -> bool:
        """A SQLite store whose folder cannot be written (read from, never locked)."""
        return self.dialect == "sqlite" and self.root.exists() and not _writable(self.root)

    def _reader(self) -> Engine:
        if not self._read_only_folder():
            return self.engine
        if self._ro_engine is None:  # immutable: no lock files, nobody can write here anyway
            path = (self.root / DB_NAME).absolute()
            self._ro_engine = _make_engine(
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
        A first store's ``events.jsonl`` beside a missing database is imported instead.
        """
        db = self.root / DB_NAME
        try:
            size = db.stat().st_size
        except FileNotFoundError:
            if self.log.exists():
                return
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
                have = set(inspect(conn).get_table_names())
            if not {t.name for t in metadata.sorted_tables} <= have:
                with self._transaction(write=True) as conn:
                    metadata.create_all(conn)
                    conn.execute(delete(meta_t).where(meta_t.c.key == "schema"))
                    conn.execute(insert(meta_t).values(key="schema", value=SCHEMA_VERSION))
        except SQLAlchemyError as exc:
            raise StoreError(_db_failed(exc, self)) from exc
        self._ready = True
        if self.dialect == "sqlite" and self.log.exists():
            self._import_legacy_log()

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
            if not _writable(self.root):
                raise StoreError(_os_failed(_unwritable(self.root), self.root))
        self._ensure_schema()
        try:
            with self._transaction(write=True) as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(_db_failed(exc, self)) from exc

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
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(_db_failed(exc, self, reading=True)) from exc

    def _actor(self, user: str | Actor) -> Actor:
        return self.accounts.actor(user)

    # ---- writing

    def submit(
        self,
        data: bytes,
        filename: str,
        *,
        user: str | Actor,
        year: int,
        division: str | None,
        errors: int | None = None,
        warnings: int | None = None,
        report: FileReport | None = None,
        accept: bool = False,
        settings: Settings | None = None,
    ) -> tuple[Submission, bool]:
        """Keep the bytes and their report; returns the submission and whether it is new.

        The same bytes for the same year again: the earlier submission, ``False``. Without a
        ``report`` the file is checked here. ``accept=True`` (the command line, the inbox) makes
        a file without errors count at once; a file with errors is stored ``rejected`` and what
        counts is unchanged, unless someone accepts it later.
        """
        actor = self._actor(user)
        require(actor, Role.EDITOR, "ส่งไฟล์เข้าระบบ", "submit files")
        sha = hashlib.sha256(data).hexdigest()
        found = self._find(sha, year)
        if found is not None:
            return found, False
        if report is None:
            from ita_model.validate import validate_file

            report = validate_file(data, filename, year=year, division=division, settings=settings)
        unreadable = bool(report.unreadable)
        errors = report.issues.errors + int(unreadable) if errors is None else errors
        warnings = report.issues.warnings if warnings is None else warnings
        division = division if division is not None else report.division
        kinds = sorted({s.kind for s in report.sheets if s.kind})
        packed = _pack(report.to_json())
        suffix = stored_suffix(filename)
        if not self._ready:  # the database exists before any file: files alone mean it was lost
            with self._write():
                pass
        self._put_file(sha, suffix, data)

        now = _now()
        with self._write() as conn:
            row = conn.execute(
                select(submissions_t).where(
                    submissions_t.c.sha256 == sha, submissions_t.c.year == year
                )
            ).first()
            if row is not None:  # another process stored the same bytes meanwhile
                return _submission(row), False
            sub_id = f"{now:%Y%m%d%H%M%S%f}-{sha[:8]}"
            slot = slot_of(division, kinds)
            state: State = "rejected" if errors else "pending"
            conn.execute(
                insert(submissions_t).values(
                    id=sub_id,
                    sha256=sha,
                    filename=Path(filename).name,
                    suffix=suffix,
                    size=len(data),
                    division=division,
                    year=year,
                    slot=slot,
                    kinds=json.dumps(kinds),
                    submitted_by=actor.name,
                    submitted_at=now,
                    errors=errors,
                    warnings=warnings,
                    unreadable=unreadable,
                    state=state,
                    report=packed,
                )
            )
            if self.kept_in_database:
                have = conn.execute(select(blobs_t.c.sha256).where(blobs_t.c.sha256 == sha)).first()
                if have is None:
                    conn.execute(insert(blobs_t).values(sha256=sha, data=data))
            self._event(
                conn,
                actor,
                "submitted",
                at=now,
                submission_id=sub_id,
                year=year,
                division=division,
                slot=slot,
                detail={
                    "filename": Path(filename).name,
                    "sha256": sha,
                    "errors": errors,
                    "warnings": warnings,
                    "state": state,
                },
            )
            if accept and not errors:
                self._make_current(conn, sub_id, actor, "accepted", {})
            sub = self._get(conn, sub_id)
        return sub, True

    def accept(self, submission_id: str, *, user: str | Actor) -> Submission:
        """Make a submission count; its slot's earlier one is superseded.

        Accepting a rejected submission takes its valid rows (rows with errors were dropped when
        it was checked); the event records how many errors it had.
        """
        actor = self._actor(user)
        require(actor, Role.EDITOR, "รับไฟล์เข้าระบบ", "accept submissions")
        with self._write() as conn:
            sub = self._get(conn, submission_id)
            if sub.unreadable:
                raise InvalidDecision(
                    f"ไฟล์ {sub.filename} อ่านไม่ได้ จึงไม่มีข้อมูลให้รับ — "
                    f"{sub.filename} could not be read; there is nothing to accept"
                )
            if sub.state != "accepted":
                detail = {"with_errors": sub.errors} if sub.errors else {}
                self._make_current(conn, sub.id, actor, "accepted", detail)
                sub = self._get(conn, submission_id)
        return sub

    def rollback(self, submission_id: str, *, user: str | Actor) -> Submission:
        """Make an earlier (superseded) submission of its slot current again; its own event."""
        actor = self._actor(user)
        require(actor, Role.EDITOR, "ย้อนกลับข้อมูล", "roll back")
        with self._write() as conn:
            sub = self._get(conn, submission_id)
            if sub.state == "accepted":
                raise InvalidDecision(
                    f"{sub.filename} ({sub.id}) เป็นข้อมูลปัจจุบันอยู่แล้ว — "
                    f"{sub.filename} ({sub.id}) is already the current one"
                )
            if sub.state != "superseded":
                raise InvalidDecision(
                    f"{sub.filename} ({sub.id}) ยังไม่เคยถูกรับเข้าระบบ ให้ใช้ 'รับ' แทนการย้อนกลับ — "
                    f"{sub.filename} ({sub.id}) was never accepted; accept it instead"
                )
            self._make_current(conn, sub.id, actor, "rolled_back", {})
            return self._get(conn, submission_id)

    def withdraw(self, submission_id: str, *, user: str | Actor) -> Submission:
        """Stop the current submission of a slot counting, with none in its place (a file sent
        for the wrong division, say); a rollback makes it current again."""
        actor = self._actor(user)
        require(actor, Role.EDITOR, "ถอนไฟล์ออก", "withdraw a submission")
        with self._write() as conn:
            sub = self._get(conn, submission_id)
            if sub.state != "accepted":
                raise InvalidDecision(
                    f"{sub.filename} ({sub.id}) ไม่ใช่ข้อมูลปัจจุบัน จึงถอนออกไม่ได้ — "
                    f"{sub.filename} ({sub.id}) is not the current one, so it cannot be withdrawn"
                )
            self._event(
                conn,
                actor,
                "withdrawn",
                at=_now(),
                submission_id=sub.id,
                year=sub.year,
                division=sub.division,
                slot=sub.slot,
                detail={"filename": sub.filename},
            )
            conn.execute(
                update(submissions_t).where(submissions_t.c.id == sub.id).values(state="superseded")
            )
            conn.execute(
                delete(current_t).where(
                    (current_t.c.year == sub.year) & (current_t.c.slot == sub.slot)
                )
            )
            return self._get(conn, submission_id)

    def record(
        self,
        action: str,
        *,
        user: str | Actor,
        detail: dict[str, Any] | None = None,
        needed: Role = Role.ADMIN,
    ) -> Event:
        """Write a non-submission event (a setting change, a user added) to the audit log."""
        actor = self._actor(user)
        require(actor, needed, "เปลี่ยนการตั้งค่า", "change settings")
        with self._write() as conn:
            seq = self._event(conn, actor, action, at=_now(), detail=detail or {})
            return _read_event(conn, seq)

    def overrides(self) -> dict[str, Any]:
        """The settings an administrator changed on the Settings page: name -> value."""
        with self._read() as conn:
            if conn is None:
                return {}
            rows = conn.execute(select(meta_t).where(meta_t.c.key.startswith(_SETTING)))
            return {r.key.removeprefix(_SETTING): json.loads(r.value) for r in rows}

    def set_setting(self, name: str, value: Any, *, user: str | Actor) -> Event:
        """Change one of ``settings.EDITABLE`` for every dashboard on this store; the change,
        with the value before, goes to the audit log. An invalid value is refused whole."""
        if name not in EDITABLE:
            raise InvalidDecision(
                f"การตั้งค่า {name} เปลี่ยนจากหน้านี้ไม่ได้ — setting {name} cannot be changed here"
            )
        try:
            after = getattr(Settings(**{name: value}), name)
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            raise InvalidDecision(
                f"ค่า {value!r} ใช้กับ {name} ไม่ได้ — {value!r} is not valid for {name}: {problem}"
            ) from None
        if name == "year" and after not in available_years():
            years = ", ".join(map(str, available_years()))
            raise InvalidDecision(
                f"ยังไม่มีกรอบการประเมินปี {after} (มี {years}) — no framework for {after} ({years})"
            )
        actor = self._actor(user)
        require(actor, Role.ADMIN, "เปลี่ยนการตั้งค่า", "change settings")
        with self._write() as conn:
            key = _SETTING + name
            kept = conn.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
            before = json.loads(kept) if kept is not None else getattr(get_settings(), name)
            conn.execute(delete(meta_t).where(meta_t.c.key == key))
            conn.execute(insert(meta_t).values(key=key, value=json.dumps(after)))
            detail = {"setting": name, "before": before, "after": after}
            seq = self._event(conn, actor, "setting_changed", at=_now(), detail=detail)
            return _read_event(conn, seq)

    def _make_current(
        self, conn: Connection, sub_id: str, actor: Actor, action: str, detail: dict[str, Any]
    ) -> None:
        sub = self._get(conn, sub_id)
        key = (current_t.c.year == sub.year) & (current_t.c.slot == sub.slot)
        before = conn.execute(select(current_t.c.submission_id).where(key)).scalar()
        if before == sub.id:
            return
        now = _now()
        seq = self._event(
            conn,
            actor,
            action,
            at=now,
            submission_id=sub.id,
            year=sub.year,
            division=sub.division,
            slot=sub.slot,
            detail={**detail, "replaces": before, "filename": sub.filename},
        )
        if before is not None:
            conn.execute(
                update(submissions_t).where(submissions_t.c.id == before).values(state="superseded")
            )
        conn.execute(
            update(submissions_t)
            .where(submissions_t.c.id == sub.id)
            .values(state="accepted", decided_by=actor.name, decided_at=now)
        )
        conn.execute(delete(current_t).where(key))
        conn.execute(
            insert(current_t).values(
                year=sub.year, slot=sub.slot, submission_id=sub.id, event_seq=seq
            )
        )

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
    ) -> int:
        result = conn.execute(
            insert(events_t).values(
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

    # ---- files

    def _mkdir(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(_os_failed(exc, folder)) from exc

    def _put_file(self, sha: str, suffix: str, data: bytes) -> Path:
        """Write the bytes under their hash: temp file, fsync, rename, fsync the folder."""
        target = self.files / f"{sha}{suffix}"
        if target.exists() and _sha_of(target) == sha:
            return target
        self._mkdir(self.files)
        tmp: str | None = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.files, prefix=".incoming-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            tmp = None
            _fsync_dir(self.files)
        except OSError as exc:
            raise StoreError(_os_failed(exc, self.files)) from exc
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        return target

    def path(self, sub: Submission) -> Path:
        """The stored file (fetched from the database into the local cache when needed)."""
        target = self.files / f"{sub.sha256}{sub.suffix}"
        if self.kept_in_database and not target.exists() and not self._ro_engine:
            data = self._scalar(select(blobs_t.c.data).where(blobs_t.c.sha256 == sub.sha256))
            if data is not None:
                self._put_file(sub.sha256, sub.suffix, bytes(data))
        return target

    def data(self, sub: Submission) -> bytes:
        """The submission's bytes, exactly as they arrived."""
        path = self.path(sub)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise StoreError(_os_failed(exc, path, reading=True)) from exc

    # ---- reading

    def _find(self, sha: str, year: int) -> Submission | None:
        with self._read() as conn:
            if conn is None:
                return None
            row = conn.execute(
                select(*_LIST_COLUMNS).where(
                    submissions_t.c.sha256 == sha, submissions_t.c.year == year
                )
            ).first()
            return _submission(row) if row is not None else None

    def _get(self, conn: Connection, submission_id: str) -> Submission:
        row = conn.execute(
            select(*_LIST_COLUMNS).where(submissions_t.c.id == submission_id)
        ).first()
        if row is None:
            raise UnknownSubmission(
                f"ไม่พบการส่งไฟล์รหัส {submission_id} — no submission {submission_id}"
            )
        return _submission(row)

    def submissions(
        self, *, year: int | None = None, division: str | None = None
    ) -> list[Submission]:
        """Every submission, oldest first, with its current state."""
        with self._read() as conn:
            if conn is None:
                return []
            q = select(*_LIST_COLUMNS).order_by(submissions_t.c.submitted_at, submissions_t.c.id)
            if year is not None:
                q = q.where(submissions_t.c.year == year)
            if division is not None:
                q = q.where(submissions_t.c.division == division)
            return [_submission(r) for r in conn.execute(q)]

    def get(self, submission_id: str) -> Submission:
        """One submission; ``UnknownSubmission`` (a ``KeyError``) when there is none."""
        with self._read() as conn:
            if conn is None:
                raise UnknownSubmission(
                    f"ไม่พบการส่งไฟล์รหัส {submission_id} — no submission {submission_id}"
                )
            return self._get(conn, submission_id)

    def report(self, sub: Submission, *, settings: Settings | None = None) -> dict[str, Any]:
        """The validation report kept with the submission (``FileReport.to_json()``)."""
        packed = self._scalar(select(submissions_t.c.report).where(submissions_t.c.id == sub.id))
        if packed is not None:
            return json.loads(zlib.decompress(packed))
        from ita_model.validate import validate_file  # an imported old submission: check now

        return validate_file(
            self.path(sub), sub.filename, year=sub.year, division=sub.division, settings=settings
        ).to_json()

    def accepted(self, year: int | None = None) -> list[tuple[Submission, Path]]:
        """The current submissions, in the order they became current (the later counts)."""
        with self._read() as conn:
            if conn is None:
                return []
            q = (
                select(*_LIST_COLUMNS)
                .join(current_t, current_t.c.submission_id == submissions_t.c.id)
                .order_by(current_t.c.event_seq)
            )
            if year is not None:
                q = q.where(current_t.c.year == year)
            subs = [_submission(r) for r in conn.execute(q)]
        return [(s, self.path(s)) for s in subs]

    def current_at(self, when: datetime, year: int | None = None) -> list[tuple[Submission, Path]]:
        """What counted at ``when``: a replay of the decisions made up to then."""
        decided = [e for e in self.events(until=when, actions=DECISIONS) if e.submission_id]
        if year is not None:
            decided = [e for e in decided if e.year == year]
        slots: dict[tuple[int | None, str | None], Event] = {}
        for e in decided:
            replay_decision(slots, (e.year, e.slot), e, e)
        order = sorted(slots.values(), key=lambda e: e.seq)
        subs = {s.id: s for s in self.submissions(year=year)}
        out = []
        for e in order:
            sub = subs.get(e.submission_id or "")
            if sub is not None:
                out.append((sub, self.path(sub)))
        return out

    def events(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        actions: Sequence[str] | None = None,
        submission_id: str | None = None,
    ) -> list[Event]:
        """The audit log, oldest first."""
        with self._read() as conn:
            if conn is None:
                return []
            q = select(events_t).order_by(events_t.c.seq)
            if since is not None:
                q = q.where(events_t.c.at > since)
            if until is not None:
                q = q.where(events_t.c.at <= until)
            if actions is not None:
                q = q.where(events_t.c.action.in_(list(actions)))
            if submission_id is not None:
                q = q.where(events_t.c.submission_id == submission_id)
            return [_event(r) for r in conn.execute(q)]

    def audit_csv(self, events: Sequence[Event] | None = None) -> bytes:
        """The audit log as CSV (UTF-8 with BOM, so Excel shows the Thai); names and file names
        that look like formulas are written as text (``ita_model.cells``)."""
        header = ["seq", "at", "user", "role", "action", "submission_id", "year", "division"]
        rows = (
            [
                e.seq,
                e.at.isoformat(),
                e.user,
                e.role,
                e.action,
                e.submission_id or "",
                e.year or "",
                e.division or "",
                json.dumps(e.detail, ensure_ascii=False),
            ]
            for e in (self.events() if events is None else events)
        )
        return csv_bytes([*header, "detail"], rows)

    def revision(self) -> int:
        """A number that grows with every write: a cache key for the pages."""
        with self._read() as conn:
            if conn is None:
                return 0
            return int(conn.execute(select(func.coalesce(func.max(events_t.c.seq), 0))).scalar())

    def verify(self) -> list[str]:
        """Everything that should hold, checked; returns the problems found (none: empty).

        A stored file no submission names is one: left by an upload killed before its row was
        written (harmless: the same bytes sent again reuse it), or its row was lost.
        """
        problems: list[str] = []
        try:
            subs = {s.id: s for s in self.submissions()}
        except StoreLost as exc:
            return [str(exc), *(_orphan(f) for f in kept_files(self.files))]
        with self._read() as conn:
            current = [] if conn is None else list(conn.execute(select(current_t)))
        replay: dict[tuple[int | None, str | None], str] = {}
        ever: set[str] = set()
        for e in self.events(actions=DECISIONS):
            replay_decision(replay, (e.year, e.slot), e, e.submission_id or "")
            if e.action != "withdrawn":
                ever.add(e.submission_id or "")
        table = {(r.year, r.slot): r.submission_id for r in current}
        if table != replay:
            problems.append(f"current table {table} differs from the replayed log {replay}")
        for key, sid in table.items():
            sub = subs.get(sid)
            if sub is None or sub.state != "accepted" or (sub.year, sub.slot) != key:
                problems.append(f"current {key} -> {sid} is not an accepted submission of it")
        accepted = {s.id for s in subs.values() if s.state == "accepted"}
        if accepted != set(table.values()):
            problems.append(f"accepted {sorted(accepted)} != current {sorted(table.values())}")
        for s in subs.values():
            if s.state == "superseded" and s.id not in ever:
                problems.append(f"{s.id} is superseded but was never accepted")
            if s.state in ("pending", "rejected") and s.id in ever:
                problems.append(f"{s.id} was accepted once but is {s.state}")
            path = self.path(s)
            if not path.exists() or _sha_of(path) != s.sha256:
                problems.append(f"{s.id}: its file {path} is missing or damaged")
        known = {s.sha256 for s in subs.values()}
        for f in kept_files(self.files):
            if f.name.split(".", 1)[0] not in known:
                problems.append(_orphan(f))
        submitted = [e.submission_id for e in self.events(actions=["submitted"])]
        if sorted(submitted) != sorted(subs):
            problems.append("the log's submissions differ from the submissions table")
        return problems

    # ---- the old append-only log

    def _import_legacy_log(self) -> None:
        """Bring the first store's ``events.jsonl`` in once (the file itself is left as it was)."""
        with self._read() as conn:
            assert conn is not None
            done = conn.execute(select(meta_t.c.value).where(meta_t.c.key == "legacy_log")).first()
        if done is not None:
            return
        from ita_model.validate import validate_file

        lines = self.log.read_text(encoding="utf-8").splitlines()
        with self._write() as conn:
            if conn.execute(select(meta_t.c.value).where(meta_t.c.key == "legacy_log")).first():
                return
            for line in lines:
                try:
                    ev = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash: the event never happened
                kind = ev.get("event")
                if kind == "submitted":
                    old = Submission.model_validate(ev)
                    path = self.files / f"{old.sha256}{old.suffix}"
                    if not path.exists() or self._get_or_none(conn, old.id) is not None:
                        continue
                    report = validate_file(path, old.filename, year=old.year, division=old.division)
                    kinds = sorted({s.kind for s in report.sheets if s.kind})
                    slot = slot_of(old.division, kinds)
                    conn.execute(
                        insert(submissions_t).values(
                            id=old.id,
                            sha256=old.sha256,
                            filename=old.filename,
                            suffix=old.suffix,
                            size=path.stat().st_size,
                            division=old.division,
                            year=old.year,
                            slot=slot,
                            kinds=json.dumps(kinds),
                            submitted_by=old.user,
                            submitted_at=old.submitted_at,
                            errors=old.errors,
                            warnings=old.warnings,
                            unreadable=bool(report.unreadable),
                            state="rejected" if old.errors else "pending",
                            report=_pack(report.to_json()),
                        )
                    )
                    self._event(
                        conn,
                        Actor(old.user, Role.EDITOR),
                        "submitted",
                        at=old.submitted_at,
                        submission_id=old.id,
                        year=old.year,
                        division=old.division,
                        slot=slot,
                        detail={"filename": old.filename, "imported_from": "events.jsonl"},
                    )
                elif kind == "accepted" and self._get_or_none(conn, ev.get("id", "")):
                    actor = Actor(str(ev.get("user") or "?"), Role.EDITOR)
                    self._make_current(conn, ev["id"], actor, "accepted", {"imported": True})
            conn.execute(insert(meta_t).values(key="legacy_log", value=_now().isoformat()))

    def _get_or_none(self, conn: Connection, submission_id: str) -> Submission | None:
        try:
            return self._get(conn, submission_id)
        except UnknownSubmission:
            return None


class FileStore(Store):
    """The store of one folder: ``FileStore(root)``, the API the first pages were written to.

    When ``root`` is the configured ``ITA_STORE_DIR`` and ``ITA_STORE`` names another store (a
    folder or a PostgreSQL URL), that one is opened: every page then shares the same store.
    """

    def __init__(self, root: Path) -> None:
        settings = get_settings()
        root = Path(root)
        target: str | Path = root
        if settings.store and _same_path(root, settings.store_dir):
            target = settings.store
        if is_url(target):
            super().__init__(str(target), root / "files", root=root)
        else:
            folder = Path(target)
            super().__init__(_sqlite_url(folder), folder / "files", root=folder)


# --------------------------------------------------------------------------- helpers

_LIST_COLUMNS = [c for c in submissions_t.c if c.name != "report"]
K = TypeVar("K")
V = TypeVar("V")


def replay_decision(slots: dict[K, V], key: K, event: Event, value: V) -> None:
    """One decision of the log replayed: ``value`` stands for its slot from now on, or nothing
    does after a withdrawal."""
    if event.action == "withdrawn":
        slots.pop(key, None)
    else:
        slots[key] = value


def kept_files(folder: Path) -> list[Path]:
    """The stored files of a ``files/`` folder (not a half-written ``.incoming-`` one)."""
    try:
        return [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    except OSError:
        return []


def _orphan(path: Path) -> str:
    return f"{path}: a stored file that no submission names"


def stored_suffix(filename: str) -> str:
    """The extension the bytes are kept under: at most ``SUFFIX_MAX`` letters and digits, so a
    name like ``a.<200 characters>`` is stored (never ``File name too long``); the name as sent
    stays in the submission's ``filename``, and the reader goes by that name, not this one."""
    suffix = Path(filename).suffix.lower()[:SUFFIX_MAX]
    return (
        "." + "".join(c if c.isalnum() else "_" for c in suffix[1:]) if len(suffix) > 1 else ".bin"
    )


def slot_of(division: str | None, kinds: Sequence[str]) -> str:
    """What a submission speaks for: its division, else the kinds of sheets it holds."""
    if division:
        return division
    return "kind:" + "+".join(sorted(kinds)) if kinds else "none"


def _submission(row: Any) -> Submission:
    m = row._mapping
    return Submission(
        id=m["id"],
        sha256=m["sha256"],
        filename=m["filename"],
        suffix=m["suffix"],
        division=m["division"],
        year=m["year"],
        user=m["submitted_by"],
        submitted_at=_utc(m["submitted_at"]),
        errors=m["errors"],
        warnings=m["warnings"],
        state=m["state"],
        decided_by=m["decided_by"],
        decided_at=_utc(m["decided_at"]),
        slot=m["slot"],
        unreadable=bool(m["unreadable"]),
        size=m["size"],
        kinds=json.loads(m["kinds"] or "[]"),
    )


def _event(row: Any) -> Event:
    m = row._mapping
    return Event(
        seq=m["seq"],
        at=_utc(m["at"]),
        user=m["actor"],
        role=m["role"],
        action=m["action"],
        submission_id=m["submission_id"],
        year=m["year"],
        division=m["division"],
        slot=m["slot"],
        detail=json.loads(m["detail"] or "{}"),
    )


def _read_event(conn: Connection, seq: int) -> Event:
    return _event(conn.execute(select(events_t).where(events_t.c.seq == seq)).one())


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _pack(report: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(report, ensure_ascii=False, default=str).encode("utf-8"), 6)


def _sha_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsynced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _unwritable(folder: Path) -> OSError:
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    code = errno.EROFS if read_only else errno.EACCES
    return OSError(code, os.strerror(code), str(folder))


def _make_engine(url: str, dialect: str, *, read_only: bool = False) -> Engine:
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


def _os_failed(exc: OSError, where: Path, *, reading: bool = False) -> str:
    th, en = _OS_REASONS.get(exc.errno or 0, (exc.strerror or str(exc), exc.strerror or str(exc)))
    if reading:
        return f"อ่านคลังไฟล์ที่ {where} ไม่ได้: {th} — cannot read the store at {where}: {en}"
    return (
        f"บันทึกไฟล์ลงคลังที่ {where} ไม่ได้: {th} ข้อมูลที่บันทึกไว้แล้วไม่เปลี่ยนแปลง — "
        f"cannot store the file in {where}: {en}; nothing already stored was changed"
    )


def _db_failed(exc: SQLAlchemyError, store: Store, *, reading: bool = False) -> str:
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
    where = store.describe()
    if reading:
        return f"อ่านคลังข้อมูลที่ {where} ไม่ได้: {th} — cannot read the store at {where}: {en}"
    return (
        f"บันทึกลงคลังข้อมูลที่ {where} ไม่ได้: {th} ข้อมูลที่บันทึกไว้แล้วไม่เปลี่ยนแปลง — "
        f"cannot write the store at {where}: {en}; nothing already stored was changed"
    )
