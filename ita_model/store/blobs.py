"""The bytes of every file, kept verbatim under their SHA-256: in ``files/`` and, on PostgreSQL,
in the ``blobs`` table too (``files/`` is then a cache every machine fills from the database).

A file is written to a temporary name, fsynced and renamed to its hash, so a process killed at
any point leaves the whole file or none; the same bytes sent again reuse it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ita_model.store.base import StoreBase, os_failed
from ita_model.store.models import Submission
from ita_model.store.schema import blobs_t

SUFFIX_MAX = 16  # the width of the submissions table's suffix column


class Blobs(StoreBase):
    def _put_file(self, sha: str, suffix: str, data: bytes) -> Path:
        """Write the bytes under their hash: temp file, fsync, rename, fsync the folder."""
        target = self.files / f"{sha}{suffix}"
        if target.exists() and sha_of(target) == sha:
            return target
        self._mkdir(self.files)
        tmp: str | None = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.files, prefix=".incoming-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            tmp = None
            _fsync_dir(self.files)
        except OSError as exc:
            raise os_failed(exc, self.files) from exc
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        return target

    def _put_blob(self, conn: Connection, sha: str, data: bytes) -> None:
        """The bytes into the database as well (PostgreSQL), in the submission's transaction."""
        if not self.kept_in_database:
            return
        if conn.execute(select(blobs_t.c.sha256).where(blobs_t.c.sha256 == sha)).first() is None:
            conn.execute(insert(blobs_t).values(sha256=sha, data=data))

    def path(self, sub: Submission) -> Path:
        """The stored file (fetched from the database into the local cache when needed)."""
        target = self.files / f"{sub.sha256}{sub.suffix}"
        if self.kept_in_database and not target.exists() and not self._ro_engine:
            data = self._scalar(select(blobs_t.c.data).where(blobs_t.c.sha256 == sub.sha256))
            if data is not None:
                self._put_file(sub.sha256, sub.suffix, bytes(data))
        return target

    def data(self, sub: Submission) -> bytes:
        """The submission's bytes, exactly as they arrived."""
        path = self.path(sub)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise os_failed(exc, path, reading=True) from exc


def stored_suffix(filename: str) -> str:
    """The extension the bytes are kept under: at most ``SUFFIX_MAX`` letters and digits, so a
    name like ``a.<200 characters>`` is stored (never ``File name too long``); the name as sent
    stays in the submission's ``filename``, and the reader goes by that name, not this one."""
    suffix = Path(filename).suffix.lower()[:SUFFIX_MAX]
    return (
        "." + "".join(c if c.isalnum() else "_" for c in suffix[1:]) if len(suffix) > 1 else ".bin"
    )


def sha_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsynced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
