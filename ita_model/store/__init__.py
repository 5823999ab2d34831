"""Keep every file that comes in, good or bad, what was decided about it, who decided, and the
typed rows it gave: every view reads those rows, never the file again.

For each fiscal year and **slot** one submission is current. A slot is the division a file speaks
for, or, for a file of no division (scores, the survey, a consolidated OIT table), the kinds of
sheets it holds, so that accepting the scores does not push out the timeline. Every submission,
decision and setting change is a row of the append-only audit log.

Storage is SQLAlchemy Core, one code path on SQLite (the default: ``store.sqlite3`` plus
``files/`` in one folder) and on PostgreSQL (``ITA_STORE=postgresql://…``; the bytes are then in
the database too, so several dashboard machines share one store). Crash safety: the bytes are
fsynced under their hash before the submission, its rows and its event are written in one
transaction, so a process killed at any point leaves a whole submission or none. The store checks
the role of every writer itself: a viewer's write is refused here, whatever the page shows.

The parts, each a module of this package: ``schema`` (tables, upgrades), ``base`` (opening,
transactions, the lost-database guard), ``blobs`` (bytes), ``events`` (audit log), ``settings``,
``submissions`` (decisions and what counts), ``rows`` and ``records`` (typed rows), ``export``,
``verify``, ``recheck`` (a new validator over stored files), ``registry`` (the agencies, and
a store bound to one of them: every read and write of a ``Store`` sees only its agency's rows),
and ``figures`` (each agency's roll-up figures kept per decision, refreshed after each one).
"""

from __future__ import annotations

from pathlib import Path

from ita_model.errors import StoreError
from ita_model.settings import Settings, get_settings, store_target
from ita_model.store.agency_bulk import AgencySubmissions
from ita_model.store.base import DB_NAME, _db_failed, is_url, kept_files, sqlite_url
from ita_model.store.blobs import stored_suffix
from ita_model.store.export import Export
from ita_model.store.models import Event, State, Submission, replay_decision, slot_of
from ita_model.store.records import StoredReport
from ita_model.store.registry import Registry
from ita_model.store.schema import DECISIONS, SCHEMA_VERSION, metadata
from ita_model.store.verify import Verify

__all__ = [
    "DB_NAME",
    "DECISIONS",
    "SCHEMA_VERSION",
    "Event",
    "State",
    "Store",
    "StoreError",
    "StoredReport",
    "Submission",
    "_db_failed",
    "is_url",
    "kept_files",
    "metadata",
    "open_store",
    "replay_decision",
    "slot_of",
    "stored_suffix",
]


class Store(Verify, Export, Registry, AgencySubmissions):
    """Submissions, decisions, their rows and the audit log, on SQLite or PostgreSQL; bound to
    one agency (``agency``; ``for_agency`` binds another on the same engines)."""


def open_store(
    target: str | Path | None = None,
    *,
    settings: Settings | None = None,
) -> Store:
    """The store at ``target``: a folder, or a ``postgresql://`` URL. Default: the settings'.

    With a URL, files are cached in ``ITA_STORE_DIR/files``.
    """
    settings = settings or get_settings()
    target = store_target(settings) if target is None else target
    if is_url(target):
        return Store(str(target), settings.store_dir / "files", settings=settings)
    root = Path(target)
    return Store(sqlite_url(root), root / "files", root=root, settings=settings)
