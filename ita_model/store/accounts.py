"""The accounts, kept in the store: every dashboard on one store (a PostgreSQL server shared by
several machines) signs in against the same rows.

One row per account: name (unique in the deployment), role, bcrypt hash (none: someone who signs
in through OpenID Connect, named by e-mail), the agency it acts in, its scope (a supervisor's, or
``all`` for a system admin), added at/by, changed at/by. Adding, changing and removing one is an
audit event of its agency's log, written in the same transaction and only by an administrator as
the rows say: an agency's administrator for its own agency's accounts, without scopes; a system
admin for any.
Nothing is cached: each call reads the rows again (one query by primary key), so an account
another dashboard removed or lowered counts from its very next action.

An existing ``users.json`` (``ITA_USERS_FILE``, the accounts file of earlier versions) is
imported once, into an empty table, with an audit event naming how many came in; the file is
left as it was and never read again (``account_imports`` remembers it was done). A damaged file
imports nothing and lets nobody in (``users_json_damaged``).

Fail closed: only a store with no account at all (and no users.json to import) is the single
local user. Once one exists, a name without an account may do nothing (``account_unknown``),
except someone signed in through OpenID Connect, who gets ``ITA_OIDC_DEFAULT_ROLE``; the last
system admin cannot be removed or lowered, and the first account must be an administrator (it
is the first system admin).

The tables have a ``MetaData`` of their own, created beside the store's on the first write that
needs them; this module uses only the store's transactions (``_read``, ``_write``, ``_event``).
"""

from __future__ import annotations

import contextlib
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

from ita_model.agency import DEFAULT_AGENCY
from ita_model.auth import (
    NAME_MAX_CHARS,
    SAMPLE_SENDER,
    Actor,
    Role,
    Source,
    hash_password,
    norm_name,
    password_matches,
    require,
    role_of,
    valid_name,
)
from ita_model.errors import AccountError, CodedError, NotAllowed
from ita_model.scope import Scope
from ita_model.store.schema import agencies_t
from ita_model.store.users_json import USERS_JSON, aware, parse_users_json, why

if TYPE_CHECKING:
    from ita_model.store import Store

accounts_metadata = MetaData()

accounts_t = Table(
    "accounts",
    accounts_metadata,
    Column("name", String(NAME_MAX_CHARS), primary_key=True),  # norm_name()
    Column("role", String(16), nullable=False),
    Column("password", Text),  # bcrypt; NULL: OpenID Connect only
    Column("agency", String(32), nullable=False, default="default", server_default="default"),
    Column("scope", Text),  # Scope.text(): a supervisor's, or "all" for a system admin
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
                "agency": r.agency,
                "scope": r.scope,
                "added_at": aware(r.added_at),
                "added_by": r.added_by,
                "changed_at": aware(r.changed_at),
                "changed_by": r.changed_by,
            }
            for r in self._rows(query.order_by(accounts_t.c.name))
        ]

    def listed_for(self, user: str | Actor) -> list[dict[str, Any]]:
        """The accounts ``user`` may see, as the rows say now: a system admin every one, an
        agency's administrator its own agency's; anyone else is refused (``not_allowed``)."""
        actor = self.actor(user)
        require(actor, Role.ADMIN, "ดูรายชื่อบัญชีผู้ใช้", "list the accounts")
        people = self.users()
        if actor.system_admin:
            return people
        return [u for u in people if u["agency"] == actor.agency]

    def imported(self) -> Imported | None:
        """When the accounts began in this store (and from which users.json)."""
        rows = self._rows(select(account_imports_t))
        return Imported(aware(rows[0].at), rows[0].source, rows[0].count) if rows else None

    def _lookup(self, name: str) -> tuple[Any, bool]:
        """The account row of ``name`` (or None) and whether any account exists: one query."""
        key = norm_name(name)
        row = select(accounts_t.c.role).where(accounts_t.c.name == key)
        query = select(
            *(
                row.with_only_columns(accounts_t.c[c]).scalar_subquery().label(c)
                for c in ("role", "password", "agency", "scope")
            ),
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
        return actor_of(norm_name(name), row, source) if row is not None else None

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
            return actor_of(norm_name(user), row, source)
        if not any_account:
            return Actor.single_user(user)
        if source == "oidc":
            return Actor(user, self.default_role, "oidc")
        raise NotAllowed("account_unknown", value=user)

    def authenticate(self, name: str, password: str) -> Actor | None:
        """The actor for a correct name + password, else None (the same work either way)."""
        row, _ = self._lookup(name)
        hashed = row.password if row is not None else None
        if not password_matches(password, hashed) or row is None:
            return None
        return actor_of(norm_name(name), row, "local")

    # ---- writing: an administrator (as the rows say), one transaction with its audit event

    def add(
        self,
        name: str,
        role: Role | str,
        password: str | None,
        *,
        user: str | Actor,
        rounds: int = 12,
        agency: str | None = None,
        scope: Scope | str | None = None,
    ) -> dict[str, Any]:
        """Add an account, or replace the role and password of one (``user_changed``).
        ``password=None``: someone who signs in through OpenID Connect. ``agency``: the agency
        it acts in (default: a new account the administrator's, a changed one its own);
        ``scope``: a supervisor's (needed), or ``all`` for a system admin. Returns it, no hash."""
        actor = self._admin(user)
        name, role = valid_name(name), role_of(role)
        hashed = None if password is None else hash_password(password, rounds=rounds)
        now = datetime.now(UTC)
        with self._writing() as conn:
            before = conn.execute(select(accounts_t).where(accounts_t.c.name == name)).first()
            first = before is None and not _any(conn)
            if first and role != Role.ADMIN:
                raise AccountError("first_account_admin")
            home = agency or (before.agency if before is not None else actor.agency)
            given = _scope(scope)
            scoped = before is not None and role in (Role.ADMIN, Role.SUPERVISOR)
            kept = given or (_scope(before.scope) if scoped else None)
            wanted = scope_for(name, role, home, kept, first=first)
            self._may_manage(conn, actor, home, given, before)
            if before is None:
                conn.execute(
                    insert(accounts_t).values(
                        name=name,
                        role=role.value,
                        password=hashed,
                        agency=home,
                        scope=wanted,
                        added_at=now,
                        added_by=actor.name,
                        changed_at=now,
                        changed_by=actor.name,
                    )
                )
            else:
                _keep_an_admin(conn, name, role, wanted)
                values = {"role": role.value, "password": hashed, "agency": home, "scope": wanted}
                conn.execute(_changed(name, actor, now).values(**values))
            detail = {"name": name, "role": role.value, "password": hashed is not None}
            detail |= _tenancy(home, role, wanted)
            if before is not None:
                detail["before"] = before.role
            action = "user_added" if before is None else "user_changed"
            self.store._event(conn, actor, action, at=now, detail=detail, agency=home)
        return {"name": name, "role": role.value, "password": hashed is not None} | {
            "agency": home,
            "scope": wanted,
        }

    def set_role(
        self,
        name: str,
        role: Role | str,
        *,
        user: str | Actor,
        scope: Scope | str | None = None,
    ) -> dict[str, Any]:
        """Give an account another role (``user_role_changed``, with the role and scope before);
        ``scope`` replaces a supervisor's or a system admin's scope."""
        name, role = norm_name(name), role_of(role)
        actor = self._admin(user)
        now = datetime.now(UTC)
        with self._writing() as conn:
            before = _row(conn, name)
            given = _scope(scope)
            kept = given or (
                _scope(before.scope) if role in (Role.ADMIN, Role.SUPERVISOR) else None
            )
            wanted = scope_for(name, role, before.agency, kept, first=False)
            self._may_manage(conn, actor, before.agency, given, before)
            _keep_an_admin(conn, name, role, wanted)
            conn.execute(_changed(name, actor, now).values(role=role.value, scope=wanted))
            detail = {"name": name, "before": before.role, "after": role.value}
            detail |= _tenancy(before.agency, role, wanted)
            if before.scope != wanted:
                detail["scope_before"] = before.scope
            self.store._event(
                conn, actor, "user_role_changed", at=now, detail=detail, agency=before.agency
            )
        return {"name": name, "role": role.value, "agency": before.agency, "scope": wanted}

    def remove(self, name: str, *, user: str | Actor) -> dict[str, Any]:
        """Remove an account (``user_removed``, with its role); it can do nothing from then."""
        name = norm_name(name)
        actor = self._admin(user)
        now = datetime.now(UTC)
        with self._writing() as conn:
            before = _row(conn, name)
            self._may_manage(conn, actor, before.agency, None, before)
            _keep_an_admin(conn, name, None, None)
            conn.execute(delete(accounts_t).where(accounts_t.c.name == name))
            detail = {"name": name, "role": before.role}
            self.store._event(
                conn, actor, "user_removed", at=now, detail=detail, agency=before.agency
            )
        return detail

    def _admin(self, user: str | Actor) -> Actor:
        actor = self.actor(user)
        require(actor, Role.ADMIN, *_WHAT)
        return actor

    def _may_manage(
        self, conn: Connection, actor: Actor, agency: str, scope: Scope | None, before: Any
    ) -> None:
        """An agency's administrator manages the accounts of its own agency, without scopes; a
        system admin any account of any agency the registry has (``agency_unknown`` else)."""
        known = select(agencies_t.c.code).where(agencies_t.c.code == agency)
        if conn.execute(known).first() is None:
            raise CodedError("agency_unknown", value=agency)
        if actor.system_admin:
            return
        own = agency == actor.agency and (before is None or before.agency == actor.agency)
        if not own or scope is not None or (before is not None and before.scope):
            what_th, what_en = (
                "จัดการบัญชีผู้ใช้ของหน่วยงานอื่นหรือกำหนดขอบเขต",
                ("manage other agencies' accounts or scopes"),
            )
            raise NotAllowed("system_admin_only", name=actor.name, what_th=what_th, what_en=what_en)

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
                "users_json_unreadable", path=self.users_json, detail=why(exc)
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


def actor_of(name: str, row: Any, source: Source) -> Actor:
    """The actor an account row makes: its role, agency and scope as the rows say now."""
    scope = Scope.parse(row.scope) if row.scope else None
    return Actor(name, Role(row.role), source, agency=row.agency or DEFAULT_AGENCY, scope=scope)


def _began(conn: Connection, source: str | None, count: int) -> None:
    at = datetime.now(UTC)
    conn.execute(
        insert(account_imports_t).values(kind=USERS_JSON, at=at, source=source, count=count)
    )


def _any(conn: Connection) -> bool:
    return conn.execute(select(accounts_t.c.name).limit(1)).first() is not None


def _tenancy(agency: str, role: Role, scope: str | None) -> dict[str, Any]:
    """What an account event says of its agency and scope: nothing for a one-agency deployment
    (the default agency; no scope, or an administrator's ``all``), so its log reads as before."""
    out: dict[str, Any] = {}
    if agency != DEFAULT_AGENCY:
        out["agency"] = agency
    if scope is not None and not (role == Role.ADMIN and scope == Scope.all().text()):
        out["scope"] = scope
    return out


def _row(conn: Connection, name: str) -> Any:
    found = conn.execute(select(accounts_t).where(accounts_t.c.name == name)).first()
    if found is None:
        raise AccountError("account_not_found", value=name)
    return found


def _scope(value: Scope | str | None) -> Scope | None:
    if value is None or isinstance(value, Scope):
        return value
    return Scope.parse(value) if value.strip() else None


def scope_for(
    name: str, role: Role, agency: str, scope: Scope | None, *, first: bool
) -> str | None:
    """The scope an account keeps, as text: a supervisor's (needed: ``supervisor_needs_scope``);
    ``all`` for a system admin — the first account, and an admin of the default agency unless
    given another; none for anyone else (``scope_not_for_role``)."""
    if role == Role.SUPERVISOR:
        if scope is None:
            raise AccountError("supervisor_needs_scope", value=name)
        return scope.text()
    if role == Role.ADMIN and (first or (scope is None and agency == DEFAULT_AGENCY)):
        return Scope.all().text()
    if scope is None:
        return None
    if role == Role.ADMIN and scope.everything:
        return Scope.all().text()
    raise AccountError("scope_not_for_role", value=name, role=role.value)


def _keep_an_admin(conn: Connection, name: str, role: Role | None, scope: str | None) -> None:
    """``last_admin`` when ``name`` is the only system admin (an admin whose scope is all) and
    would no longer be one: someone must still be able to manage every account."""
    if role == Role.ADMIN and scope == Scope.all().text():
        return
    admins = conn.execute(
        select(accounts_t.c.name).where(
            accounts_t.c.role == Role.ADMIN.value, accounts_t.c.scope == Scope.all().text()
        )
    )
    names = [r.name for r in admins]
    if names == [name]:
        raise AccountError("last_admin", value=name)


def _changed(name: str, actor: Actor, now: datetime) -> Any:
    return (
        update(accounts_t)
        .where(accounts_t.c.name == name)
        .values(changed_at=now, changed_by=actor.name)
    )
