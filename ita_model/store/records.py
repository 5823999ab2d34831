"""The records API: what counts and its stored rows, read without touching a file again.

``Store.current(year, as_of=…)`` says which submissions count; ``Store.stored(subs)`` gives, in one
read, each one's ``StoredReport``: the rows of every kind exactly as ``FileReport.frame(kind)``
gave them when the file arrived, its problem report, and the validator version that produced
them. A submission stored before rows were kept gets them once, from its bytes, the first time
the store is opened by this code (one ``ingested`` audit event says how many).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update

from ita_model.auth import Actor
from ita_model.errors import Issue, Severity, StoreError
from ita_model.records import RECORD_MODELS
from ita_model.settings import get_settings, with_overrides
from ita_model.store import base, figures
from ita_model.store.events import SYSTEM, read_event
from ita_model.store.models import Event, Submission
from ita_model.store.rows import KINDS, decode_frame, empty_frame, validator_version, write_rows
from ita_model.store.schema import oit_rows_t, records_t, score_rows_t, submissions_t
from ita_model.store.settings import StoreSettings
from ita_model.store.submissions import LIST_COLUMNS, Submissions, pack, submission_of

if TYPE_CHECKING:
    import pandas as pd

    from ita_model.validate import FileReport


class StoredIssues(list[Issue]):
    """A stored report's problems: a list, counted as ``IssueList`` counts (``errors``,
    ``warnings``), each by the severity it was given when the file was checked."""

    def _of(self, severity: Severity) -> int:
        return sum(1 for i in self if i.severity == severity)

    @property
    def errors(self) -> int:
        return self._of(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self._of(Severity.WARNING)


@dataclass
class StoredReport:
    """A stored file's rows and problem report: usable wherever a ``FileReport`` gives data.

    ``path`` is the file name as it was sent (what ``FileReport.path`` held when it was checked).
    """

    submission: Submission
    validator: str | None
    report: dict[str, Any]  # FileReport.to_json() as kept when it arrived
    payloads: Mapping[str, bytes]  # kind -> the compressed frame
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def path(self) -> str:
        return self.submission.filename

    @property
    def division(self) -> str | None:
        return self.submission.division

    @property
    def year(self) -> int:
        return self.submission.year

    @property
    def unreadable(self) -> bool:
        return self.submission.unreadable

    @property
    def kinds_stored(self) -> list[str]:
        return [k for k in KINDS if k in self.payloads]

    @property
    def issues(self) -> StoredIssues:
        """The problems found when the file arrived, as the validation report listed them."""
        return StoredIssues(Issue.model_validate(i) for i in self.report.get("issues", []))

    def frame(self, kind: str) -> pd.DataFrame:
        """All valid rows of one kind, as ``FileReport.frame(kind)`` gave them."""
        if kind not in RECORD_MODELS:
            raise KeyError(kind)
        if kind not in self._frames:
            payload = self.payloads.get(kind)
            self._frames[kind] = empty_frame(kind) if payload is None else decode_frame(payload)
        return self._frames[kind]

    def records(self, kind: str) -> list[Any]:
        """The valid rows of one kind as pydantic records (as ``FileReport.records``)."""
        from ita_model.validate import FileReport

        return FileReport.records(self, kind)  # type: ignore[arg-type]  # it only calls frame()

    def to_json(self) -> dict[str, Any]:
        return self.report


class Records(Submissions, StoreSettings):
    def _after_open(self) -> None:
        self._backfill()

    def stored(self, subs: Sequence[Submission]) -> list[StoredReport]:
        """The stored rows and problem report of each submission, in one read, in that order."""
        ids = list(dict.fromkeys(s.id for s in subs))
        if not ids:
            return []
        with self._read() as conn:
            if conn is None:
                raise self._unknown(ids[0])
            heads = {
                r.id: r
                for r in conn.execute(
                    select(
                        submissions_t.c.id, submissions_t.c.report, submissions_t.c.validator
                    ).where(self._mine(), submissions_t.c.id.in_(ids))
                )
            }
            payloads: dict[str, dict[str, bytes]] = {i: {} for i in ids}
            for r in conn.execute(
                select(records_t.c.submission_id, records_t.c.kind, records_t.c.frame).where(
                    records_t.c.submission_id.in_(ids)
                )
            ):
                payloads[r.submission_id][r.kind] = bytes(r.frame)
        if any(h.validator is None for h in heads.values()) and not self._read_only_folder():
            self._backfill()  # sent meanwhile by a process running the code before rows were kept
            return self.stored(subs)
        out = []
        for sub in subs:
            head = heads.get(sub.id)
            if head is None:
                raise self._unknown(sub.id)
            report = json.loads(zlib.decompress(head.report)) if head.report else {}
            out.append(StoredReport(sub, head.validator, report, payloads[sub.id]))
        return out

    def _backfill(self) -> None:
        """Give the submissions stored before rows were kept their rows, once: computed from
        their bytes with the settings in force now, written with one audit event."""
        with self._read() as conn:
            if conn is None:
                return
            todo = [
                submission_of(r)
                for r in conn.execute(
                    select(*LIST_COLUMNS)
                    .where(self._mine(), submissions_t.c.validator.is_(None))
                    .order_by(submissions_t.c.submitted_at)
                )
            ]
        if not todo:
            return
        from ita_model.validate import validate_file

        settings = with_overrides(get_settings(), self.overrides())
        reports = {}
        missing = []
        for sub in todo:
            try:
                data = self.data(sub)
            except StoreError:
                missing.append(sub.id)  # verify() names it; it has no rows to give
                continue
            reports[sub.id] = validate_file(
                data, sub.filename, year=sub.year, division=sub.division, settings=settings
            )
        version = validator_version()
        with self._write() as conn:
            done = 0
            for sub in todo:
                still = select(submissions_t.c.id).where(
                    submissions_t.c.id == sub.id, submissions_t.c.validator.is_(None)
                )
                if conn.execute(still).first() is None:
                    continue  # another process ingested it meanwhile
                if sub.id in reports:
                    write_rows(conn, sub.id, reports[sub.id], agency=self.agency)
                    done += 1
                conn.execute(
                    update(submissions_t)
                    .where(submissions_t.c.id == sub.id)
                    .values(validator=version)
                )
            if done or missing:
                detail = {"count": done, "validator": version, "missing": missing}
                self._event(conn, SYSTEM, "ingested", at=base.now(), detail=detail)

    def rewrite_rows(
        self, sub: Submission, report: FileReport, *, actor: Actor, detail: dict[str, Any]
    ) -> Event:
        """Replace a file's rows and report by a new check of it (``recheck --apply``), with a
        ``rechecked`` audit event; its state, a decision, is left as it is."""
        unreadable = bool(report.unreadable)
        with self._write() as conn:
            conn.execute(delete(records_t).where(records_t.c.submission_id == sub.id))
            conn.execute(delete(oit_rows_t).where(oit_rows_t.c.submission_id == sub.id))
            conn.execute(delete(score_rows_t).where(score_rows_t.c.submission_id == sub.id))
            figures.forget(conn, self.agency, sub.year)  # its rows made them: made again
            write_rows(conn, sub.id, report, agency=self.agency)
            conn.execute(
                update(submissions_t)
                .where(submissions_t.c.id == sub.id)
                .values(
                    validator=validator_version(),
                    report=pack(report.to_json()),
                    errors=report.issues.errors + int(unreadable),
                    warnings=report.issues.warnings,
                    unreadable=unreadable,
                )
            )
            seq = self._submission_event(
                conn, actor, "rechecked", sub, at=base.now(), detail=detail
            )
            return read_event(conn, seq)
