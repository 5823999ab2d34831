"""The append-only audit log: every submission, decision, setting change and re-check is a row
of ``events``, with who did it, their role and when; "as of" any date is read from it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ita_model.auth import Actor, Role
from ita_model.store import base
from ita_model.store.base import StoreBase
from ita_model.store.models import Event
from ita_model.store.schema import events_t

SYSTEM = Actor("ita_model", Role.ADMIN)  # the store's own housekeeping, in the audit log


class Events(StoreBase):
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
            q = select(events_t).where(events_t.c.agency == self.agency).order_by(events_t.c.seq)
            if since is not None:
                q = q.where(events_t.c.at > since)
            if until is not None:
                q = q.where(events_t.c.at <= until)
            if actions is not None:
                q = q.where(events_t.c.action.in_(list(actions)))
            if submission_id is not None:
                q = q.where(events_t.c.submission_id == submission_id)
            return [event_of(r) for r in conn.execute(q)]

    def record(
        self,
        action: str,
        *,
        user: str | Actor,
        detail: dict[str, Any] | None = None,
        needed: Role = Role.ADMIN,
    ) -> Event:
        """Write a non-submission event (a setting change, a user added) to the audit log."""
        actor = self._acting(user, needed, "เปลี่ยนการตั้งค่า", "change settings")
        with self._write() as conn:
            seq = self._event(conn, actor, action, at=base.now(), detail=detail or {})
            return read_event(conn, seq)


def event_of(row: Any) -> Event:
    m = row._mapping
    return Event(
        seq=m["seq"],
        at=utc(m["at"]),
        user=m["actor"],
        role=m["role"],
        action=m["action"],
        submission_id=m["submission_id"],
        year=m["year"],
        division=m["division"],
        slot=m["slot"],
        detail=json.loads(m["detail"] or "{}"),
    )


def read_event(conn: Connection, seq: int) -> Event:
    return event_of(conn.execute(select(events_t).where(events_t.c.seq == seq)).one())


def utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
