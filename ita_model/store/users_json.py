"""An earlier version's ``users.json`` read as account rows, all or nothing: a damaged file
(``users_json_damaged``) imports nobody, and one without an administrator is refused
(``users_json_no_admin``) since nobody could then manage users. Its administrators become the
deployment's system admins (scope ``all``), as they were its only administrators."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ita_model.auth import Role, looks_like_bcrypt, valid_name
from ita_model.errors import AccountError

USERS_JSON = "users.json"


def parse_users_json(path: Path, now: datetime) -> list[dict[str, Any]]:
    """The accounts of an earlier version's users.json, as rows; ``users_json_damaged`` (with
    what is wrong) for anything that is not one, so that a half-read file imports nothing."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AccountError("users_json_unreadable", path=path, detail=why(exc)) from None
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
            "scope": "all" if entry.get("role") == Role.ADMIN.value else None,
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
        return aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def aware(when: datetime) -> datetime:
    """SQLite gives back the UTC times it was given without their zone."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def why(exc: OSError) -> str:
    return exc.strerror or str(exc)
