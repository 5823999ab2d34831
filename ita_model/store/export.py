"""What leaves the store as files: the audit log as CSV, and a submission's stored problem
report (with its bytes, what ``annotate`` writes the problems back into)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from ita_model.cells import csv_bytes
from ita_model.settings import Settings
from ita_model.store.events import Events
from ita_model.store.models import Event, Submission
from ita_model.store.schema import submissions_t

AUDIT_COLUMNS = ["seq", "at", "user", "role", "action", "submission_id", "year", "division"]


class Export(Events):
    def audit_csv(self, events: Sequence[Event] | None = None) -> bytes:
        """The audit log as CSV (UTF-8 with BOM, so Excel shows the Thai); names and file names
        that look like formulas are written as text (``ita_model.cells``)."""
        rows = (
            [
                e.seq,
                e.at.isoformat(),
                e.user,
                e.role,
                e.action,
                e.submission_id or "",
                e.year or "",
                e.division or "",
                json.dumps(e.detail, ensure_ascii=False),
            ]
            for e in (self.events() if events is None else events)
        )
        return csv_bytes([*AUDIT_COLUMNS, "detail"], rows)

    def report(self, sub: Submission, *, settings: Settings | None = None) -> dict[str, Any]:
        """The validation report kept with the submission (``FileReport.to_json()``), as it was
        when the file arrived: ``settings`` changes nothing here (callers still pass it)."""
        del settings
        packed = self._scalar(
            select(submissions_t.c.report).where(
                submissions_t.c.agency == self.agency, submissions_t.c.id == sub.id
            )
        )
        return {} if packed is None else json.loads(zlib.decompress(packed))
