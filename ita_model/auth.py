"""Who may do what: three roles, and the local accounts file (bcrypt-hashed passwords).

``viewer`` (executives) reads; ``editor`` (the legal unit) submits, accepts and rolls back;
``admin`` also changes settings and users. The store checks the role of every write itself, so a
page that forgets to hide a button still cannot let a viewer change anything.

Accounts live in one JSON file (``ITA_USERS_FILE``, default ``users.json`` in the store folder)::

    {"users": {"somchai": {"role": "editor", "password": "$2b$12$…", "added_at": "…",
                           "added_by": "…"}}}

An entry without a password gives a role to someone who signs in through OpenID Connect (the
name is their e-mail). With no accounts at all the app is one local user who may do everything.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import bcrypt

from ita_model.errors import AccountError, NotAllowed

Source = Literal["single", "local", "oidc", "cli"]
BCRYPT_MAX_BYTES = 72  # bcrypt reads no further; a longer password is refused, not cut
_DUMMY_HASH = bcrypt.hashpw(b"not a password", bcrypt.gensalt(rounds=4))


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= Role(needed).rank


ROLE_TH = {Role.VIEWER: "ผู้บริหาร (ดูอย่างเดียว)", Role.EDITOR: "ผู้นำเข้าข้อมูล", Role.ADMIN: "ผู้ดูแลระบบ"}


@dataclass(frozen=True)
class Actor:
    """Someone acting: the name written in the audit log and the role checked by the store."""

    name: str
    role: Role
    source: Source = "local"

    @classmethod
    def single_user(cls, name: str = "local") -> Actor:
        """No accounts configured: the one local user may do everything (a banner says so)."""
        return cls(name, Role.ADMIN, "single")

    def can(self, needed: Role) -> bool:
        return self.role.allows(needed)


def require(actor: Actor, needed: Role, what_th: str, what_en: str) -> None:
    """Raise ``NotAllowed`` (Thai, then English) unless ``actor`` has at least ``needed``."""
    if not actor.can(needed):
        raise NotAllowed(
            f"{actor.name} ({ROLE_TH[actor.role]}) ไม่มีสิทธิ์{what_th} "
            f"ต้องเป็น{ROLE_TH[needed]}ขึ้นไป — {actor.name} ({actor.role.value}) may not "
            f"{what_en}; this needs the {needed.value} role or higher"
        )


class Accounts:
    """The local accounts file. Re-read on every call: another process may have added someone."""

    def __init__(self, path: Path, *, default_role: Role | str = Role.VIEWER) -> None:
        self.path = path
        self.default_role = Role(default_role)

    # ---- reading

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise AccountError(
                f"อ่านไฟล์บัญชีผู้ใช้ {self.path} ไม่ได้ ({exc}) — "
                f"cannot read the accounts file {self.path} ({exc})"
            ) from exc
        users = raw.get("users") if isinstance(raw, dict) else None
        if not isinstance(users, dict):
            raise AccountError(
                f'ไฟล์บัญชีผู้ใช้ {self.path} ไม่ถูกรูปแบบ (ต้องมี "users") — '
                f'the accounts file {self.path} has no "users" object'
            )
        return users

    @property
    def configured(self) -> bool:
        """Whether any account exists (else: the single local user)."""
        return bool(self._load())

    @property
    def has_passwords(self) -> bool:
        return any(u.get("password") for u in self._load().values())

    def users(self) -> list[dict[str, Any]]:
        """Every account without its hash: name, role, password (bool), added_at, added_by."""
        return [
            {
                "name": name,
                "role": u.get("role", Role.VIEWER.value),
                "password": bool(u.get("password")),
                "added_at": u.get("added_at"),
                "added_by": u.get("added_by"),
            }
            for name, u in sorted(self._load().items())
        ]

    def role_of(self, name: str) -> Role | None:
        entry = self._load().get(_norm(name))
        return Role(entry.get("role", Role.VIEWER.value)) if entry else None

    def actor(self, user: str | Actor, *, source: Source = "local") -> Actor:
        """Who ``user`` is. A plain name is looked up; unknown names are viewers (deny by default).

        With no accounts at all, any name is the single local user (who may do everything).
        """
        if isinstance(user, Actor):
            return user
        users = self._load()
        if not users:
            return Actor(user, Role.ADMIN, "single")
        entry = users.get(_norm(user))
        if entry is None:
            role = self.default_role if source == "oidc" else Role.VIEWER
            return Actor(user, role, source)
        return Actor(user, Role(entry.get("role", Role.VIEWER.value)), source)

    def authenticate(self, name: str, password: str) -> Actor | None:
        """The actor for a correct name + password, else None (same work either way)."""
        entry = self._load().get(_norm(name))
        hashed = (entry or {}).get("password")
        secret = password.encode("utf-8")
        if len(secret) > BCRYPT_MAX_BYTES:
            return None
        try:
            ok = bcrypt.checkpw(secret, hashed.encode("ascii") if hashed else _DUMMY_HASH)
        except ValueError:  # a damaged hash in the file
            ok = False
        if not ok or not hashed or entry is None:
            return None
        return Actor(_norm(name), Role(entry.get("role", Role.VIEWER.value)), "local")

    # ---- writing

    def add(
        self, name: str, role: Role | str, password: str | None, *, by: str, rounds: int = 12
    ) -> dict[str, Any]:
        """Add or replace an account; returns it without the hash. ``password=None``: OIDC only."""
        name = _norm(name)
        if not name or any(c.isspace() for c in name):
            raise AccountError(
                f"ชื่อผู้ใช้ '{name}' ใช้ไม่ได้ (ห้ามว่างหรือมีช่องว่าง) — "
                f"user name '{name}' is empty or has spaces"
            )
        try:
            role = Role(role)
        except ValueError:
            raise AccountError(
                f"ไม่รู้จักบทบาท '{role}' ใช้ viewer, editor หรือ admin — "
                f"unknown role '{role}'; use viewer, editor or admin"
            ) from None
        hashed = None
        if password is not None:
            secret = password.encode("utf-8")
            if len(secret) < 8:
                raise AccountError(
                    "รหัสผ่านสั้นเกินไป (อย่างน้อย 8 ตัวอักษร) — the password is too short "
                    "(8 characters at least)"
                )
            if len(secret) > BCRYPT_MAX_BYTES:
                raise AccountError(
                    f"รหัสผ่านยาวเกิน {BCRYPT_MAX_BYTES} ไบต์ (อักษรไทยใช้ 3 ไบต์ต่อตัว) — "
                    f"the password is longer than {BCRYPT_MAX_BYTES} bytes (a Thai letter is 3)"
                )
            hashed = bcrypt.hashpw(secret, bcrypt.gensalt(rounds=rounds)).decode("ascii")
        entry = {
            "role": role.value,
            "password": hashed,
            "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "added_by": by,
        }
        with self._locked():
            users = self._load()
            users[name] = entry
            self._write(users)
        return {"name": name, "role": role.value, "password": hashed is not None}

    def remove(self, name: str) -> bool:
        with self._locked():
            users = self._load()
            found = users.pop(_norm(name), None) is not None
            if found:
                self._write(users)
        return found

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time (two admins adding users at once both keep theirs)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(self.path.with_name(self.path.name + ".lock"), "a")  # noqa: SIM115
        except OSError as exc:
            raise AccountError(_write_failed(self.path, exc)) from exc
        with fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            yield

    def _write(self, users: dict[str, dict[str, Any]]) -> None:
        text = json.dumps({"users": users}, ensure_ascii=False, indent=1, sort_keys=True)
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".users-")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise AccountError(_write_failed(self.path, exc)) from exc


def _norm(name: str) -> str:
    return name.strip().lower()


def _write_failed(path: Path, exc: OSError) -> str:
    why = exc.strerror or str(exc)
    return (
        f"บันทึกไฟล์บัญชีผู้ใช้ {path} ไม่ได้ ({why}) บัญชีเดิมไม่เปลี่ยนแปลง — "
        f"cannot write the accounts file {path} ({why}); the accounts are unchanged"
    )
