"""The accounts, kept in the store: every dashboard on one store (a PostgreSQL server shared by
several machines) signs in against the same rows.

One row per account: name, role, bcrypt hash (none: someone who signs in through OpenID Connect,
named by e-mail), added at/by, changed at/by. Adding, changing and removing one is an audit event
of the store's log, written in the same transaction and only by an administrator as the rows say.
Nothing is cached: each call reads the rows again (one query by primary key), so an account
another dashboard removed or lowered counts from its very next action.

An existing ``users.json`` (``ITA_USERS_FILE``, the accounts file of earlier versions) is
imported once, into an empty table, with an audit event naming how many came in; the file is
left as it was and never read again (``account_imports`` remembers it was done). A damaged file
imports nothing and lets nobody in (``users_json_damaged``).

Fail closed: only a store with no account at all (and no users.json to import) is the single
local user. Once one exists, a name without an account may do nothing (``account_unknown``),
except someone signed in through OpenID Connect, who gets ``ITA_OIDC_DEFAULT_ROLE``; the last
administrator cannot be removed or lowered, and the first account must be an administrator.

The tables have a ``MetaData`` of their own, created beside the store's on the first write that
needs them; this module uses only the store's transactions (``_read``, ``_write``, ``_event``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection

from ita_model.auth import (
    NAME_MAX_CHARS,
    SAMPLE_SENDER,
    Actor,
    Role,
    Source,
    hash_password,
    looks_like_bcrypt,
    norm_name,
    password_matches,
    require,
    role_of,
    valid_name,
)
from ita_model.errors import AccountError, NotAllowed

if TYPE_CHECKING:
    from ita_model.store import Store

accounts_metadata = MetaData()

accounts_t = Table(
    "accounts",
    accounts_metadata,
    Column("name", String(NAME_MAX_CHARS), primary_key=True),  # norm_name()
    Column("role", String(16), nullable=False),
    Column("password", Text),  # bcrypt; NULL: OpenID Connect only
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", Text, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", Text, nullable=False),
)

account_imports_t = Table(  # one row once the accounts began: imported from users.json, or not
    "account_imports",
    accounts_metadata,
    Column("kind", String(32), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("source", Text),  # the users.json imported; NULL: there was none
    Column("count", Integer, nullable=False),
)

USERS_JSON = "users.json"
IMPORTER = Actor(USERS_JSON, Role.ADMIN, "system")  # who the import event names
_WHAT = ("จัดการผู้ใช้", "manage users")


@dataclass(frozen=True)
class Imported:
    """When the accounts began in the store, and from which users.json (None: none)."""

    at: datetime
    source: str | None
    count: int


class Accounts:
    """The accounts of one store (SQLite or PostgreSQL), read again on every call."""

    def __init__(
        self, store: Store, users_json: Path | None, *, default_role: Role | str = Role.VIEWER
    ) -> None:
        self.store = store
        self.users_json = users_json
        self.default_role = role_of(default_role)
        self._ready = False  # the tables exist and the import question is settled

    # ---- reading

    def _rows(self, query: Any) -> list[Any]:
        """``query``'s rows ([] when there are no accounts yet); imports users.json first."""
        if not self._ensure():
            return []
        with self.store._read() as conn:
            return [] if conn is None else list(conn.execute(query))

    def count(self) -> tuple[int, int]:
        """How many accounts there are, and how many of them have a password."""
        rows = self._rows(select(func.count(), func.count(accounts_t.c.password)))
        return (rows[0][0], rows[0][1]) if rows else (0, 0)

    @property
    def configured(self) -> bool:
        """Whether any account exists (else: the single local user)."""
        return self.count()[0] > 0

    def users(self) -> list[dict[str, Any]]:
        """Every account without its hash, by name."""
        cols = [c for c in accounts_t.c if c.name != "password"]
        query = select(*cols, accounts_t.c.password.is_not(None).label("has_password"))
        return [
            {
                "name": r.name,
                "role": r.role,
                "password": bool(r.has_password),
                "added_at": _aware(r.added_at),
                "added_by": r.added_by,
                "changed_at": _aware(r.changed_at),
                "changed_by": r.changed_by,
            }
            for r in self._rows(query.order_by(accounts_t.c.name))
        ]

    def imported(self) -> Imported | None:
        """When the accounts began in this store (and from which users.json)."""
        rows = self._rows(select(account_imports_t))
        return Imported(_aware(rows[0].at), rows[0].source, rows[0].count) if rows else None

    def _lookup(self, name: str) -> tuple[Any, bool]:
        """The account row of ``name`` (or None) and whether any account exists: one query."""
        key = norm_name(name)
        row = select(accounts_t.c.role, accounts_t.c.password).where(accounts_t.c.name == key)
        query = select(
            row.with_only_columns(accounts_t.c.role).scalar_subquery().label("role"),
            row.with_only_columns(accounts_t.c.password).scalar_subquery().label("password"),
            select(accounts_t.c.name).exists().label("any"),
        )
        rows = self._rows(query)
        if not rows:
            return None, False
        got = rows[0]
        return (got if got.role is not None else None), bool(got.any)

    def role_of(self, name: str) -> Role | None:
        row, _ = self._lookup(name)
        return Role(row.role) if row is not None else None

    def lookup(self, name: str, *, source: Source = "local") -> Actor | None:
        """The actor of an account, its role as the rows say now; None without one."""
        row, _ = self._lookup(name)
        return Actor(norm_name(name), Role(row.role), source) if row is not None else None

    def actor(self, user: str | Actor, *, source: Source = "local") -> Actor:
        """Who ``user`` is, by the rows, whatever role an ``Actor`` handed in claims.

        No account at all: the single local user. Otherwise an account's own role; someone
        signed in through OpenID Connect without one: the default role; anyone else without
        one: refused (``account_unknown``), never a fallback.
        """
        if user is SAMPLE_SENDER:
            return user
        if isinstance(user, Actor):
            user, source = user.name, user.source
        row, any_account = self._lookup(user)
        if row is not None:
            return Actor(norm_name(user), Role(row.role), source)
        if not any_account:
            return Actor(user, Role.ADMIN, "single")
        if source == "oidc":
            return Actor(user, self.default_role, "oidc")
        raise NotAllowed("account_unknown", value=user)

    def authenticate(self, name: str, password: str) -> Actor | None:
        """The actor for a correct name + password, else None (the same work either way)."""
        row, _ = self._lookup(name)
        hashed = row.password if row is not None else None
        if not password_matches(password, hashed) or row is None:
            return None
        return Actor(norm_name(name), Role(row.role), "local")

    # ---- writing: an administrator (as the rows say), one transaction with its audit event

    def add(
        self,
        name: str,
        role: Role | str,
        password: str | None,
        *,
        user: str | Actor,
        rounds: int = 12,
    ) -> dict[str, Any]:
        """Add an account, or replace the role and password of one (``user_changed``).
        ``password=None``: someone who signs in through OpenID Connect. Returns it, no hash."""
        actor = self._admin(user)
        name, role = valid_name(name), role_of(role)
        hashed = None if password is None else hash_password(password, rounds=rounds)
        now = datetime.now(UTC)
        with self._writing() as conn:
            before = conn.execute(select(accounts_t).where(accounts_t.c.name == name)).first()
            if before is None:
                if role != Role.ADMIN and not _any(conn):
                    raise AccountError("first_account_admin")
                conn.execute(
                    insert(accounts_t).values(
                        name=name,
                        role=role.value,
                        password=hashed,
                        added_at=now,
                        added_by=actor.name,
                        changed_at=now,
                        changed_by=actor.name,
                    )
                )
            else:
                _keep_an_admin(conn, name, role)
                values = {"role": role.value, "password": hashed}
                conn.execute(_changed(name, actor, now).values(**values))
            detail = {"name": name, "role": role.value, "password": hashed is not None}
            if before is not None:
                detail["before"] = before.role
            action = "user_added" if before is None else "user_changed"
            self.store._event(conn, actor, action, at=now, detail=detail)
        return {"name": name, "role": role.value, "password": hashed is not None}

    def set_role(self, name: str, role: Role | str, *, user: str | Actor) -> dict[str, Any]:
        """Give an account another role (``user_role_changed``, with the role before)."""
        name, role = norm_name(name), role_of(role)
        actor = self._admin(user)
        now = datetime.now(UTC)
        with self._writing() as conn:
            before = _role(conn, name)
            _keep_an_admin(conn, name, role)
            conn.execute(_changed(name, actor, now).values(role=role.value))
            detail = {"name": name, "before": before, "after": role.value}
            self.store._event(conn, actor, "user_role_changed", at=now, detail=detail)
        return {"name": name, "role": role.value}

    def remove(self, name: str, *, user: str | Actor) -> dict[str, Any]:
        """Remove an account (``user_removed``, with its role); it can do nothing from then."""
        name = norm_name(name)
        actor = self._admin(user)
        now = datetime.now(UTC)
        with self._writing() as conn:
            before = _role(conn, name)
            _keep_an_admin(conn, name, None)
            conn.execute(delete(accounts_t).where(accounts_t.c.name == name))
            detail = {"name": name, "role": before}
            self.store._event(conn, actor, "user_removed", at=now, detail=detail)
        return detail

    def _admin(self, user: str | Actor) -> Actor:
        actor = self.actor(user)
        require(actor, Role.ADMIN, *_WHAT)
        return actor

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """The store's write transaction, the tables there and the import question settled."""
        self._ensure()
        with self.store._write() as conn:
            accounts_metadata.create_all(conn)
            if conn.execute(select(account_imports_t.c.kind)).first() is None:
                _began(conn, None, 0)
            yield conn

    # ---- the tables, and users.json imported once

    def _ensure(self) -> bool:
        """Whether the tables exist (reading is then worth it). The first time there is a
        users.json and no account yet, it is imported (once: never read again after)."""
        if self._ready:
            return True
        exists = self.store._exists()
        with self.store._read() as conn:
            have = set() if conn is None else set(inspect(conn).get_table_names())
            done = (
                account_imports_t.name in have
                and conn is not None
                and bool(conn.execute(select(func.count()).select_from(account_imports_t)).scalar())
            )
        if done:
            self._ready = True
            return True
        if self._file_is_there():
            with self.store._write() as conn:
                self._import(conn)
            self._ready = True
            return True
        return exists and accounts_t.name in have

    def _file_is_there(self) -> bool:
        """Whether there is a users.json to import. Only "no such file" is no: a path that
        cannot be looked at (a file where its folder should be, no permission) or a folder of
        that name refuses everyone rather than risk ignoring accounts that exist."""
        if self.users_json is None:
            return False
        try:
            self.users_json.stat()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AccountError(
                "users_json_unreadable", path=self.users_json, detail=_why(exc)
            ) from None
        return True

    def _import(self, conn: Connection) -> None:
        """users.json into an empty table, in the caller's write transaction (a race with
        another dashboard doing the same is settled by the store's writer lock)."""
        accounts_metadata.create_all(conn)
        if conn.execute(select(account_imports_t.c.kind)).first() is not None:
            return  # another process got there first
        now = datetime.now(UTC)
        rows = [] if _any(conn) else parse_users_json(self.users_json, now)
        if rows:
            conn.execute(insert(accounts_t), rows)
        source = str(self.users_json) if rows else None
        _began(conn, source, len(rows))
        if rows:
            detail = {"file": source, "count": len(rows), "names": [r["name"] for r in rows]}
            self.store._event(conn, IMPORTER, "users_imported", at=now, detail=detail)


def parse_users_json(path: Path, now: datetime) -> list[dict[str, Any]]:
    """The accounts of an earlier version's users.json, as rows; ``users_json_damaged`` (with
    what is wrong) for anything that is not one, so that a half-read file imports nothing."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AccountError("users_json_unreadable", path=path, detail=_why(exc)) from None
    except ValueError as exc:
        raise AccountError("users_json_damaged", path=path, detail=str(exc)) from None
    users = raw.get("users") if isinstance(raw, dict) else None
    if not isinstance(users, dict):
        raise AccountError("users_json_damaged", path=path, detail='no "users" object')
    rows: dict[str, dict[str, Any]] = {}
    for given, entry in users.items():
        problem = _entry_problem(given, entry)
        if problem:
            raise AccountError("users_json_damaged", path=path, detail=f"{given!r}: {problem}")
        name = valid_name(given)
        if name in rows:
            raise AccountError("users_json_damaged", path=path, detail=f"{name!r} twice")
        added_at = _when(entry.get("added_at")) or now
        rows[name] = {
            "name": name,
            "role": entry.get("role", Role.VIEWER.value),
            "password": entry.get("password") or None,
            "added_at": added_at,
            "added_by": str(entry.get("added_by") or USERS_JSON),
            "changed_at": now,
            "changed_by": USERS_JSON,
        }
    if rows and not any(r["role"] == Role.ADMIN.value for r in rows.values()):
        raise AccountError("users_json_no_admin", path=path)  # nobody could manage users
    return list(rows.values())


def _entry_problem(name: str, entry: object) -> str | None:
    if not isinstance(entry, dict):
        return "not an object"
    try:
        valid_name(name)
    except AccountError:
        return "not a usable name"
    if entry.get("role", Role.VIEWER.value) not in {r.value for r in Role}:
        return f"unknown role {entry.get('role')!r}"
    hashed = entry.get("password")
    if hashed and not looks_like_bcrypt(hashed):
        return "the password is not a bcrypt hash"
    return None


def _when(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def _aware(when: datetime) -> datetime:
    """SQLite gives back the UTC times it was given without their zone."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _began(conn: Connection, source: str | None, count: int) -> None:
    at = datetime.now(UTC)
    conn.execute(
        insert(account_imports_t).values(kind=USERS_JSON, at=at, source=source, count=count)
    )


def _any(conn: Connection) -> bool:
    return conn.execute(select(accounts_t.c.name).limit(1)).first() is not None


def _role(conn: Connection, name: str) -> str:
    found = conn.execute(select(accounts_t.c.role).where(accounts_t.c.name == name)).scalar()
    if found is None:
        raise AccountError("account_not_found", value=name)
    return str(found)


def _keep_an_admin(conn: Connection, name: str, role: Role | None) -> None:
    """``last_admin`` when ``name`` is the only admin and would no longer be one."""
    if role == Role.ADMIN:
        return
    admins = conn.execute(select(accounts_t.c.name).where(accounts_t.c.role == Role.ADMIN.value))
    names = [r.name for r in admins]
    if names == [name]:
        raise AccountError("last_admin", value=name)


def _changed(name: str, actor: Actor, now: datetime) -> Any:
    return (
        update(accounts_t)
        .where(accounts_t.c.name == name)
        .values(changed_at=now, changed_by=actor.name)
    )
