"""Turn any file a division sends into raw text tables, or refuse it with one clear reason.

Every refusal is an ``UnreadableFile`` carrying one code of ``errors.CODES``; no other exception
leaves ``read_workbook``, whatever the bytes. The type is decided by content, never by the name
(``sniff``), and every limit is checked before the file is read whole, because the reading
libraries run in the dashboard's own process: a hostile upload may cost a second and some
megabytes, never the server. Zip containers are guarded first (``guards``: bombs, entities),
then each format checks what its library would trust (``xlsx``, ``ods``, ``xls``) before the
cells load (``arrow``); ``csv`` reads text row by row. Cells come back as text in Arrow
arrays; validators decide what the text means.
"""

from __future__ import annotations

import io
import logging
import struct
import zipfile
import zlib
from csv import Error as CSVError
from pathlib import Path
from xml.etree.ElementTree import ParseError

import fastexcel
import pyarrow as pa
import python_calamine
from defusedxml.common import DefusedXmlException

from ita_model.errors import UnreadableFile
from ita_model.reader.csv import read_csv
from ita_model.reader.guards import check_zip, read_part
from ita_model.reader.ods import read_ods
from ita_model.reader.raw import MB, Format, RawSheet, RawWorkbook, Refusal, short
from ita_model.reader.sniff import ODS_MIME, OLE_MAGIC, ZIP_MAGIC, looks_like, not_spreadsheet
from ita_model.reader.xls import read_xls
from ita_model.reader.xlsx import read_xlsx
from ita_model.settings import Settings, get_settings

__all__ = ["Format", "RawSheet", "RawWorkbook", "read_workbook"]

_log = logging.getLogger(__name__)

# Errors the libraries raise on bad input. Anything else is a bug: logged, then still refused.
_LIBRARY_ERRORS: tuple[type[BaseException], ...] = (
    fastexcel.FastExcelError,
    python_calamine.CalamineError,
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    CSVError,
    ParseError,
    DefusedXmlException,
    pa.ArrowException,
    UnicodeError,
    ValueError,
    LookupError,
    EOFError,
    OSError,
    MemoryError,
)


def read_workbook(
    source: Path | str | bytes, name: str | None = None, *, settings: Settings | None = None
) -> RawWorkbook:
    """Read an uploaded file (bytes + its name) or a path; raise ``UnreadableFile`` if it can't."""
    settings = settings or get_settings()
    if name is None:
        name = "upload" if isinstance(source, bytes | bytearray | memoryview) else Path(source).name
    try:
        data = _load(source, settings)
        fmt, sheets = _read(data, name, settings)
        return RawWorkbook(name=name, format=fmt, sheets=sheets)
    except Refusal as refusal:
        raise UnreadableFile(name, refusal.code, **refusal.params) from None
    except _LIBRARY_ERRORS as exc:
        raise UnreadableFile(name, "corrupt_file", detail=short(exc)) from exc
    except Exception as exc:
        _log.exception("unexpected error while reading %s", name)
        raise UnreadableFile(name, "corrupt_file", detail=short(exc)) from exc
    except BaseException as exc:  # a Rust panic in the reader arrives as a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        _log.error("the spreadsheet library panicked on %s: %s", name, exc)
        raise UnreadableFile(name, "corrupt_file", detail="the reader failed on it") from exc


def _load(source: Path | str | bytes, settings: Settings) -> bytes:
    """The file's bytes, refusing an empty or oversized one before reading it whole."""
    limit = settings.max_file_mb * MB
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        try:
            with open(source, "rb") as f:
                size = f.seek(0, io.SEEK_END)
                if size > limit:
                    _too_large(size, settings)
                f.seek(0)
                data = f.read(int(limit) + 1)
        except OSError as exc:
            raise Refusal("corrupt_file", detail=f"cannot open it: {exc.strerror or exc}") from exc
    if not data:
        raise Refusal("file_empty")
    if len(data) > limit:
        _too_large(len(data), settings)
    return data


def _too_large(size: int, settings: Settings) -> None:
    raise Refusal("file_too_large", size_mb=size / MB, limit_mb=f"{settings.max_file_mb:g}")


def _read(data: bytes, name: str, settings: Settings) -> tuple[Format, list[RawSheet]]:
    suffix = Path(name).suffix.lower()
    if data.startswith(ZIP_MAGIC):
        return _read_zip(data, suffix, settings)
    if data.startswith(OLE_MAGIC):
        return "xls", read_xls(data, suffix, settings)
    looks = looks_like(data)
    if suffix == ".csv" and looks in ("text", "unknown binary data"):
        return "csv", [read_csv(data, Path(name).stem, settings)]
    raise not_spreadsheet(suffix, looks)


def _read_zip(data: bytes, suffix: str, settings: Settings) -> tuple[Format, list[RawSheet]]:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        ValueError,
        OSError,
    ) as exc:
        raise Refusal(
            "corrupt_file", detail="the zip container is incomplete or damaged (cut short?)"
        ) from exc
    check_zip(infos, settings)
    parts = {i.filename: i for i in infos}
    if "xl/workbook.xml" in parts:
        types = read_part(data, parts.get("[Content_Types].xml"))
        fmt: Format = "xlsm" if b"macroEnabled.main+xml" in types else "xlsx"
        return fmt, read_xlsx(data, parts, settings)
    if "mimetype" in parts:
        mime = read_part(data, parts["mimetype"]).strip()
        if mime == ODS_MIME:
            return "ods", read_ods(data, parts, settings)
        kind = mime.rsplit(b".", 1)[-1].decode("ascii", "replace")
        raise not_spreadsheet(suffix, f"OpenDocument {kind}")
    if "xl/workbook.bin" in parts:
        raise Refusal("unsupported_type", suffix=".xlsb (Excel binary workbook)")
    if "word/document.xml" in parts:
        raise not_spreadsheet(suffix, "Word document (.docx)")
    if "ppt/presentation.xml" in parts:
        raise not_spreadsheet(suffix, "PowerPoint (.pptx)")
    raise not_spreadsheet(suffix, "ZIP archive" if parts else "empty ZIP archive")
