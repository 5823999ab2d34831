"""Keep every file that comes in, good or bad, and what was decided about it.

Files are kept verbatim, named by their SHA-256, so the same bytes are stored once and nothing
is overwritten. Decisions are appended to ``events.jsonl`` (never rewritten); the state of each
submission is the replay of its events.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from ita_model.errors import ItaError

State = Literal["pending", "accepted", "rejected", "superseded"]


class StoreError(ItaError):
    """The store cannot be written (a read-only folder, a full disk)."""


class Submission(BaseModel):
    id: str
    sha256: str
    filename: str
    suffix: str
    division: str | None
    year: int
    user: str
    submitted_at: datetime
    errors: int
    warnings: int
    state: State = "pending"
    decided_by: str | None = None
    decided_at: datetime | None = None


class FileStore:
    """An append-only store of uploads under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = root / "files"
        self.log = root / "events.jsonl"

    # ---- writing

    def submit(
        self,
        data: bytes,
        filename: str,
        *,
        user: str,
        year: int,
        division: str | None,
        errors: int,
        warnings: int,
    ) -> tuple[Submission, bool]:
        """Keep the bytes; returns the submission and whether it is new (same bytes: not new)."""
        sha = hashlib.sha256(data).hexdigest()
        for sub in self.submissions():
            if sub.sha256 == sha and sub.year == year:
                return sub, False
        suffix = Path(filename).suffix.lower() or ".bin"
        now = datetime.now(UTC)
        sub = Submission(
            id=f"{now:%Y%m%d%H%M%S%f}-{sha[:8]}",
            sha256=sha,
            filename=Path(filename).name,
            suffix=suffix,
            division=division,
            year=year,
            user=user,
            submitted_at=now,
            errors=errors,
            warnings=warnings,
            state="rejected" if errors else "pending",
        )
        self._write_file(sha, suffix, data)
        self._append({"event": "submitted", **sub.model_dump(mode="json")})
        return sub, True

    def accept(self, submission_id: str, *, user: str) -> Submission:
        """Make a submission count: the division's earlier accepted one is superseded."""
        sub = self.get(submission_id)
        self._append(
            {
                "event": "accepted",
                "id": sub.id,
                "user": user,
                "at": datetime.now(UTC).isoformat(),
            }
        )
        return self.get(submission_id)

    def _write_file(self, sha: str, suffix: str, data: bytes) -> None:
        target = self.files / f"{sha}{suffix}"
        if target.exists():
            return
        try:
            self.files.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.files, prefix=".incoming-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            raise StoreError(
                f"บันทึกไฟล์ไม่ได้ ({exc.strerror}) ข้อมูลเดิมไม่เปลี่ยนแปลง — "
                f"cannot store the file ({exc.strerror}); nothing already stored was changed"
            ) from exc

    def _append(self, event: dict) -> None:
        line = json.dumps(event, ensure_ascii=False) + "\n"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with self.log.open("a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise StoreError(
                f"บันทึกประวัติไม่ได้ ({exc.strerror}) — cannot write the store's log ({exc.strerror})"
            ) from exc

    # ---- reading

    def submissions(self) -> list[Submission]:
        """Every submission, oldest first, with its current state."""
        if not self.log.exists():
            return []
        subs: dict[str, Submission] = {}
        current: dict[tuple[str | None, int], str] = {}
        for line in self.log.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash: the event never happened
            kind = event.pop("event", None)
            if kind == "submitted":
                sub = Submission.model_validate(event)
                subs[sub.id] = sub
            elif kind == "accepted" and event.get("id") in subs:
                sub = subs[event["id"]]
                key = (sub.division, sub.year)
                before = current.get(key)
                if before and before != sub.id:
                    subs[before] = subs[before].model_copy(update={"state": "superseded"})
                current[key] = sub.id
                subs[sub.id] = sub.model_copy(
                    update={
                        "state": "accepted",
                        "decided_by": event.get("user"),
                        "decided_at": event.get("at"),
                    }
                )
        return sorted(subs.values(), key=lambda s: s.submitted_at)

    def get(self, submission_id: str) -> Submission:
        for sub in self.submissions():
            if sub.id == submission_id:
                return sub
        raise KeyError(submission_id)

    def path(self, sub: Submission) -> Path:
        return self.files / f"{sub.sha256}{sub.suffix}"

    def accepted(self, year: int | None = None) -> list[tuple[Submission, Path]]:
        """Accepted submissions in the order they were accepted (the later counts)."""
        order: list[str] = []
        if self.log.exists():
            for line in self.log.read_text(encoding="utf-8").splitlines():
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if event.get("event") == "accepted":
                    if event["id"] in order:
                        order.remove(event["id"])
                    order.append(event["id"])
        subs = {s.id: s for s in self.submissions()}
        out = []
        for sid in order:
            sub = subs.get(sid)
            if sub and sub.state == "accepted" and (year is None or sub.year == year):
                out.append((sub, self.path(sub)))
        return out
