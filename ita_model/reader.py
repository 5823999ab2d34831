"""Turn any file a division sends into raw text tables, or refuse it with one clear reason.

Every refusal is an ``UnreadableFile`` carrying one code of ``errors.CODES``; no other exception
leaves ``read_workbook``, whatever the bytes. The type is decided by content, never by the name,
and every limit is checked before the file is read whole, because the reading libraries run in
the dashboard's own process: a hostile upload may cost a second and some megabytes, never the
server. Where the process may fork (the command line), the cells load in a memory-capped child
while those checks run beside it (``sandbox``); their verdict still decides. Cells come back as
text in arrow arrays; validators decide what the text means.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import itertools
import logging
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar
from xml.etree.ElementTree import Element, ParseError

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ita_model.errors import UnreadableFile
from ita_model.sandbox import ChildFailed, Forked, can_fork
from ita_model.settings import Settings, get_settings

__all__ = ["RawSheet", "RawWorkbook", "read_workbook"]

Format = Literal["xlsx", "xlsm", "xls", "ods", "csv"]
_T = TypeVar("_T")


@dataclass(frozen=True)
class RawSheet:
    """One sheet as text, positioned so that every problem can name its Excel cell."""

    name: str
    hidden: bool
    columns: list[pa.Array]  # pyarrow strings, None for a blank cell, all the same length
    first_row: int  # Excel row number (1-based) of element 0 of every column
    first_col: int  # 0-based Excel column index of columns[0]
    hyperlinks: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> target
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2


@dataclass(frozen=True)
class RawWorkbook:
    name: str  # the file name as the user knows it (for messages)
    format: Format
    sheets: list[RawSheet]


_log = logging.getLogger(__name__)

MB = 1024 * 1024
_SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip, or an empty one
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

_MAX_PARTS = 10_000  # a real workbook has tens of parts; a million tiny ones is an attack
_BOMB_RATIO = 200  # a real 356,900-row sheet compresses about 15:1
_BOMB_MIN_SIZE = 10 * MB
_CHUNK = 1 << 20  # inflated bytes handed to the scanners at a time
_CHUNK_IN = 1 << 16  # compressed bytes fed to zlib at a time
_CARRY = 64  # bytes kept from one chunk to the next so that no pattern is cut in two
_LINK_CELLS = 10_000  # a hyperlink over a bigger range is kept on its first cell only
_BESIDE_FROM = 256 * 1024  # smaller files load after the checks: a fork costs more than they do

_REL_NS_SUFFIX = "relationships"


class _Refusal(Exception):
    """Raised inside the module; ``read_workbook`` turns it into ``UnreadableFile``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# Errors the libraries raise on bad input. Anything else is a bug: logged, then still refused.
_LIBRARY_ERRORS: tuple[type[BaseException], ...] = (
    fastexcel.FastExcelError,
    python_calamine.CalamineError,
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    csv.Error,
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
    source: Path | str | bytes,
    name: str | None = None,
    *,
    settings: Settings | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> RawWorkbook:
    """Read an uploaded file (bytes + its name) or a path; raise ``UnreadableFile`` if it can't.

    ``meanwhile`` is work the caller needs next that does not depend on the file: it runs
    while the cells load (beside them, when the process may fork), and at the latest before
    this returns or raises.
    """
    settings = settings or get_settings()
    if name is None:
        name = "upload" if isinstance(source, bytes | bytearray | memoryview) else Path(source).name
    token = _MEANWHILE.set([meanwhile] if meanwhile else [])
    try:
        data = _load(source, settings)
        fmt, sheets = _read(data, name, settings)
        return RawWorkbook(name=name, format=fmt, sheets=sheets)
    except _Refusal as refusal:
        raise _unreadable(name, refusal) from None
    except _LIBRARY_ERRORS as exc:
        raise UnreadableFile(name, "corrupt_file", detail=_short(exc)) from exc
    except Exception as exc:
        _log.exception("unexpected error while reading %s", name)
        raise UnreadableFile(name, "corrupt_file", detail=_short(exc)) from exc
    except BaseException as exc:  # a Rust panic in the reader arrives as a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        _log.error("the spreadsheet library panicked on %s: %s", name, exc)
        raise UnreadableFile(name, "corrupt_file", detail="the reader failed on it") from exc
    finally:
        _run_meanwhile()
        _MEANWHILE.reset(token)


# the ``meanwhile`` work of the read under way in this thread, until it has run
_MEANWHILE: ContextVar[list[Callable[[], object]]] = ContextVar("meanwhile")


def _run_meanwhile() -> None:
    pending = _MEANWHILE.get([])
    while pending:
        pending.pop()()


def _unreadable(name: str, refusal: _Refusal) -> UnreadableFile:
    """The public exception for a refusal."""
    return UnreadableFile(name, refusal.code, **refusal.params)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


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
            raise _Refusal("corrupt_file", detail=f"cannot open it: {exc.strerror or exc}") from exc
    if not data:
        raise _Refusal("file_empty")
    if len(data) > limit:
        _too_large(len(data), settings)
    return data


def _too_large(size: int, settings: Settings) -> None:
    raise _Refusal("file_too_large", size_mb=size / MB, limit_mb=f"{settings.max_file_mb:g}")


def _read(data: bytes, name: str, settings: Settings) -> tuple[Format, list[RawSheet]]:
    suffix = Path(name).suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        return _read_zip(data, suffix, settings)
    if data.startswith(_OLE_MAGIC):
        return "xls", _read_ole(data, suffix, settings)
    looks = _looks_like(data)
    if suffix == ".csv" and looks in ("text", "unknown binary data"):
        return "csv", [_read_csv(data, Path(name).stem, settings)]
    raise _not_spreadsheet(suffix, looks)


def _not_spreadsheet(suffix: str, looks: str) -> _Refusal:
    """Named like a spreadsheet: say what it really is; named otherwise: say what we take."""
    if suffix in _SPREADSHEET_SUFFIXES:
        return _Refusal("not_a_spreadsheet", suffix=suffix, looks_like=looks)
    return _Refusal("unsupported_type", suffix=suffix or "no extension")


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "image (PNG)"),
    (b"\xff\xd8\xff", "image (JPEG)"),
    (b"GIF8", "image (GIF)"),
    (b"II*\x00", "image (TIFF)"),
    (b"MM\x00*", "image (TIFF)"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"{\\rtf", "Word document (RTF)"),
    (b"MZ", "program (EXE)"),
)


def _looks_like(data: bytes) -> str:
    """A short name for what non-spreadsheet bytes appear to be, for the refusal message."""
    for magic, label in _SIGNATURES:
        if data.startswith(magic):
            return label
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image (WEBP)"
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if b"\x00" in head:
        return "unknown binary data"
    text = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<table" in text[:2048]:
        return "web page (HTML)"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
            return "Excel 2003 XML"
        return "XML"
    return "text"


# --- zip containers: xlsx, xlsm, ods ------------------------------------------------------


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
        raise _Refusal(
            "corrupt_file", detail="the zip container is incomplete or damaged (cut short?)"
        ) from exc
    _check_zip(infos, settings)
    parts = {i.filename: i for i in infos}
    if "xl/workbook.xml" in parts:
        types = _read_part(data, parts.get("[Content_Types].xml"))
        fmt: Format = "xlsm" if b"macroEnabled.main+xml" in types else "xlsx"
        return fmt, _read_ooxml(data, parts, settings)
    if "mimetype" in parts:
        mime = _read_part(data, parts["mimetype"]).strip()
        if mime == _ODS_MIME:
            return "ods", _read_ods(data, parts, settings)
        kind = mime.rsplit(b".", 1)[-1].decode("ascii", "replace")
        raise _not_spreadsheet(suffix, f"OpenDocument {kind}")
    if "xl/workbook.bin" in parts:
        raise _Refusal("unsupported_type", suffix=".xlsb (Excel binary workbook)")
    if "word/document.xml" in parts:
        raise _not_spreadsheet(suffix, "Word document (.docx)")
    if "ppt/presentation.xml" in parts:
        raise _not_spreadsheet(suffix, "PowerPoint (.pptx)")
    raise _not_spreadsheet(suffix, "ZIP archive" if parts else "empty ZIP archive")


def _check_zip(infos: list[zipfile.ZipInfo], settings: Settings) -> None:
    """Refuse a zip bomb from its directory alone, before inflating a byte."""
    if len(infos) > _MAX_PARTS:
        raise _Refusal("zip_bomb", detail=f"{len(infos):,} parts")
    if len({i.filename for i in infos}) != len(infos):
        raise _Refusal("corrupt_file", detail="the zip container holds a part twice")
    total = sum(i.file_size for i in infos)
    if total > settings.max_unzipped_mb * MB:
        raise _Refusal(
            "zip_bomb",
            detail=f"unpacks to {total / MB:,.0f} MB, limit {settings.max_unzipped_mb:g} MB",
        )
    for i in infos:
        if i.flag_bits & 0x1:
            raise _Refusal("encrypted_file")
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > _BOMB_MIN_SIZE and ratio > _BOMB_RATIO:
            raise _Refusal(
                "zip_bomb",
                detail=f"{i.filename} expands {ratio:,.0f}:1 to {i.file_size / MB:,.0f} MB",
            )


def _inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes in chunks, never more than its declared size (a lying size is a bomb)."""
    view = memoryview(data)
    offset = info.header_offset
    if view[offset : offset + 4] != b"PK\x03\x04":
        raise _Refusal("corrupt_file", detail=f"part {info.filename} is damaged")
    name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_len + extra_len
    end = start + info.compress_size
    if end > len(data):
        raise _Refusal("corrupt_file", detail=f"part {info.filename} is cut short")
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _Refusal("corrupt_file", detail=f"part {info.filename} is damaged")
        for pos in range(start, end, _CHUNK):
            yield bytes(view[pos : min(pos + _CHUNK, end)])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _Refusal("corrupt_file", detail=f"part {info.filename} uses an unknown compression")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced, pos = 0, start
    while not inflater.eof:
        if inflater.unconsumed_tail:
            piece: bytes | memoryview = inflater.unconsumed_tail
        elif pos < end:
            piece = view[pos : min(pos + _CHUNK_IN, end)]
            pos += len(piece)
        else:
            break
        out = inflater.decompress(piece, _CHUNK)
        produced += len(out)
        if produced > info.file_size:
            raise _Refusal(
                "zip_bomb", detail=f"{info.filename} unpacks to more than the size it declares"
            )
        if out:
            yield out
    if not inflater.eof or produced != info.file_size:
        raise _Refusal("corrupt_file", detail=f"part {info.filename} is damaged")


_XML_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_prolog(head: bytes, part: str) -> None:
    """No DTD, no entities: refuse billion laughs before any parser sees the part."""
    if _XML_DECL.search(head.replace(b"\x00", b"")):  # NULs removed: UTF-16 XML too
        raise _Refusal("xml_entity", part=part)


def _read_part(data: bytes, info: zipfile.ZipInfo | None) -> bytes:
    """A whole (small) part, its prolog checked; b"" if the part is missing."""
    if info is None:
        return b""
    chunks = _inflate(data, info)
    head = next(chunks, b"")
    _check_prolog(head, info.filename)
    return b"".join(itertools.chain([head], chunks))


def _drain(data: bytes, info: zipfile.ZipInfo) -> None:
    """Inflate a part we don't read ourselves: checks its prolog and that it isn't a bomb."""
    chunks = _inflate(data, info)
    _check_prolog(next(chunks, b""), info.filename)
    for _ in chunks:
        pass


def _parse_xml(xml: bytes, part: str) -> Element:
    try:
        return SafeET.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise _Refusal("xml_entity", part=part) from exc
    except ParseError as exc:
        raise _Refusal("corrupt_file", detail=f"{part} is not valid XML") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _rel_id(el: Element) -> str | None:
    for key, value in el.attrib.items():
        if (
            key.startswith("{")
            and _local(key) == "id"
            and key[1:].split("}")[0].endswith(_REL_NS_SUFFIX)
        ):
            return value
    return None


def _rels(data: bytes, parts: dict[str, zipfile.ZipInfo], part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target): a part path (resolved against ``part``) or a URL."""
    rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    xml = _read_part(data, parts.get(rels_name))
    if not xml:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for el in _parse_xml(xml, rels_name).iter():
        if _local(el.tag) != "Relationship":
            continue
        rid, target = el.get("Id"), el.get("Target", "")
        if rid is None:
            continue
        if el.get("TargetMode") != "External":
            base = posixpath.dirname(part)
            target = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            target = posixpath.normpath(target)
        out[rid] = (el.get("Type", "").rsplit("/", 1)[-1], target)
    return out


# --- xlsx / xlsm ------------------------------------------------------------------------------


@dataclass
class _SheetXml:
    """What we need from a worksheet part besides its cells."""

    merged: list[tuple[int, int, int, int]]
    links: list[tuple[int, int, int, int, str]]  # r1, c1, r2, c2 (rows 1-based), target


def _read_ooxml(
    data: bytes, parts: dict[str, zipfile.ZipInfo], settings: Settings
) -> list[RawSheet]:
    book = "xl/workbook.xml"
    book_rels = _rels(data, parts, book)
    sheet_parts: dict[str, str] = {}  # sheet name -> worksheet part
    others: set[str] = set()  # chart, dialog and macro sheets: no data cells, not read
    for el in _parse_xml(_read_part(data, parts[book]), book).iter():
        if _local(el.tag) != "sheet":
            continue
        kind, target = book_rels.get(_rel_id(el) or "", ("", ""))
        name = el.get("name", "")
        if kind != "worksheet":
            others.add(name)
        elif target in parts:
            sheet_parts[name] = target
        else:
            raise _Refusal("corrupt_file", detail=f"sheet {name} has no data part")

    def checks() -> dict[str, _SheetXml]:
        for name, info in parts.items():
            if name not in sheet_parts.values():
                _drain(data, info)
        extras = {}
        for name, part in sheet_parts.items():
            links = {rid: target for rid, (_, target) in _rels(data, parts, part).items()}
            extras[name] = _scan_worksheet(data, parts[part], name, links, settings)
        return extras

    extras, sheets = _load_beside(data, settings, checks, set(sheet_parts), others)
    return [_with_extras(sheet, extras[sheet.name]) for sheet in sheets]


_ROOT = re.compile(rb"<(?:[\w.-]+:)?worksheet\b[^>]*>")
_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\s+ref\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})"
    rb"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?[\"']"
)
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")
_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>|<(?:[\w.-]+:)?sheetData\s*/>")
_PREFIXED_CELL = re.compile(rb":c[\s>]")


def _scan_worksheet(
    data: bytes, info: zipfile.ZipInfo, sheet: str, rels: dict[str, str], settings: Settings
) -> _SheetXml:
    """Refuse the sheet before the reader sees it; keep its merged ranges and hyperlinks.

    The reader allocates (rows x columns) of the cells' bounding box, so a tiny part with
    cells at A1 and XFD1048576 would abort the process. The ``<dimension>`` says the box,
    but it may lie: a quick pass checks that every cell lies inside it; when it can't tell
    (no dimension, cells without an ``r``, prefixed elements) an exact pass counts.
    """
    scanned = _scan_cells(data, info, sheet, settings, exact=False)
    if scanned is None:
        scanned = _scan_cells(data, info, sheet, settings, exact=True)
    assert scanned is not None
    root, tail = scanned
    return _parse_tail(root, tail, rels, info.filename)


def _scan_cells(
    data: bytes, info: zipfile.ZipInfo, sheet: str, settings: Settings, *, exact: bool
) -> tuple[bytes, bytes] | None:
    """One streaming pass: the root tag and the tail after ``</sheetData>``, or None when the
    quick check found a cell it can't vouch for."""
    chunks = _inflate(data, info)
    head = next(chunks, b"")
    _check_prolog(head, info.filename)
    root = _ROOT.search(head)
    if root is None:
        raise _Refusal("corrupt_file", detail=f"sheet {sheet} is not a worksheet")
    data_at = _SHEET_DATA.search(head)
    dim = _DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
    guard: re.Pattern[bytes] | None = None
    if dim:
        r1, r2 = int(dim[2]), int(dim[4] or dim[2])
        c1, c2 = _col_index(dim[1]), _col_index(dim[3] or dim[1])
        cells = (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
        if cells > settings.max_cells:
            raise _Refusal("sheet_too_large", sheet=sheet, cells=cells, limit=settings.max_cells)
        if not exact:
            guard = _guard(max(r1, r2), max(c1, c2), settings)
    if not exact and guard is None:
        return None
    bounds = _CellBounds(sheet, settings.max_cells) if exact else None
    tail: bytearray | None = None
    pending = b""  # exact pass: the unfinished tag at the end of the last chunk
    seam = b""  # the last bytes seen, to catch what a chunk boundary cuts in two
    for chunk, last in _with_last(itertools.chain([head], chunks)):
        if guard is not None:
            if _outside(guard, chunk, seam, last) or _outside(_PREFIXED_CELL, chunk, seam, last):
                return None
        elif bounds is not None:
            xml = pending + chunk
            cut = len(xml) if last else xml.rfind(b"<")
            cut = len(xml) if cut < 0 else cut
            bounds.feed(xml[:cut])
            pending = xml[cut:]
        end = _data_end(chunk)
        if end < 0 and seam:
            end = _data_end(seam + chunk[:_CARRY]) - len(seam)
        if end >= 0:
            tail = bytearray(chunk[end:])
        elif tail is not None:
            tail += chunk
        seam = (seam + chunk)[-_CARRY:] if len(chunk) < _CARRY else chunk[-_CARRY:]
    if bounds is not None:
        bounds.check()
    return root.group(), bytes(tail or b"")


def _outside(pattern: re.Pattern[bytes], chunk: bytes, seam: bytes, last: bool) -> bool:
    """Whether ``pattern`` finds a cell: in the chunk, except in its last bytes where a tag may
    be cut short (unless it is the last chunk); and across the seam with the previous one."""
    m = pattern.search(chunk)
    if m and (last or m.start() < len(chunk) - _CARRY):
        return True
    m = pattern.search(seam + chunk[:_CARRY]) if seam else None
    return m is not None and m.start() < len(seam)


def _data_end(xml: bytes) -> int:
    """The offset just after ``</sheetData>`` (or ``<sheetData/>``) in ``xml``, else -1."""
    at = xml.rfind(b"sheetData")
    m = _DATA_END.search(xml, max(0, at - 40), at + 40) if at >= 0 else None
    return m.end() if m else -1


def _with_last(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    it = iter(chunks)
    prev = next(it, None)
    for item in it:
        assert prev is not None
        yield prev, False
        prev = item
    if prev is not None:
        yield prev, True


def _guard(row: int, col: int, settings: Settings) -> re.Pattern[bytes] | None:
    """A pattern that finds any cell outside columns A..col and rows 1..~2*row, or any cell
    whose position we can't read at a glance (no ``r`` first, a second ``r``, odd spacing).
    None when that box would itself be too big."""
    digits = str(max(row, 1))
    bound = (int(digits[0]) + 1) * 10 ** (len(digits) - 1)
    if bound * (col + 1) > 2 * settings.max_cells:
        return None
    rows = f"[1-{digits[0]}]" + (f"?[0-9]{{1,{len(digits) - 1}}}" if len(digits) > 1 else "")
    # then only attributes not named r (the reader takes the last r), as Excel writes them
    attrs = r'(?: [a-qs-z][\w:.-]*+="[^"]*+")*+/?>'
    return re.compile(f'<c(?! r="{_letters_upto(col)}{rows}"{attrs})[^a-z]'.encode())


def _letters_upto(col: int) -> str:
    """Regex matching the column letters A up to ``col`` (0-based), and no other."""
    s = _col_name(col)
    alts = [f"[A-Z]{{1,{len(s) - 1}}}"] if len(s) > 1 else []
    for i, ch in enumerate(s):
        if ch > "A":
            rest = f"[A-Z]{{{len(s) - i - 1}}}" if i < len(s) - 1 else ""
            alts.append(f"{s[:i]}[A-{chr(ord(ch) - 1)}]{rest}")
    alts.append(s)
    return "(?:" + "|".join(alts) + ")"


def _col_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters.decode("ascii") if isinstance(letters, bytes) else letters:
        n = n * 26 + (ord(ch.upper()) - 64)
    return n - 1


def _col_name(col: int) -> str:
    s = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""(?<![^\s"'])r\s*=\s*["']\$?([A-Za-z]*)\$?([0-9]*)["']""")


class _CellBounds:
    """The reader's own rules for cell positions, to bound a sheet that the quick check can't.

    A ``<c>`` without ``r`` sits right of the previous cell; ``</row>`` moves to the next row.
    Self-closing cells hold no value and are skipped, as the reader skips them.
    """

    def __init__(self, sheet: str, limit: int) -> None:
        self.sheet, self.limit = sheet, limit
        self.row = self.col = self.count = 0
        self.left = 1 << 62
        self.bottom = self.right = -1

    def feed(self, xml: bytes) -> None:
        for closing, name, attrs in _TOKEN.findall(xml):
            if name == b"row":
                if closing:
                    self.row, self.col = self.row + 1, 0
                elif not attrs.endswith(b"/"):
                    refs = _R_ATTR.findall(attrs)
                    if refs and refs[-1][1]:
                        self.row = int(refs[-1][1]) - 1
                continue
            if closing or attrs.rstrip().endswith(b"/"):
                continue
            refs = _R_ATTR.findall(attrs)  # the reader takes the last r
            row, col = self.row, self.col
            if refs and refs[-1][1]:
                letters, digits = refs[-1]
                row = int(digits) - 1
                col = _col_index(letters) if letters else col
            self.col = col + 1
            self.bottom = max(self.bottom, row)
            self.left, self.right = min(self.left, col), max(self.right, col)
            self.count += 1
            if self.count > self.limit:
                raise _Refusal(
                    "sheet_too_large", sheet=self.sheet, cells=self.count, limit=self.limit
                )

    def check(self) -> None:
        if self.count:  # rows are read from row 1 (so that positions are exact): count them
            cells = (self.bottom + 1) * (self.right - self.left + 1)
            if cells > self.limit:
                raise _Refusal("sheet_too_large", sheet=self.sheet, cells=cells, limit=self.limit)


def _parse_tail(root: bytes, tail: bytes, rels: dict[str, str], part: str) -> _SheetXml:
    """Merged ranges and hyperlinks, from the part's end only: never parse the cells twice."""
    out = _SheetXml(merged=[], links=[])
    if b"mergeCell" not in tail and b"hyperlink" not in tail:
        return out
    for el in _parse_xml(root + tail, part).iter():
        tag = _local(el.tag)
        if tag not in ("mergeCell", "hyperlink"):
            continue
        box = _range(el.get("ref", ""))
        if box is None:
            continue
        if tag == "mergeCell":
            out.merged.append(box)
            continue
        target = rels.get(_rel_id(el) or "", "")
        location = el.get("location")
        if location:
            target = f"{target}#{location}" if target else location
        if target:
            out.links.append((*box, target))
    return out


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def _range(ref: str) -> tuple[int, int, int, int] | None:
    """ "B2:C3" -> (2, 1, 3, 2): Excel rows, 0-based columns; first ref of a list."""
    cells = _REF.findall(ref.split()[0] if ref.strip() else "")
    if not cells:
        return None
    (l1, n1), (l2, n2) = cells[0], cells[-1]
    r1, r2 = sorted((int(n1), int(n2)))
    c1, c2 = sorted((_col_index(l1), _col_index(l2)))
    return r1, c1, r2, c2


# --- ods ---------------------------------------------------------------------------------------


def _read_ods(data: bytes, parts: dict[str, zipfile.ZipInfo], settings: Settings) -> list[RawSheet]:
    def checks() -> None:
        for name, info in parts.items():
            if name != "content.xml":
                _drain(data, info)
        _check_ods_cells(_read_part(data, parts.get("content.xml")), settings)

    return _load_beside(data, settings, checks)[1]


_ODS_TOKEN = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>"
)
_ODS_REPEAT = re.compile(rb"number-(rows|columns)-repeated\s*=\s*[\"'](\d+)")
_ODS_NAME = re.compile(rb"(?:^|\s)(?:[\w.-]+:)?name\s*=\s*\"([^\"]*)\"")


def _check_ods_cells(content: bytes, settings: Settings) -> None:
    """Refuse a table whose repeated cells would expand past the limit: a few bytes of
    ``number-rows-repeated`` can ask the reader for gigabytes."""
    sheet, row, col, rows_rep = "", 0, 0, 1
    bottom = right = 0
    for closing, tag, attrs in _ODS_TOKEN.findall(content):
        if tag == b"table":
            if closing:
                cells = bottom * right
                if cells > settings.max_cells:
                    raise _Refusal(
                        "sheet_too_large", sheet=sheet, cells=cells, limit=settings.max_cells
                    )
            else:
                m = _ODS_NAME.search(attrs)
                sheet = html.unescape(m[1].decode("utf-8", "replace")) if m else ""
                row = col = bottom = right = 0
            continue
        repeat = dict(_ODS_REPEAT.findall(attrs))
        if tag == b"table-row":
            if not closing:
                rows_rep, col = int(repeat.get(b"rows", 1)), 0
            if closing or attrs.endswith(b"/"):
                row += rows_rep
            continue
        if closing:
            continue
        cols_rep = int(repeat.get(b"columns", 1))
        if not attrs.rstrip().endswith(b"/") or b"value-type" in attrs:
            right, bottom = max(right, col + cols_rep), max(bottom, row + rows_rep)
        col += cols_rep


# --- legacy xls (OLE2 compound file) -----------------------------------------------------------


def _read_ole(data: bytes, suffix: str, settings: Settings) -> list[RawSheet]:
    cfb = _Cfb(data)
    names = {n.casefold(): n for n in cfb.streams}
    if {"encryptedpackage", "encryptioninfo"} & names.keys():
        raise _Refusal("encrypted_file")
    book = names.get("workbook") or names.get("book")
    if book:
        _, sheets = _load_beside(data, settings, lambda: _check_xls(cfb.stream(book), settings))
        merges = _xls_merges(data)
        return [replace(sheet, merged=merges.get(sheet.name, [])) for sheet in sheets]
    if "worddocument" in names:
        looks = "Word document (.doc)"
    elif "powerpoint document" in names:
        looks = "PowerPoint (.ppt)"
    else:
        looks = "an Office file of another kind"
    raise _not_spreadsheet(suffix, looks)


def _xls_merges(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges of a legacy workbook. fastexcel does not give them; python-calamine
    parses the file again, which is cheap at .xls sizes (65,536 rows at most)."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = {}
    for name in book.sheet_names:
        ranges = book.get_sheet_by_name(name).merged_cell_ranges or []
        out[name] = [(r1 + 1, c1, r2 + 1, c2) for (r1, c1), (r2, c2) in ranges]
    return out


_FREE = 0xFFFFFFFA  # sector ids from here up are markers, not sectors


class _Cfb:
    """Just enough of an OLE2 compound file to list its streams and read a big one: tells xls
    from Word or an encrypted xlsx (``EncryptionInfo`` + ``EncryptedPackage`` streams)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        if len(data) < 512:
            raise self._damaged()
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            raise self._damaged()
        self.size = 1 << shift
        self.n_sectors = (len(data) - 1) // self.size
        n_fat, dir_start = struct.unpack_from("<II", data, 0x2C)
        difat_next = struct.unpack_from("<I", data, 0x44)[0]
        fat_ids = [x for x in struct.unpack_from("<109I", data, 0x4C) if x < _FREE]
        seen: set[int] = set()
        while difat_next < _FREE and len(fat_ids) < n_fat:
            if difat_next in seen:
                raise self._damaged()
            seen.add(difat_next)
            ids = struct.unpack(f"<{self.size // 4}I", self._sector(difat_next))
            fat_ids += [x for x in ids[:-1] if x < _FREE]
            difat_next = ids[-1]
        fat = b"".join(self._sector(i) for i in fat_ids[:n_fat])
        self.next = struct.unpack(f"<{len(fat) // 4}I", fat)
        self.streams: dict[str, tuple[int, int]] = {}  # name -> (first sector, size)
        for block in self._chain(dir_start):
            for off in range(0, self.size, 128):
                name_len, kind = struct.unpack_from("<HB", block, off + 64)
                start, size = struct.unpack_from("<IQ", block, off + 116)
                if kind in (1, 2, 5) and 2 <= name_len <= 64:
                    name = block[off : off + name_len - 2].decode("utf-16-le", "replace")
                    self.streams[name] = (start, size)

    @staticmethod
    def _damaged() -> _Refusal:
        return _Refusal("corrupt_file", detail="the Office compound file is damaged")

    def _sector(self, i: int) -> bytes:
        if i >= self.n_sectors:
            raise self._damaged()
        return self.data[(i + 1) * self.size : (i + 2) * self.size].ljust(self.size, b"\x00")

    def _chain(self, s: int) -> Iterator[bytes]:
        seen: set[int] = set()
        while s < _FREE:
            if s in seen or s >= len(self.next):
                raise self._damaged()
            seen.add(s)
            yield self._sector(s)
            s = self.next[s]

    def stream(self, name: str) -> bytes:
        start, size = self.streams[name]
        if size < 4096:  # kept in the mini stream: Excel and LibreOffice never write this
            raise _Refusal("corrupt_file", detail="the .xls has an unusual layout")
        data = b"".join(itertools.islice(self._chain(start), -(-size // self.size)))
        if len(data) < size:
            raise self._damaged()
        return data[:size]


_XLS_CELLS = frozenset({0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD})


def _check_xls(stream: bytes, settings: Settings) -> None:
    """Refuse what the reader would size from the file's own numbers: its string-table count,
    each sheet's DIMENSIONS and the span of its cells (columns go up to 65,535 on disk)."""
    sheets: list[tuple[int, str]] = []
    for kind, body in _biff_records(stream, 0):
        if kind == 0x0085 and len(body) >= 8:  # BoundSheet8
            sheets.append((struct.unpack_from("<I", body)[0], _biff_name(body)))
        elif kind == 0x00FC and len(body) >= 8:  # SST: the reader reserves this many strings
            count = struct.unpack_from("<i", body, 4)[0]
            if not 0 <= count <= len(stream) // 3:
                raise _Refusal("corrupt_file", detail="the .xls string table is damaged")
    limit = settings.max_cells
    for offset, name in sheets:
        bottom, left, right = -1, 1 << 20, -1
        for kind, body in _biff_records(stream, offset):
            if kind == 0x0200 and len(body) in (10, 14):  # DIMENSIONS: the reader reserves it
                if len(body) == 14:
                    rf, rl, cf, cl = struct.unpack_from("<IIHH", body)
                else:
                    rf, rl, cf, cl = struct.unpack_from("<HHHH", body)
                if rl >= 1 and cl >= 1:
                    cells = ((rl - rf) % (1 << 32)) * ((cl - cf) % (1 << 32))
                    if cells > limit:
                        raise _Refusal("sheet_too_large", sheet=name, cells=cells, limit=limit)
            elif kind in _XLS_CELLS and len(body) >= 4:
                row, col = struct.unpack_from("<HH", body)
                bottom, left, right = max(bottom, row), min(left, col), max(right, col)
            elif kind == 0x00BD and len(body) >= 6:  # MulRk: a run of cells
                row, first = struct.unpack_from("<HH", body)
                last = struct.unpack_from("<H", body, len(body) - 2)[0]
                bottom, left, right = max(bottom, row), min(left, first), max(right, last)
        if right > 255:  # BIFF8 holds columns A..IV; wider is made up, and slow to load
            raise _Refusal("corrupt_file", detail=f"sheet {name} has cells beyond column IV")
        if bottom >= 0 and (bottom + 1) * (right - left + 1) > limit:
            cells = (bottom + 1) * (right - left + 1)
            raise _Refusal("sheet_too_large", sheet=name, cells=cells, limit=limit)


def _biff_records(stream: bytes, pos: int) -> Iterator[tuple[int, bytes]]:
    """The records of one substream, from ``pos`` to its EOF record."""
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        yield kind, stream[pos + 4 : pos + 4 + size]
        if kind == 0x000A:
            return
        pos += 4 + size


def _biff_name(body: bytes) -> str:
    n, wide = body[6], body[7] & 1 if len(body) > 7 else 0
    raw = body[8 : 8 + n * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


# --- loading cells (all Excel formats) ---------------------------------------------------------


def _load_beside(
    data: bytes,
    settings: Settings,
    checks: Callable[[], _T],
    wanted: set[str] | None = None,
    others: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[_T, list[RawSheet]]:
    """Run ``checks`` (which refuse a file the reader must not see) and load the cells.

    Where the process may fork, the cells load in a memory-capped child on the other core
    while the checks run here; a refusal from the checks wins over whatever the child found,
    exactly as when the checks run first, in process, which is what a threaded server does.
    """
    if len(data) < _BESIDE_FROM or not can_fork():
        checked = checks()
        return checked, _load_sheets(data, settings, wanted, others)
    memory = settings.reader_memory_mb
    with Forked(_load_outcome, data, settings, wanted, others, memory_mb=memory) as child:
        checked = checks()
        _run_meanwhile()
        try:
            outcome = child.result()
        except ChildFailed as exc:
            _log.error("the reader's child process failed: %s", exc)
            detail = (
                f"reading it needs more than {memory:g} MB"
                if exc.killed
                else "the reader failed on it"
            )
            raise _Refusal("corrupt_file", detail=detail) from None
    if isinstance(outcome, _Refusal):
        raise outcome
    return checked, outcome


def _load_outcome(
    data: bytes, settings: Settings, wanted: set[str] | None, others: set[str]
) -> list[RawSheet] | _Refusal:
    """``_load_sheets`` with its refusal as a value, to cross from the child in one piece."""
    try:
        return _load_sheets(data, settings, wanted, others)
    except _Refusal as refusal:
        return refusal
    except _LIBRARY_ERRORS as exc:
        return _Refusal("corrupt_file", detail=_short(exc))


def _load_sheets(
    data: bytes,
    settings: Settings,
    wanted: set[str] | None = None,
    others: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[RawSheet]:
    """Cells as text through fastexcel: every sheet, or only the ``wanted`` ones (the xlsx
    worksheets we checked) while skipping ``others`` (sheets without cells); a sheet in
    neither is refused, never loaded."""
    try:
        reader = fastexcel.read_excel(data)
    except fastexcel.FastExcelError as exc:
        raise _library_refusal(exc) from exc
    sheets = []
    for name in reader.sheet_names:
        if wanted is not None and name not in wanted:
            if name in others:
                continue
            raise _Refusal("corrupt_file", detail=f"sheet {name} cannot be located")
        try:
            sheet = reader.load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
            batch = sheet.to_arrow()
        except fastexcel.FastExcelError as exc:
            raise _library_refusal(exc, name) from exc
        sheets.append(_raw_sheet(sheet, batch, settings))
    return sheets


def _library_refusal(exc: Exception, sheet: str | None = None) -> _Refusal:
    text = _short(exc)
    if "password" in text.lower() or "encrypt" in text.lower():
        return _Refusal("encrypted_file")
    return _Refusal("corrupt_file", detail=f"sheet {sheet}: {text}" if sheet else text)


def _raw_sheet(sheet: fastexcel.ExcelSheet, batch: pa.RecordBatch, settings: Settings) -> RawSheet:
    columns = [_text(col) for col in batch.columns]
    skip = _blank_top(columns)
    columns = [col.slice(skip) for col in columns] if skip < batch.num_rows else []
    height = len(columns[0]) if columns else 0
    if height * len(columns) > settings.max_cells:
        raise _Refusal(
            "sheet_too_large",
            sheet=sheet.name,
            cells=height * len(columns),
            limit=settings.max_cells,
        )
    return RawSheet(
        name=sheet.name,
        hidden=sheet.visible != "visible",
        columns=columns,
        first_row=1 + skip if columns else 1,
        first_col=sheet.selected_columns[0].absolute_index if columns else 0,
    )


def _with_extras(sheet: RawSheet, extra: _SheetXml) -> RawSheet:
    """The sheet with the merged ranges and hyperlinks read from its part."""
    height = len(sheet.columns[0]) if sheet.columns else 0
    box = (
        sheet.first_row,
        sheet.first_col,
        sheet.first_row + height - 1,
        sheet.first_col + len(sheet.columns) - 1,
    )
    links: dict[tuple[int, int], str] = {}
    for r1, c1, r2, c2, target in extra.links:
        for cell in _link_cells(r1, c1, r2, c2, box):
            links.setdefault(cell, target)
    return replace(sheet, hyperlinks=links, merged=extra.merged)


def _text(col: pa.Array) -> pa.Array:
    """A string column with blanks as None: validators then never see "".

    Built from arrays only: the first Python value handed to pyarrow (``pc.equal(col, "")``)
    makes it import pandas, 0.2 s that the reader has no use for.
    """
    if not pa.types.is_string(col.type):
        col = col.cast(pa.string())
    filled = pc.cast(pc.utf8_length(col), pa.bool_())
    if filled.null_count < len(col) and not pc.all(filled).as_py():
        col = pc.if_else(filled, col, pa.nulls(len(col), pa.string()))
    return col


def _blank_top(columns: list[pa.Array]) -> int:
    """How many rows at the top are blank in every column (the reader pads from row 1)."""
    height = len(columns[0]) if columns else 0
    firsts = [
        pc.indices_nonzero(col.is_valid())[0].as_py() if col.null_count else 0
        for col in columns
        if col.null_count < len(col)
    ]
    return min(firsts, default=height)


def _link_cells(
    r1: int, c1: int, r2: int, c2: int, box: tuple[int, int, int, int]
) -> Iterator[tuple[int, int]]:
    if (r2 - r1 + 1) * (c2 - c1 + 1) > _LINK_CELLS:  # clip a huge range to the cells we hold
        r1, c1 = max(r1, box[0]), max(c1, box[1])
        r2, c2 = min(r2, box[2]), min(c2, box[3])
        if r1 > r2 or c1 > c2 or (r2 - r1 + 1) * (c2 - c1 + 1) > _LINK_CELLS:
            yield r1, c1
            return
    for row in range(r1, r2 + 1):
        for col in range(c1, c2 + 1):
            yield row, col


# --- csv ---------------------------------------------------------------------------------------


_MAX_COLUMNS = 16_384  # Excel's own limit (A..XFD): no spreadsheet program saves a wider sheet


def _read_csv(data: bytes, stem: str, settings: Settings) -> RawSheet:
    text = _decode_csv(data)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    columns: list[list[str | None]] = []
    height = 0
    for row in rows:
        if len(row) > _MAX_COLUMNS:
            raise _Refusal("too_many_columns", sheet=stem, columns=len(row), limit=_MAX_COLUMNS)
        width = max(len(row), len(columns))
        if (height + 1) * width > settings.max_cells:  # checked before the row is kept
            cells = (height + 1) * width
            raise _Refusal("sheet_too_large", sheet=stem, cells=cells, limit=settings.max_cells)
        if len(row) > len(columns):
            columns += [[None] * height for _ in range(len(row) - len(columns))]
        for i, col in enumerate(columns):
            col.append((row[i] or None) if i < len(row) else None)
        height += 1
    arrays = [pa.array(col, type=pa.string()) for col in columns]
    skip = _blank_top(arrays)
    arrays = [a.slice(skip) for a in arrays] if skip < height else []
    return RawSheet(
        name=stem, hidden=False, columns=arrays, first_row=1 + skip if arrays else 1, first_col=0
    )


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else TIS-620 (as Windows' cp874, its superset)."""
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = _try_decode(data[3:], "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try_decode(data, "utf-16")
    else:
        text = _try_decode(data, "utf-8") or _try_decode(data, "cp874")
    if text is None or "\x00" in text:
        raise _Refusal("csv_encoding")
    return text


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


_DELIMITERS = ",;\t"
_SAMPLE_LINES = 50
_SAMPLE_CHARS = 65536


def _delimiter(text: str) -> str:
    """The delimiter that first splits a line into two filled fields or more (the header row,
    below title lines of one cell), then the one that splits most lines so, then into two
    fields or more, then the one whose lines agree most on their width: a note full of commas
    in a tab-separated file comes after the tabbed header; a row holding just "," splits into
    nothing filled, a header "ข้อ;สถานะ" into two; lines inside a quoted cell come late.

    A sample of at most 50 lines and 64 KB, split by the csv module (linear, quotes understood)
    once per candidate: bounded time whatever the file. csv.Sniffer's regular expressions took
    49 s on 63 KB of ",' " repeated, holding the GIL of the whole dashboard.
    """
    sample = text[:_SAMPLE_CHARS]
    if len(sample) == _SAMPLE_CHARS and "\n" in sample:  # whole lines only
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (-_SAMPLE_LINES - 1, 0, 0, 0, 0)
    for delimiter in _DELIMITERS:
        rows = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            sample_rows = [row for row in itertools.islice(rows, _SAMPLE_LINES) if row]
        except csv.Error:
            continue
        split = [len(row) for row in sample_rows if len(row) > 1]
        if not split:
            continue
        filled = [i for i, row in enumerate(sample_rows) if sum(1 for c in row if c.strip()) > 1]
        first = -filled[0] if filled else -_SAMPLE_LINES
        common = max(set(split), key=split.count)
        score = (first, len(filled), len(split), split.count(common), -_DELIMITERS.index(delimiter))
        if score > best_score:
            best, best_score = delimiter, score
    return best
