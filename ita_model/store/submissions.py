"""Submissions and decisions: keep a file with its report and rows, accept it, roll back to an
earlier one, withdraw one; and what counts, now or at any time.

A **submission** is one file as it arrived: its bytes (kept verbatim, named by SHA-256, so the
same bytes are stored once), division, fiscal year, who, when, its validation report, its typed
rows and a state: ``pending`` (clean, waiting for someone to accept it), ``accepted`` (it counts),
``rejected`` (it had errors; what counts is unchanged) or ``superseded`` (a later one of its slot
replaced it, or it was withdrawn). For each fiscal year and **slot** one submission is current.
The submission, its rows and its event are written in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from ita_model.agency import DEFAULT_AGENCY
from ita_model.auth import Actor, Role
from ita_model.errors import InvalidDecision, UnknownSubmission
from ita_model.settings import Settings
from ita_model.store import base, figures
from ita_model.store.blobs import Blobs, stored_suffix
from ita_model.store.events import Events, utc
from ita_model.store.models import Event, State, Submission, replay_decision, slot_of
from ita_model.store.rows import validator_version, write_rows
from ita_model.store.schema import (
    DECISIONS,
    current_t,
    events_t,
    note_slot,
    slots_t,
    submissions_t,
)

if TYPE_CHECKING:
    from ita_model.validate import FileReport

LIST_COLUMNS = [c for c in submissions_t.c if c.name not in ("report", "validator")]
_THAI = timezone(timedelta(hours=7), "Asia/Bangkok")


class Submissions(Blobs, Events):
    def submit(
        self,
        data: bytes,
        filename: str,
        *,
        user: str | Actor,
        year: int,
        division: str | None,
        errors: int | None = None,
        warnings: int | None = None,
        report: FileReport | None = None,
        accept: bool = False,
        settings: Settings | None = None,
        at: datetime | None = None,
    ) -> tuple[Submission, bool]:
        """Keep the bytes and their report; returns the submission and whether it is new.

        The same bytes for the same year again: the earlier submission, ``False``. Without a
        ``report`` the file is checked here. ``accept=True`` (the command line, the inbox) makes
        a file without errors count at once; a file with errors is stored ``rejected`` and what
        counts is unchanged, unless someone accepts it later. ``at``: the moment it is dated
        (default: now) — the bundled sample describes an earlier day and is dated then.
        """
        actor = self._acting(user, Role.EDITOR, "ส่งไฟล์เข้าระบบ", "submit files")
        sha = hashlib.sha256(data).hexdigest()
        found = self._find(sha, year)
        if found is not None:
            return found, False
        if report is None:
            from ita_model.validate import validate_file

            report = validate_file(data, filename, year=year, division=division, settings=settings)
        from ita_model.multi_agency import KeptWhole, is_multi_agency

        if is_multi_agency(report):
            report = KeptWhole(report)  # many agencies' rows are never one submission's
        unreadable = bool(report.unreadable)
        errors = report.issues.errors + int(unreadable) if errors is None else errors
        warnings = report.issues.warnings if warnings is None else warnings
        division = division if division is not None else report.division
        kinds = sorted({s.kind for s in report.sheets if s.kind})
        packed = pack(report.to_json())
        suffix = stored_suffix(filename)
        if not self._ready:  # the database exists before any file: files alone mean it was lost
            with self._write():
                pass
        self._put_file(sha, suffix, data)

        now = at or base.now()
        with self._write() as conn:
            row = conn.execute(
                select(submissions_t).where(
                    submissions_t.c.agency == self.agency,
                    submissions_t.c.sha256 == sha,
                    submissions_t.c.year == year,
                )
            ).first()
            if row is not None:  # another process stored the same bytes meanwhile
                return submission_of(row), False
            sub_id = submission_id(now, sha, self.agency)
            slot = slot_of(division, kinds)
            state: State = "rejected" if errors else "pending"
            conn.execute(
                insert(submissions_t).values(
                    id=sub_id,
                    agency=self.agency,
                    sha256=sha,
                    filename=Path(filename).name,
                    suffix=suffix,
                    size=len(data),
                    division=division,
                    year=year,
                    slot=slot,
                    kinds=json.dumps(kinds),
                    submitted_by=actor.name,
                    submitted_at=now,
                    errors=errors,
                    warnings=warnings,
                    unreadable=unreadable,
                    state=state,
                    report=packed,
                    validator=validator_version(),
                )
            )
            self._put_blob(conn, sha, data)
            self._event(
                conn,
                actor,
                "submitted",
                at=now,
                submission_id=sub_id,
                year=year,
                division=division,
                slot=slot,
                detail={
                    "filename": Path(filename).name,
                    "sha256": sha,
                    "errors": errors,
                    "warnings": warnings,
                    "state": state,
                },
            )
            write_rows(conn, sub_id, report, agency=self.agency)
            if accept and not errors:
                self._make_current(conn, sub_id, actor, "accepted", {}, at=at)
            sub = self._get(conn, sub_id)
        if sub.state == "accepted":
            figures.after_decision(self, year, [self.agency])
        return sub, True

    def accept(self, submission_id: str, *, user: str | Actor) -> Submission:
        """Make a submission count; its slot's earlier one is superseded.

        Accepting a rejected submission takes its valid rows (rows with errors were dropped when
        it was checked); the event records how many errors it had.
        """
        actor = self._acting(user, Role.EDITOR, "รับไฟล์เข้าระบบ", "accept submissions")
        with self._write() as conn:
            sub = self._get(conn, submission_id)
            if sub.unreadable:
                raise InvalidDecision(
                    code="store_nothing_to_accept", filename=sub.filename, value=sub.id
                )
            if sub.state != "accepted":
                detail = {"with_errors": sub.errors} if sub.errors else {}
                self._make_current(conn, sub.id, actor, "accepted", detail)
                sub = self._get(conn, submission_id)
        figures.after_decision(self, sub.year, [self.agency])
        return sub

    def rollback(self, submission_id: str, *, user: str | Actor) -> Submission:
        """Make an earlier (superseded) submission of its slot current again; its own event."""
        actor = self._acting(user, Role.EDITOR, "ย้อนกลับข้อมูล", "roll back")
        with self._write() as conn:
            sub = self._get(conn, submission_id)
            if sub.state == "accepted":
                raise InvalidDecision(
                    code="store_already_current", filename=sub.filename, value=sub.id
                )
            if sub.state != "superseded":
                raise InvalidDecision(
                    code="store_never_accepted", filename=sub.filename, value=sub.id
                )
            self._make_current(conn, sub.id, actor, "rolled_back", {})
            sub = self._get(conn, submission_id)
        figures.after_decision(self, sub.year, [self.agency])
        return sub

    def withdraw(self, submission_id: str, *, user: str | Actor) -> Submission:
        """Stop the current submission of a slot counting, with none in its place (a file sent
        for the wrong division, say); a rollback makes it current again."""
        actor = self._acting(user, Role.EDITOR, "ถอนไฟล์ออก", "withdraw a submission")
        with self._write() as conn:
            sub = self._get(conn, submission_id)
            if sub.state != "accepted":
                raise InvalidDecision(code="store_not_current", filename=sub.filename, value=sub.id)
            self._submission_event(conn, actor, "withdrawn", sub, at=base.now(), detail={})
            conn.execute(
                update(submissions_t).where(submissions_t.c.id == sub.id).values(state="superseded")
            )
            conn.execute(delete(current_t).where(self._slot_key(sub)))
            sub = self._get(conn, submission_id)
        figures.after_decision(self, sub.year, [self.agency])
        return sub

    def _make_current(
        self,
        conn: Connection,
        sub_id: str,
        actor: Actor,
        action: str,
        detail: dict[str, Any],
        *,
        at: datetime | None = None,
    ) -> None:
        sub = self._get(conn, sub_id)
        key = self._slot_key(sub)
        before = conn.execute(select(current_t.c.submission_id).where(key)).scalar()
        if before == sub.id:
            return
        now = at or base.now()
        seq = self._submission_event(
            conn, actor, action, sub, at=now, detail={**detail, "replaces": before}
        )
        if before is not None:
            conn.execute(
                update(submissions_t).where(submissions_t.c.id == before).values(state="superseded")
            )
        conn.execute(
            update(submissions_t)
            .where(submissions_t.c.id == sub.id)
            .values(state="accepted", decided_by=actor.name, decided_at=now)
        )
        conn.execute(delete(current_t).where(key))
        note_slot(conn, self.agency, sub.year, sub.slot or "")
        conn.execute(
            insert(current_t).values(
                agency=self.agency,
                year=sub.year,
                slot=sub.slot,
                submission_id=sub.id,
                event_seq=seq,
            )
        )

    def _slot_key(self, sub: Submission) -> Any:
        """The ``current`` row of a submission's slot, in this agency."""
        return (
            (current_t.c.agency == self.agency)
            & (current_t.c.year == sub.year)
            & (current_t.c.slot == sub.slot)
        )

    def _mine(self) -> Any:
        """This agency's submissions (every query of this module says so)."""
        return submissions_t.c.agency == self.agency

    def _find(self, sha: str, year: int) -> Submission | None:
        with self._read() as conn:
            if conn is None:
                return None
            row = conn.execute(
                select(*LIST_COLUMNS).where(
                    self._mine(), submissions_t.c.sha256 == sha, submissions_t.c.year == year
                )
            ).first()
            return submission_of(row) if row is not None else None

    def _get(self, conn: Connection, submission_id: str) -> Submission:
        row = conn.execute(
            select(*LIST_COLUMNS).where(self._mine(), submissions_t.c.id == submission_id)
        ).first()
        if row is None:
            raise self._unknown(submission_id)
        return submission_of(row)

    def _unknown(self, submission_id: str) -> UnknownSubmission:
        return UnknownSubmission(
            code="store_unknown_submission", value=submission_id, where=self.describe()
        )

    def submissions(
        self, *, year: int | None = None, division: str | None = None
    ) -> list[Submission]:
        """Every submission, oldest first, with its current state."""
        with self._read() as conn:
            if conn is None:
                return []
            q = (
                select(*LIST_COLUMNS)
                .where(self._mine())
                .order_by(submissions_t.c.submitted_at, submissions_t.c.id)
            )
            if year is not None:
                q = q.where(submissions_t.c.year == year)
            if division is not None:
                q = q.where(submissions_t.c.division == division)
            return [submission_of(r) for r in conn.execute(q)]

    def get(self, submission_id: str) -> Submission:
        """One submission; ``UnknownSubmission`` (a ``KeyError``) when there is none."""
        with self._read() as conn:
            if conn is None:
                raise self._unknown(submission_id)
            return self._get(conn, submission_id)

    def accepted(self, year: int | None = None) -> list[tuple[Submission, Path]]:
        """The current submissions, in the order they became current (the later counts)."""
        with self._read() as conn:
            if conn is None:
                return []
            q = (
                select(*LIST_COLUMNS)
                .join(current_t, current_t.c.submission_id == submissions_t.c.id)
                .where(current_t.c.agency == self.agency)
                .order_by(current_t.c.event_seq)
            )
            if year is not None:
                q = q.where(current_t.c.year == year)
            subs = [submission_of(r) for r in conn.execute(q)]
        return [(s, self.path(s)) for s in subs]

    def current_at(self, when: datetime, year: int | None = None) -> list[tuple[Submission, Path]]:
        """What counted at ``when``: a replay of the decisions made up to then."""
        decided = [e for e in self.events(until=when, actions=DECISIONS) if e.submission_id]
        if year is not None:
            decided = [e for e in decided if e.year == year]
        slots: dict[tuple[int | None, str | None], Event] = {}
        for e in decided:
            replay_decision(slots, (e.year, e.slot), e, e)
        order = sorted(slots.values(), key=lambda e: e.seq)
        subs = {s.id: s for s in self.submissions(year=year)}
        out = []
        for e in order:
            sub = subs.get(e.submission_id or "")
            if sub is not None:
                out.append((sub, self.path(sub)))
        return out

    def current(self, year: int, *, as_of: datetime | None = None) -> list[Submission]:
        """The submissions that count for ``year``, in the order they became current (the later
        counts): now, or at ``as_of`` (inclusive; a naive time is Thai time).

        Now is the ``current`` table; "as of" is, per slot ever decided, the latest decision at
        or before that time found through an index: the cost does not grow with the history.
        """
        with self._read() as conn:
            if conn is None:
                return []
            if as_of is None:
                q = (
                    select(*LIST_COLUMNS)
                    .join(current_t, current_t.c.submission_id == submissions_t.c.id)
                    .where(current_t.c.agency == self.agency, current_t.c.year == year)
                    .order_by(current_t.c.event_seq)
                )
                return [submission_of(r) for r in conn.execute(q)]
            when = as_of if as_of.tzinfo else as_of.replace(tzinfo=_THAI)
            latest = (
                select(events_t.c.seq)
                .where(
                    events_t.c.agency == slots_t.c.agency,
                    events_t.c.year == slots_t.c.year,
                    events_t.c.slot == slots_t.c.slot,
                    events_t.c.at <= when.astimezone(UTC),
                    events_t.c.action.in_(DECISIONS),
                    events_t.c.submission_id.is_not(None),
                )
                .order_by(events_t.c.at.desc(), events_t.c.seq.desc())
                .limit(1)
                .correlate(slots_t)
                .scalar_subquery()
            )
            picks = (
                select(latest.label("seq"))
                .where(slots_t.c.agency == self.agency, slots_t.c.year == year)
                .subquery()
            )
            q = (
                select(*LIST_COLUMNS)
                .select_from(picks)
                .join(events_t, events_t.c.seq == picks.c.seq)
                .join(submissions_t, submissions_t.c.id == events_t.c.submission_id)
                .where(events_t.c.action != "withdrawn")
                .order_by(events_t.c.seq)
            )
            return [submission_of(r) for r in conn.execute(q)]


def submission_of(row: Any) -> Submission:
    m = row._mapping
    return Submission(
        id=m["id"],
        sha256=m["sha256"],
        filename=m["filename"],
        suffix=m["suffix"],
        division=m["division"],
        year=m["year"],
        user=m["submitted_by"],
        submitted_at=utc(m["submitted_at"]),
        errors=m["errors"],
        warnings=m["warnings"],
        state=m["state"],
        decided_by=m["decided_by"],
        decided_at=utc(m["decided_at"]),
        slot=m["slot"],
        unreadable=bool(m["unreadable"]),
        size=m["size"],
        kinds=json.loads(m["kinds"] or "[]"),
    )


def pack(report: dict[str, Any]) -> bytes:
    """The validation report as kept: zlib-compressed JSON."""
    return zlib.compress(json.dumps(report, ensure_ascii=False, default=str).encode("utf-8"), 6)


def submission_id(when: datetime, sha: str, agency: str) -> str:
    """Unique in the deployment: the moment, the bytes, and the agency (the embedded default
    agency's ids keep their old form), so two agencies sending the same file at once never clash."""
    base = f"{when:%Y%m%d%H%M%S%f}-{sha[:8]}"
    return base if agency == DEFAULT_AGENCY else f"{base}-{agency}"
