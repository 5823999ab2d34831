"""One multi-agency file, kept as one submission per agency, in one transaction.

``multi_agency.split`` gives each agency's part of a checked file; ``submit_agencies`` writes
them as if each agency's bound store (``for_agency``) had received a file holding only its own
rows, accepted as ``submit --accept`` does: its own submission row (the same bytes, kept once
under their SHA-256), its ``submitted`` and ``accepted`` audit events, its rows, its current
submission. For 8,300 agencies that is one fsynced file and one transaction of bulk inserts,
not 8,300 of each. An agency that already has these bytes for the year is left as it is (the
same file again changes nothing). Who may: a system administrator, or an editor of every agency
the file names (``multi_agency.require_submit``), checked here from the store's own rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.engine import Connection

from ita_model.auth import Actor
from ita_model.errors import CodedError
from ita_model.store import base, figures
from ita_model.store.blobs import stored_suffix
from ita_model.store.models import Submission, slot_of
from ita_model.store.rows import validator_version
from ita_model.store.schema import (
    agencies_t,
    current_t,
    events_t,
    records_t,
    slots_t,
    submissions_t,
)
from ita_model.store.submissions import (
    LIST_COLUMNS,
    Submissions,
    pack,
    submission_id,
    submission_of,
)

if TYPE_CHECKING:
    from ita_model.multi_agency import Split

CHUNK = 500  # keys per IN (...) list: well inside SQLite's and PostgreSQL's parameter limits
# the columns of oit_rows in the order written: the submission, then multi_agency.oit_rows()
_OIT_COLUMNS = ("submission_id", "agency", "n", "row", "division", "item", "status", "url")
_OIT_COLUMNS += ("urls", "updated", "owner", "note")


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


class AgencySubmissions(Submissions):
    def submit_agencies(
        self,
        data: bytes,
        filename: str,
        split: Split,
        *,
        user: str | Actor,
        year: int,
        at: datetime | None = None,
    ) -> list[tuple[str, Submission, bool]]:
        """Keep a checked multi-agency file: per agency (code, submission, whether new)."""
        from ita_model.multi_agency import require_submit

        actor = self._actor(user)
        codes = split.agencies
        require_submit(actor, codes)
        self._known_agencies(codes)
        sha = hashlib.sha256(data).hexdigest()
        if not self._ready:  # the database exists before any file (the lost-database guard)
            with self._write():
                pass
        with self._read() as conn:
            assert conn is not None  # made just above
            if len(self._having(conn, sha, year, codes)) == len(codes):  # the same file again
                return [(c, s, False) for c, s in self._kept(conn, sha, year, codes)]
        suffix = stored_suffix(filename)
        self._put_file(sha, suffix, data)
        payloads = dict(zip(codes, split.payloads(), strict=True))
        now = at or base.now()
        slot = slot_of(None, ["oit"])
        name = Path(filename).name
        with self._write() as conn:
            had = self._having(conn, sha, year, codes)
            parts = [p for p in split.parts if p.agency not in had]
            ids = {p.agency: submission_id(now, sha, p.agency) for p in parts}
            if parts:
                self._put_blob(conn, sha, data)
                subs = []
                for p in parts:
                    report = pack(split.report_json(p))
                    subs.append(
                        {
                            "id": ids[p.agency],
                            "agency": p.agency,
                            "sha256": sha,
                            "filename": name,
                            "suffix": suffix,
                            "size": len(data),
                            "division": None,
                            "year": year,
                            "slot": slot,
                            "kinds": json.dumps(["oit"]),
                            "submitted_by": actor.name,
                            "submitted_at": now,
                            "errors": 0,
                            "warnings": p.warnings,
                            "unreadable": False,
                            "state": "pending",
                            "report": report,
                            "validator": validator_version(),
                        }
                    )
                conn.execute(insert(submissions_t), subs)
                detail = {"filename": name, "sha256": sha, "errors": 0, "state": "pending"}
                conn.execute(
                    insert(events_t),
                    [
                        self._event_row(actor, "submitted", now, p.agency, ids[p.agency], year)
                        | {"detail": json.dumps(detail | {"warnings": p.warnings})}
                        for p in parts
                    ],
                )
                conn.execute(
                    insert(records_t),
                    [
                        {
                            "submission_id": ids[p.agency],
                            "kind": "oit",
                            "rows": p.rows,
                            "frame": payloads[p.agency],
                        }
                        for p in parts
                    ],
                )
                self._oit_rows(conn, [(ids[r[0]], *r) for r in split.oit_rows() if r[0] in ids])
                self._accept_all(conn, actor, ids, year, slot, name, now)
            out = [(c, s, c in ids) for c, s in self._kept(conn, sha, year, codes)]
        figures.after_decision(self, year, list(ids))
        return out

    def _kept(
        self, conn: Connection, sha: str, year: int, codes: list[str]
    ) -> list[tuple[str, Submission]]:
        found = self._having(conn, sha, year, codes)
        by_id = self._subs(conn, list(found.values()))
        return [(c, by_id[found[c]]) for c in codes]

    def _oit_rows(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        """356,900 typed rows straight to the driver: one SQLAlchemy parameter set per row
        costs more than the database's own work (COPY on PostgreSQL, executemany on SQLite)."""
        if not rows:
            return
        names = ", ".join(_OIT_COLUMNS)
        if self.dialect == "postgresql":
            raw = conn.connection.dbapi_connection
            assert raw is not None
            with raw.cursor() as cur, cur.copy(f"COPY oit_rows ({names}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            return
        updated = _OIT_COLUMNS.index("updated")
        days = {d: f"{d:%Y-%m-%d}" for d in {r[updated] for r in rows} if d is not None}
        days[None] = None  # SQLite keeps a date as its ISO text (what SQLAlchemy's Date reads)
        marks = ", ".join("?" for _ in _OIT_COLUMNS)
        conn.exec_driver_sql(
            f"INSERT INTO oit_rows ({names}) VALUES ({marks})",
            [(*r[:updated], days[r[updated]], *r[updated + 1 :]) for r in rows],
        )

    # ---- the parts

    def _event_row(
        self, actor: Actor, action: str, at: datetime, agency: str, sub_id: str, year: int
    ) -> dict[str, Any]:
        return {
            "at": at,
            "actor": actor.name,
            "role": actor.role.value,
            "action": action,
            "agency": agency,
            "submission_id": sub_id,
            "year": year,
            "division": None,
            "slot": slot_of(None, ["oit"]),
        }

    def _known_agencies(self, codes: list[str]) -> None:
        """``agency_unknown`` for a code the registry does not hold (removed since the file was
        checked)."""
        registered: set[str] = set()
        with self._read() as conn:
            for chunk in _chunks(codes) if conn is not None else ():
                q = select(agencies_t.c.code).where(agencies_t.c.code.in_(chunk))
                registered.update(r.code for r in conn.execute(q))
        for code in codes:
            if code not in registered:
                raise CodedError("agency_unknown", value=code)

    def kept_already(
        self, data: bytes, year: int, codes: list[str]
    ) -> list[tuple[str, Submission]] | None:
        """Each agency's submission of these very bytes for the year, when every one of
        ``codes`` has one (the same file sent again: nothing to split or write), else None."""
        sha = hashlib.sha256(data).hexdigest()
        with self._read() as conn:
            if conn is None or len(self._having(conn, sha, year, codes)) < len(codes):
                return None
            return self._kept(conn, sha, year, codes)

    def _having(self, conn: Connection, sha: str, year: int, codes: list[str]) -> dict[str, str]:
        """Agency -> its submission of these bytes for the year, for the agencies that have one."""
        out: dict[str, str] = {}
        for chunk in _chunks(codes):
            q = select(submissions_t.c.agency, submissions_t.c.id).where(
                submissions_t.c.sha256 == sha,
                submissions_t.c.year == year,
                submissions_t.c.agency.in_(chunk),
            )
            out.update({r.agency: r.id for r in conn.execute(q)})
        return out

    def _subs(self, conn: Connection, ids: list[str]) -> dict[str, Submission]:
        out: dict[str, Submission] = {}
        for chunk in _chunks(ids):
            q = select(*LIST_COLUMNS).where(submissions_t.c.id.in_(chunk))
            out.update({r.id: submission_of(r) for r in conn.execute(q)})
        return out

    def _accept_all(
        self,
        conn: Connection,
        actor: Actor,
        ids: dict[str, str],
        year: int,
        slot: str,
        filename: str,
        now: datetime,
    ) -> None:
        """Make each new submission its agency's current one, as ``_make_current`` does."""
        codes = list(ids)
        before: dict[str, str] = {}
        for chunk in _chunks(codes):
            q = select(current_t.c.agency, current_t.c.submission_id).where(
                current_t.c.year == year, current_t.c.slot == slot, current_t.c.agency.in_(chunk)
            )
            before.update({r.agency: r.submission_id for r in conn.execute(q)})
        events = [
            self._event_row(actor, "accepted", now, a, ids[a], year)
            | {"detail": json.dumps({"filename": filename, "replaces": before.get(a)})}
            for a in codes
        ]
        result = conn.execute(
            insert(events_t).returning(events_t.c.seq, sort_by_parameter_order=True), events
        )
        seqs = [r.seq for r in result]
        old = list(before.values())
        for chunk in _chunks(old):
            conn.execute(
                update(submissions_t)
                .where(submissions_t.c.id.in_(chunk))
                .values(state="superseded")
            )
        for chunk in _chunks(list(ids.values())):
            conn.execute(
                update(submissions_t)
                .where(submissions_t.c.id.in_(chunk))
                .values(state="accepted", decided_by=actor.name, decided_at=now)
            )
        for chunk in _chunks(codes):
            conn.execute(
                delete(current_t).where(
                    current_t.c.year == year,
                    current_t.c.slot == slot,
                    current_t.c.agency.in_(chunk),
                )
            )
        conn.execute(
            insert(current_t),
            [
                {"agency": a, "year": year, "slot": slot, "submission_id": ids[a], "event_seq": s}
                for a, s in zip(codes, seqs, strict=True)
            ],
        )
        known: set[str] = set()
        for chunk in _chunks(codes):
            key = tuple_(slots_t.c.agency, slots_t.c.year, slots_t.c.slot)
            q = select(slots_t.c.agency).where(key.in_([(a, year, slot) for a in chunk]))
            known.update(r.agency for r in conn.execute(q))
        fresh = [{"agency": a, "year": year, "slot": slot} for a in codes if a not in known]
        if fresh:
            conn.execute(insert(slots_t), fresh)
