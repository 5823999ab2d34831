"""``Store.verify()``: everything that should hold in a store, checked; each problem found is a
coded message (``store_state_mismatch``, ``store_file_damaged``, ``store_orphan_file``,
``store_rows_mismatch``) in Thai and English, naming the submission, file or store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ita_model.errors import Issue, StoreLost, make_issue
from ita_model.store.base import kept_files
from ita_model.store.blobs import sha_of
from ita_model.store.models import replay_decision
from ita_model.store.records import Records
from ita_model.store.schema import DECISIONS, current_t, oit_rows_t, records_t, submissions_t


class Verify(Records):
    def verify(self) -> list[str]:
        """The problems found, each "code: Thai — English" (none: empty). See ``problems()``."""
        return [f"{i.code}: {i.message} — {i.message_en}" for i in self.problems()]

    def problems(self) -> list[Issue]:
        """Everything that should hold, checked.

        A stored file no submission names is one: left by an upload killed before its row was
        written (harmless: the same bytes sent again reuse it), or its row was lost.
        """
        found: list[Issue] = []
        where = self.describe()

        def state(detail: str) -> None:
            found.append(make_issue("store_state_mismatch", where=where, detail=detail))

        try:
            subs = {s.id: s for s in self.submissions()}
        except StoreLost as exc:
            assert exc.issue is not None
            return [exc.issue, *(_orphan(f) for f in kept_files(self.files))]
        with self._read() as conn:
            mine = current_t.c.agency == self.agency
            current = [] if conn is None else list(conn.execute(select(current_t).where(mine)))
            rows = {} if conn is None else _rows(conn, self.agency)
            # the files are shared by every agency: a file is an orphan when no agency names it
            every = set() if conn is None else set(conn.execute(select(submissions_t.c.sha256)))
        replay: dict[tuple[int | None, str | None], str] = {}
        ever: set[str] = set()
        for e in self.events(actions=DECISIONS):
            replay_decision(replay, (e.year, e.slot), e, e.submission_id or "")
            if e.action != "withdrawn":
                ever.add(e.submission_id or "")
        table = {(r.year, r.slot): r.submission_id for r in current}
        if table != replay:
            state(f"current {table} != replayed {replay}")
        for key, sid in table.items():
            sub = subs.get(sid)
            if sub is None or sub.state != "accepted" or (sub.year, sub.slot) != key:
                state(f"current {key} -> {sid} is not an accepted submission of it")
        accepted = {s.id for s in subs.values() if s.state == "accepted"}
        if accepted != set(table.values()):
            state(f"accepted {sorted(accepted)} != current {sorted(table.values())}")
        for s in subs.values():
            if s.state == "superseded" and s.id not in ever:
                state(f"{s.id} is superseded but was never accepted")
            if s.state in ("pending", "rejected") and s.id in ever:
                state(f"{s.id} was accepted once but is {s.state}")
            path = self.path(s)
            if not path.exists() or sha_of(path) != s.sha256:
                found.append(
                    make_issue("store_file_damaged", value=s.id, filename=s.filename, path=path)
                )
            problem = rows.get(s.id, "no validator version: its rows were never written")
            if problem:
                found.append(
                    make_issue(
                        "store_rows_mismatch", value=s.id, filename=s.filename, detail=problem
                    )
                )
        known = {s.sha256 for s in subs.values()} | {r.sha256 for r in every}
        orphans = [f for f in kept_files(self.files) if f.name.split(".", 1)[0] not in known]
        found.extend(_orphan(f) for f in orphans)
        submitted = [e.submission_id for e in self.events(actions=["submitted"])]
        if sorted(submitted) != sorted(subs):
            state("the log's submissions differ from the submissions table")
        return found


def _rows(conn: Any, agency: str) -> dict[str, str]:
    """Per submission with a validator version: "" when its OIT payload and typed rows agree."""
    payload = dict(
        conn.execute(
            select(records_t.c.submission_id, records_t.c.rows).where(records_t.c.kind == "oit")
        ).all()
    )
    typed = dict(
        conn.execute(
            select(oit_rows_t.c.submission_id, func.count())
            .where(oit_rows_t.c.agency == agency)
            .group_by(oit_rows_t.c.submission_id)
        ).all()
    )
    out = {}
    subs = select(submissions_t.c.id, submissions_t.c.validator).where(
        submissions_t.c.agency == agency
    )
    for sid, validator in conn.execute(subs):
        if validator is None:
            continue
        a, b = payload.get(sid, 0), typed.get(sid, 0)
        out[sid] = "" if a == b else f"{a} OIT rows kept, {b} in oit_rows"
    return out


def _orphan(path: Path) -> Issue:
    return make_issue("store_orphan_file", path=path)
