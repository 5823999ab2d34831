"""The agency's set-up, kept in the store: one row per part, keyed by agency id.

Parts: ``agency``, ``divisions``, ``year``, ``framework:<year>`` (a framework imported or copied,
as its JSON; a shipped one is named, not copied), ``assignments:<year>``, ``calendar:<year>``,
``finished``. Nothing goes into the package's ``ita_model/frameworks/`` folder, and a second
agency is a second id: the id of the agency the store is bound to (``Store.agency``), so each
agency of a deployment has its own set-up. Every change is an audit event (``agency_changed``:
the part and what it was before), written in the same transaction, and only an administrator of
that agency may make one.

It uses the store's engine and transactions (``store.py`` is left as it is) with a table of its
own, created on the first set-up write: a store made before this module existed gains it then,
and one that cannot be written (a read-only folder) is still read as before — the table is not
in the store's own schema check, which would try to create it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    inspect,
    select,
)

from ita_model.agency import Agency, CalendarEntry, Setup
from ita_model.auth import Actor, Role, require
from ita_model.framework import Framework
from ita_model.organisation import Division
from ita_model.store import Store, figures

agency_metadata = MetaData()
agency_parts_t = Table(
    "agency_parts",
    agency_metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("part", String(64), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", Text, nullable=False),
)

_DIVISIONS = TypeAdapter(list[Division])
_CALENDAR = TypeAdapter(list[CalendarEntry])


class AgencyStore:
    """One agency's set-up in a store."""

    def __init__(self, store: Store, agency_id: str | None = None) -> None:
        self.store = store
        self.agency_id = agency_id or store.agency  # the agency the store is bound to

    # ---- reading

    def parts(self) -> dict[str, Any]:
        """Every saved part, decoded from JSON: {} for a store with no set-up."""
        with self.store._read() as conn:
            if conn is None or not inspect(conn).has_table(agency_parts_t.name):
                return {}
            rows = conn.execute(
                select(agency_parts_t.c.part, agency_parts_t.c.value).where(
                    agency_parts_t.c.agency_id == self.agency_id
                )
            )
            return {r.part: json.loads(r.value) for r in rows}

    def setup(self) -> Setup:
        """What the set-up has saved so far."""
        parts = self.parts()
        year = parts.get("year")
        return Setup(
            agency=Agency.model_validate(parts["agency"]) if "agency" in parts else None,
            divisions=_DIVISIONS.validate_python(parts.get("divisions", [])),
            year=year,
            framework_how=(parts.get(f"framework:{year}") or {}).get("how") if year else None,
            assignments={
                int(k.split(":")[1]): v for k, v in parts.items() if k.startswith("assignments:")
            },
            calendar={
                int(k.split(":")[1]): _CALENDAR.validate_python(v)
                for k, v in parts.items()
                if k.startswith("calendar:")
            },
            finished=bool(parts.get("finished")),
        )

    def frameworks(self) -> dict[int, Framework]:
        """The frameworks this agency imported or copied, by year (shipped ones are not here)."""
        out: dict[int, Framework] = {}
        for part, value in self.parts().items():
            if part.startswith("framework:") and value.get("framework"):
                fw = Framework.model_validate(value["framework"])
                out[fw.year] = fw
        return out

    # ---- writing

    def _put(self, part: str, value: Any, *, user: str | Actor, summary: Any = None) -> None:
        actor = self.store._actor(user)
        require(actor, Role.ADMIN, "ตั้งค่าหน่วยงาน", "set up the agency", agency=self.agency_id)
        text = json.dumps(value, ensure_ascii=False, default=str)
        now = datetime.now(UTC)
        with self.store._write() as conn:
            agency_parts_t.create(conn, checkfirst=True)
            key = (agency_parts_t.c.agency_id == self.agency_id) & (agency_parts_t.c.part == part)
            before = conn.execute(select(agency_parts_t.c.value).where(key)).scalar()
            if before == text:
                return
            conn.execute(delete(agency_parts_t).where(key))
            figures.forget(conn, self.agency_id)  # its roll-up figures follow the new set-up
            conn.execute(
                insert(agency_parts_t).values(
                    agency_id=self.agency_id,
                    part=part,
                    value=text,
                    changed_at=now,
                    changed_by=actor.name,
                )
            )
            detail = {
                "agency": self.agency_id,
                "part": part,
                "before": _summary(part, before),
                "after": summary if summary is not None else _summary(part, text),
            }
            year = int(part.split(":")[1]) if ":" in part else None
            self.store._event(
                conn,
                actor,
                "agency_changed",
                at=now,
                detail=detail,
                year=year,
                agency=self.agency_id,
            )

    def save_agency(self, agency: Agency, *, user: str | Actor) -> None:
        self._put("agency", agency.model_dump(), user=user)

    def save_divisions(self, divisions: list[Division], *, user: str | Actor) -> None:
        # validated as an organisation would be (ids unique, names not shared) before saving
        probe = Setup(
            agency=Agency(name_th="-", short_th="-", agency_type="local_government"),
            divisions=divisions,
        )
        probe.organisation()
        self._put("divisions", [d.model_dump() for d in divisions], user=user)

    def save_year(self, year: int, *, user: str | Actor) -> None:
        self._put("year", int(year), user=user)

    def save_framework(
        self, year: int, how: str, framework: Framework | None, *, user: str | Actor
    ) -> None:
        """The year's framework: ``shipped`` (named by year: the package's file), ``imported``
        or ``copied`` (kept whole, as JSON)."""
        value = {
            "how": how,
            "framework": None if framework is None else framework.model_dump(mode="json"),
        }
        items = None if framework is None else len(framework.items())
        self._put(f"framework:{year}", value, user=user, summary={"how": how, "items": items})

    def save_assignments(
        self, year: int, table: dict[str, list[str]], *, user: str | Actor
    ) -> None:
        clean = {code: sorted(set(owners)) for code, owners in sorted(table.items()) if owners}
        self._put(f"assignments:{year}", clean, user=user)

    def save_calendar(self, year: int, entries: list[CalendarEntry], *, user: str | Actor) -> None:
        self._put(f"calendar:{year}", [e.model_dump(mode="json") for e in entries], user=user)

    def finish(self, *, user: str | Actor) -> None:
        self._put("finished", True, user=user)


def _summary(part: str, text: str | None) -> Any:
    """What an audit line keeps of a part: small parts whole, big ones counted."""
    if text is None:
        return None
    value = json.loads(text)
    if part.startswith("framework:"):
        fw = value.get("framework") or {}
        items = sum(
            len(g["items"])
            for ind in fw.get("indicators", [])
            for s in ind.get("subindicators", [])
            for g in s["groups"]
        )
        return {"how": value.get("how"), "items": items or None}
    if part == "divisions":
        return [d["name_th"] for d in value]
    if part.startswith(("assignments:", "calendar:")):
        return {"count": len(value)}
    return value
