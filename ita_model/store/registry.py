"""The agencies of a deployment (table ``agencies``) and a store bound to one of them.

``default``, the embedded single agency, is always there; a system admin imports the others in
bulk (``register_agencies``: one transaction, one ``agencies_imported`` audit event).
``for_agency`` gives a store bound to another agency on the same engines (no new pool, no schema
check), after checking from the account rows that the user may see it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Self

from sqlalchemy import insert, select, update

from ita_model.agencies import AgencyRecord
from ita_model.agency import DEFAULT_AGENCY
from ita_model.auth import Actor, Role, require
from ita_model.errors import CodedError, NotAllowed
from ita_model.store import base
from ita_model.store.base import agency_of, record_of
from ita_model.store.events import Events
from ita_model.store.schema import agencies_t, default_name

_FIELDS = ("name", "type", "province", "parent")


class Registry(Events):
    def agency_registry(self) -> list[AgencyRecord]:
        """Every agency of the deployment, by code (``default`` always among them)."""
        with self._read() as conn:
            if conn is None:
                return [default_record()]
            rows = conn.execute(select(agencies_t).order_by(agencies_t.c.code))
            return [record_of(r) for r in rows]

    def agency_record(self, code: str) -> AgencyRecord | None:
        """One agency of the registry, or None."""
        with self._read() as conn:
            if conn is None:
                return default_record() if code == DEFAULT_AGENCY else None
            return agency_of(conn, code)

    def register_agencies(
        self, records: Sequence[AgencyRecord], *, user: str | Actor
    ) -> dict[str, int]:
        """Add or update agencies by code, all in one transaction with one ``agencies_imported``
        audit event; a system admin only. Returns how many were added, updated, unchanged."""
        actor = self._actor(user)
        require_system_admin(actor, "นำเข้าทะเบียนหน่วยงาน", "import agencies")
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        now = base.now()
        with self._write() as conn:
            have = {r.code: record_of(r) for r in conn.execute(select(agencies_t))}
            for rec in records:
                values = {f: getattr(rec, f) for f in _FIELDS}
                before = have.get(rec.code)
                if before is None:
                    conn.execute(
                        insert(agencies_t).values(
                            code=rec.code, added_at=now, added_by=actor.name, **values
                        )
                    )
                    counts["added"] += 1
                elif any(getattr(before, f) != values[f] for f in _FIELDS):
                    conn.execute(
                        update(agencies_t).where(agencies_t.c.code == rec.code).values(**values)
                    )
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
                have[rec.code] = rec
            self._event(conn, actor, "agencies_imported", at=now, detail=dict(counts))
        return counts

    def for_agency(self, code: str, *, user: str | Actor) -> Self:
        """This store bound to ``code`` (same engines), after checking that ``user`` may see it:
        ``NotAllowed`` (``agency_not_allowed``) otherwise, ``agency_unknown`` for no such code."""
        actor = self._actor(user)
        record = self.agency_record(code)
        if record is None:
            raise CodedError("agency_unknown", value=code)
        if not actor.may_read(record):
            raise NotAllowed("agency_not_allowed", name=actor.name, agency=code)
        self.engine  # noqa: B018 - made once here, shared by every bound copy
        bound = copy.copy(self)
        bound.agency = code
        bound._viewer = actor
        return bound

    def for_reader(self, user: str | Actor) -> Self | None:
        """This store bound for ``user`` to read across agencies (a roll-up: ``rollup.registry``
        then lists only what they may read): at their own agency, or, for a supervisor (whose
        account's agency is only where it is kept), at the first agency its scope covers. None
        when a supervisor's scope covers no agency of the registry; ``account_unknown`` for a
        name without an account."""
        actor = self._actor(user)
        if actor.role != Role.SUPERVISOR:
            return self.for_agency(actor.agency, user=actor)
        first = next((r.code for r in self.agency_registry() if actor.may_read(r)), None)
        return None if first is None else self.for_agency(first, user=actor)

    def may_write(self, user: str | Actor, needed: Role = Role.EDITOR) -> bool:
        """Whether ``user`` (as the rows say now) may write this store's agency: what a page asks
        before showing an upload, accept, rollback, settings or set-up control."""
        try:
            return self._actor(user).may_write(self.agency, needed)
        except NotAllowed:
            return False


def default_record() -> AgencyRecord:
    return AgencyRecord.model_construct(
        code=DEFAULT_AGENCY, name=default_name(), type=None, province=None, parent=None
    )


def require_system_admin(actor: Actor, what_th: str, what_en: str) -> None:
    """``system_admin_only`` unless ``actor`` is an admin whose scope is everything."""
    require(actor, Role.ADMIN, what_th, what_en)
    if not actor.system_admin:
        raise NotAllowed("system_admin_only", name=actor.name, what_th=what_th, what_en=what_en)
