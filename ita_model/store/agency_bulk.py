"""One multi-agency file, kept as one submission per agency, in one transaction.

``multi_agency.split`` gives each agency's part of a checked file; ``submit_agencies`` writes
them as if each agency's bound store (``for_agency``) had received a file holding only its own
rows, accepted as ``submit --accept`` does: its own submission row (the same bytes, kept once
under their SHA-256), its ``submitted`` and ``accepted`` audit events, its rows, its current
submission. For 8,300 agencies that is one fsynced file and one transaction of bulk writes, not
8,300 of each: every question about all the agencies is one statement, and the rows go to the
driver as plain tuples or COPY text (``bulk_sql.py``). The work that does not need the
database — each agency's payload and report — is done in a second thread while the file and
the rows are written (zlib and the database's own work leave the other core to it), and the
report of an agency whose rows had no problem is packed once for all such agencies of a size.
An agency that already has these bytes for the year is left as it is (the same file again
changes nothing). Who may: a system administrator, or an editor of every agency the file names
(``multi_agency.require_submit``), checked here from the store's own rows.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from ita_model.auth import Actor
from ita_model.errors import CodedError
from ita_model.store import base, figures
from ita_model.store.blobs import stored_suffix
from ita_model.store.bulk_sql import among, converter, copy_columns, insert_rows
from ita_model.store.models import Submission, slot_of
from ita_model.store.rows import validator_version
from ita_model.store.schema import (
    agencies_t,
    current_t,
    events_t,
    oit_rows_t,
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
    from ita_model.multi_agency import AgencyPart, Split

# the columns of oit_rows in the order written: the submission, then multi_agency.oit_rows()
_OIT_COLUMNS = ("submission_id", "agency", "n", "row", "division", "item", "status", "url")
_OIT_COLUMNS += ("urls", "updated", "owner", "note")
_SUBMISSION_COLUMNS = ("id", "agency", "sha256", "filename", "suffix", "size", "division")
_SUBMISSION_COLUMNS += ("year", "slot", "kinds", "submitted_by", "submitted_at", "errors")
_SUBMISSION_COLUMNS += ("warnings", "unreadable", "state", "decided_by", "decided_at", "report")
_SUBMISSION_COLUMNS += ("validator",)
_EVENT_COLUMNS = ("agency", "at", "actor", "role", "action", "submission_id", "year")
_EVENT_COLUMNS += ("division", "slot", "detail")


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
        sha = hashlib.sha256(data).hexdigest()
        if not self._ready:  # the database exists before any file (the lost-database guard)
            with self._write():
                pass
        with self._read() as conn:
            assert conn is not None  # made just above
            self._known_agencies(conn, codes)
            if len(self._having(conn, sha, year, codes)) == len(codes):  # the same file again
                return [(c, s, False) for c, s in self._kept(conn, sha, year, codes)]
        columns = split.oit_columns()  # converted once, before the thread below reads them
        now = at or base.now()
        with ThreadPoolExecutor(1, thread_name_prefix="ita-agency-payloads") as pool:
            # each agency's payload and report, made while the file and the rows are written
            prepared = pool.submit(_prepared, split)
            suffix = stored_suffix(filename)
            self._put_file(sha, suffix, data)
            with self._write() as conn:
                had = self._having(conn, sha, year, codes)
                parts = [p for p in split.parts if p.agency not in had]
                ids = {p.agency: submission_id(now, sha, p.agency) for p in parts}
                if parts:
                    self._put_blob(conn, sha, data)
                    self._oit_rows(conn, columns, split, parts, ids)
                    payloads, reports = prepared.result()
                    file = _File(sha, Path(filename).name, suffix, len(data), year, now)
                    self._keep(conn, actor, file, parts, ids, payloads, reports)
                    self._accept_all(conn, actor, ids, year, file.slot, file.name, now)
                kept = [(c, s, c in ids) for c, s in self._kept(conn, sha, year, codes)]
        figures.after_decision(self, year, list(ids))
        return kept

    def _keep(
        self,
        conn: Connection,
        actor: Actor,
        file: _File,
        parts: list[AgencyPart],
        ids: dict[str, str],
        payloads: dict[str, bytes],
        reports: dict[str, bytes],
    ) -> None:
        """Each part's submission (accepted), its ``submitted`` event and its stored payload."""
        when = converter(conn, submissions_t.c.submitted_at)(file.now)
        no = converter(conn, submissions_t.c.unreadable)(False)
        kinds, version, who = json.dumps(["oit"]), validator_version(), actor.name
        head = (file.sha, file.name, file.suffix, file.size, None, file.year, file.slot, kinds)
        warnings = {p.agency: p.warnings for p in parts}
        subs = [  # bytes (report, payload) as they are: a BLOB, a bytea
            (
                *(ids[p.agency], p.agency, *head, who, when, 0, warnings[p.agency], no),
                *("accepted", who, when, reports[p.agency], version),
            )
            for p in parts
        ]
        insert_rows(conn, submissions_t, _SUBMISSION_COLUMNS, subs)
        details = _Details(file.name, file.sha)
        events = [
            self._event_row(
                actor,
                "submitted",
                when,
                (p.agency, ids[p.agency], file.year),
                details.submitted(warnings[p.agency]),
            )
            for p in parts
        ]
        insert_rows(conn, events_t, _EVENT_COLUMNS, events)
        records = [(ids[p.agency], "oit", p.rows, payloads[p.agency]) for p in parts]
        insert_rows(conn, records_t, ("submission_id", "kind", "rows", "frame"), records)

    def _oit_rows(
        self,
        conn: Connection,
        columns: list[list[Any]],
        split: Split,
        parts: list[AgencyPart],
        ids: dict[str, str],
    ) -> None:
        """The typed rows of ``parts`` (``columns``: ``split.oit_columns()``), straight to the
        driver: COPY text built column by column on PostgreSQL, ``executemany`` of plain
        tuples on SQLite."""
        if sum(p.rows for p in parts) < len(columns[0]):  # some had these bytes already
            columns = [[v for p in parts for v in c[p.start : p.stop]] for c in columns]
        subs = [s for p in parts for s in [ids[p.agency]] * p.rows]
        if not subs:
            return
        updated = _OIT_COLUMNS.index("updated") - 1
        if self.dialect == "postgresql":
            copy_columns(conn, oit_rows_t, _OIT_COLUMNS, [subs, *columns])
            return
        day = converter(conn, oit_rows_t.c.updated)  # SQLite keeps a date as its ISO text
        days = {d: day(d) for d in set(columns[updated]) - {None}}
        days[None] = None
        columns[updated] = list(map(days.__getitem__, columns[updated]))
        insert_rows(conn, oit_rows_t, _OIT_COLUMNS, zip(subs, *columns, strict=True))

    # ---- the parts

    def _event_row(
        self, actor: Actor, action: str, at: Any, about: tuple[str, str, int], detail: str
    ) -> tuple[Any, ...]:
        """An event's columns (``_EVENT_COLUMNS``): ``about`` is its agency, submission and
        year; ``at`` as the driver takes it."""
        agency, sub_id, year = about
        role, slot = actor.role.value, slot_of(None, ["oit"])
        return (agency, at, actor.name, role, action, sub_id, year, None, slot, detail)

    def _known_agencies(self, conn: Connection, codes: list[str]) -> None:
        """``agency_unknown`` for a code the registry does not hold (removed since the file was
        checked)."""
        if not codes:
            return
        q = select(agencies_t.c.code).where(among(conn, agencies_t.c.code, codes))
        registered = set(conn.execute(q).scalars())
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
            if conn is None:
                return None
            kept = self._kept(conn, sha, year, codes)
            return kept if len(kept) == len(codes) else None

    def _having(self, conn: Connection, sha: str, year: int, codes: list[str]) -> dict[str, str]:
        """Agency -> its submission of these bytes for the year, for the agencies that have one."""
        if not codes:
            return {}
        q = select(submissions_t.c.agency, submissions_t.c.id).where(
            submissions_t.c.sha256 == sha,
            submissions_t.c.year == year,
            among(conn, submissions_t.c.agency, codes),
        )
        return {r.agency: r.id for r in conn.execute(q)}

    def _kept(
        self, conn: Connection, sha: str, year: int, codes: list[str]
    ) -> list[tuple[str, Submission]]:
        """(code, its submission of these bytes for the year), in ``codes`` order, for the
        agencies that have one."""
        if not codes:
            return []
        q = select(*LIST_COLUMNS).where(
            submissions_t.c.sha256 == sha,
            submissions_t.c.year == year,
            among(conn, submissions_t.c.agency, codes),
        )
        found = {r.agency: submission_of(r) for r in conn.execute(q)}
        return [(c, found[c]) for c in codes if c in found]

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
        """Make each new submission its agency's current one, as ``_make_current`` does (the
        submissions are written accepted already)."""
        codes = list(ids)
        q = select(current_t.c.agency, current_t.c.submission_id).where(
            current_t.c.year == year,
            current_t.c.slot == slot,
            among(conn, current_t.c.agency, codes),
        )
        before = {r.agency: r.submission_id for r in conn.execute(q)}
        when = converter(conn, events_t.c.at)(now)
        details = _Details(filename, "")
        insert_rows(
            conn,
            events_t,
            _EVENT_COLUMNS,
            [
                self._event_row(
                    actor, "accepted", when, (a, ids[a], year), details.accepted(before.get(a))
                )
                for a in codes
            ],
        )
        q = select(events_t.c.submission_id, events_t.c.seq).where(
            events_t.c.year == year,
            events_t.c.slot == slot,
            events_t.c.at == now,
            events_t.c.action == "accepted",
            among(conn, events_t.c.agency, codes),
        )
        seqs = {r.submission_id: r.seq for r in conn.execute(q)}
        if before:
            old = list(before.values())
            conn.execute(
                update(submissions_t)
                .where(among(conn, submissions_t.c.id, old))
                .values(state="superseded")
            )
            conn.execute(
                delete(current_t).where(
                    current_t.c.year == year,
                    current_t.c.slot == slot,
                    among(conn, current_t.c.agency, list(before)),
                )
            )
        insert_rows(
            conn,
            current_t,
            ("agency", "year", "slot", "submission_id", "event_seq"),
            [(a, year, slot, ids[a], seqs[ids[a]]) for a in codes],
        )
        q = select(slots_t.c.agency).where(
            slots_t.c.year == year, slots_t.c.slot == slot, among(conn, slots_t.c.agency, codes)
        )
        known = set(conn.execute(q).scalars())
        fresh = [(a, year, slot) for a in codes if a not in known]
        insert_rows(conn, slots_t, ("agency", "year", "slot"), fresh)


@dataclass
class _File:
    """The file every new submission of a multi-agency file shares."""

    sha: str
    name: str
    suffix: str
    size: int
    year: int
    now: datetime
    slot: str = slot_of(None, ["oit"])


def _prepared(split: Split) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Each agency's stored payload and packed report (no database needed)."""
    return dict(zip(split.agencies, split.payloads(), strict=True)), _reports(split)


def _reports(split: Split) -> dict[str, bytes]:
    """Each part's packed report: one for all the parts of a size whose rows had no problem
    (they differ only in their counts)."""
    same: dict[int, bytes] = {}
    out = {}
    for p in split.parts:
        if p.issues:
            out[p.agency] = pack(split.report_json(p))
            continue
        packed = same.get(p.rows)
        if packed is None:
            packed = same[p.rows] = pack(split.report_json(p))
        out[p.agency] = packed
    return out


class _Details:
    """The detail of the ``submitted`` and ``accepted`` events, written once per distinct one."""

    def __init__(self, filename: str, sha: str) -> None:
        self.filename, self.sha = filename, sha
        self._memo: dict[tuple[str, Any], str] = {}

    def submitted(self, warnings: int) -> str:
        return self._once(
            ("submitted", warnings),
            {"filename": self.filename, "sha256": self.sha, "errors": 0, "state": "pending"}
            | {"warnings": warnings},
        )

    def accepted(self, replaces: str | None) -> str:
        if replaces is not None:
            return json.dumps({"filename": self.filename, "replaces": replaces})
        return self._once(("accepted", None), {"filename": self.filename, "replaces": None})

    def _once(self, key: tuple[str, Any], detail: dict[str, Any]) -> str:
        text = self._memo.get(key)
        if text is None:
            text = self._memo[key] = json.dumps(detail)
        return text
