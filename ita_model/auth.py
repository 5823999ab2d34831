"""Who may do what: four roles, the actor of every write, and the rules for names and passwords.

``viewer`` (executives) reads; ``editor`` (the legal unit) submits, accepts and rolls back;
``admin`` also changes settings and users. All three act within their own agency
(``Actor.agency``). A ``supervisor`` has a scope (``Actor.scope``: a province, a parent body, a
list of agencies, everything), reads every agency it covers and writes nothing anywhere. A
**system admin** is an admin whose scope is ``all`` (the single local user is one, and so is the
first account ever made): it reads every agency, imports agencies and manages every agency's
accounts. The accounts themselves live in the store
(``ita_model/store/accounts.py``), which looks the actor's role up in its own rows on every write: a
page that forgets to hide a button, or hands the store an ``Actor`` with a role of its own
making, still cannot let a viewer change anything.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

import bcrypt

from ita_model.agency import DEFAULT_AGENCY
from ita_model.errors import AccountError, NotAllowed
from ita_model.scope import Scope

if TYPE_CHECKING:
    from ita_model.agencies import AgencyRecord

Source = Literal["single", "local", "oidc", "cli", "system"]
BCRYPT_MAX_BYTES = 72  # bcrypt reads no further; a longer password is refused, not cut
PASSWORD_MIN_CHARS = 8
NAME_MAX_CHARS = 254  # an e-mail address at most (the name of someone signing in by OIDC)
_DUMMY_HASH = bcrypt.hashpw(b"not a password", bcrypt.gensalt(rounds=4))


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"
    SUPERVISOR = "supervisor"  # reads the agencies of its scope, writes none

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= Role(needed).rank


_RANK = {Role.VIEWER: 0, Role.SUPERVISOR: 0, Role.EDITOR: 1, Role.ADMIN: 2}
ROLE_TH = {
    Role.VIEWER: "ผู้บริหาร (ดูอย่างเดียว)",
    Role.EDITOR: "ผู้นำเข้าข้อมูล",
    Role.ADMIN: "ผู้ดูแลระบบ",
    Role.SUPERVISOR: "ผู้กำกับดูแล (ดูหลายหน่วยงาน)",
}


@dataclass(frozen=True)
class Actor:
    """Someone acting: the name written in the audit log, the role, agency and scope checked by
    the store (which reads them again from its own account rows)."""

    name: str
    role: Role
    source: Source = "local"
    agency: str = DEFAULT_AGENCY
    scope: Scope | None = None

    @classmethod
    def single_user(cls, name: str = "local") -> Actor:
        """No accounts at all: the one local user may do everything (a banner says so)."""
        return cls(name, Role.ADMIN, "single", scope=Scope.all())

    def can(self, needed: Role) -> bool:
        return self.role.allows(needed)

    @property
    def system_admin(self) -> bool:
        """An administrator of the whole deployment: an admin whose scope is everything."""
        return self.role == Role.ADMIN and self.scope is not None and self.scope.everything

    def may_read(self, record: AgencyRecord) -> bool:
        """Its own agency, or one its scope covers (a system admin); a supervisor's scope alone
        says what it reads (its account's agency is only where its account is kept)."""
        covered = self.scope is not None and self.scope.covers(record)
        return covered or (record.code == self.agency and self.role != Role.SUPERVISOR)

    def may_write(self, agency: str, needed: Role = Role.EDITOR) -> bool:
        """Only within its own agency, with the role needed (a supervisor never)."""
        return agency == self.agency and self.role != Role.SUPERVISOR and self.can(needed)


# The bundled sample's sender (``ita_model.sample``): no account, and none needed. The store takes
# this very object (``is``, not an equal one) as an editor, so the sample loads into a fresh
# store whatever accounts exist; an administrator's ``sample load`` is checked as theirs first.
SAMPLE_SENDER = Actor("sample", Role.EDITOR, "system")


def require(
    actor: Actor, needed: Role, what_th: str, what_en: str, *, agency: str | None = None
) -> None:
    """Raise ``NotAllowed`` (``not_allowed``) unless ``actor`` has at least ``needed`` and, when
    ``agency`` is given, acts in that agency (``agency_write_not_allowed``)."""
    if agency is not None and actor.role != Role.SUPERVISOR and agency != actor.agency:
        raise NotAllowed(
            "agency_write_not_allowed",
            name=actor.name,
            own=actor.agency,
            agency=agency,
            what_th=what_th,
            what_en=what_en,
        )
    if not actor.can(needed):
        raise NotAllowed(
            "not_allowed",
            name=actor.name,
            role=actor.role.value,
            role_th=ROLE_TH[actor.role],
            needed=Role(needed).value,
            needed_th=ROLE_TH[Role(needed)],
            what_th=what_th,
            what_en=what_en,
        )


def role_of(value: Role | str) -> Role:
    """A role from its name; ``account_role_unknown`` otherwise."""
    try:
        return Role(value)
    except ValueError:
        raise AccountError("account_role_unknown", value=str(value)) from None


def norm_name(name: str) -> str:
    """The name an account is kept under: NFC, no surrounding spaces, lower case (e-mails)."""
    return unicodedata.normalize("NFC", name).strip().lower()


def valid_name(name: str) -> str:
    """``norm_name(name)``, or ``account_name_invalid`` when it is empty, too long, or holds a
    space or a control character (it is typed at a sign-in form and on the command line)."""
    kept = norm_name(name)
    if (
        not kept
        or len(kept) > NAME_MAX_CHARS
        or any(c.isspace() or unicodedata.category(c).startswith("C") for c in kept)
    ):
        raise AccountError("account_name_invalid", value=kept or name, limit=NAME_MAX_CHARS)
    return kept


def hash_password(password: str, *, rounds: int = 12) -> str:
    """The bcrypt hash of a usable password; ``password_too_short``/``password_too_long``."""
    secret = password.encode("utf-8")
    if len(password) < PASSWORD_MIN_CHARS:
        raise AccountError("password_too_short", limit=PASSWORD_MIN_CHARS)
    if len(secret) > BCRYPT_MAX_BYTES:
        raise AccountError("password_too_long", limit=BCRYPT_MAX_BYTES)
    return bcrypt.hashpw(secret, bcrypt.gensalt(rounds=rounds)).decode("ascii")


def password_matches(password: str, hashed: str | None) -> bool:
    """Whether ``password`` is the one ``hashed`` was made from; the same work when there is no
    hash (an unknown name, an OIDC-only account), so timing does not tell names apart."""
    secret = password.encode("utf-8")
    if len(secret) > BCRYPT_MAX_BYTES:
        return False
    try:
        ok = bcrypt.checkpw(secret, hashed.encode("ascii") if hashed else _DUMMY_HASH)
    except ValueError:  # a damaged hash
        return False
    return ok and bool(hashed)


def looks_like_bcrypt(hashed: object) -> bool:
    """A bcrypt hash as ``hash_password`` writes it (``$2b$12$`` and 53 more characters)."""
    return isinstance(hashed, str) and len(hashed) == 60 and hashed[:4] in ("$2a$", "$2b$", "$2y$")
