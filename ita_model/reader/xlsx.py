"""xlsx and xlsm: the workbook's sheets found through its relationships, each worksheet part
scanned in one streaming pass before the library loads it, so that a cell placed far away (a
lying ``<dimension>``, a cell at XFD1048576) is refused rather than sized; and the merged
ranges and hyperlinks read from the part's end, which the library does not give."""

from __future__ import annotations

import itertools
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from xml.etree.ElementTree import Element

from ita_model.reader.arrow import load_sheets, open_book
from ita_model.reader.guards import (
    check_prolog,
    drain,
    inflate,
    parse_xml,
    read_part,
)
from ita_model.reader.raw import RawSheet, Refusal
from ita_model.settings import Settings

_REL_NS_SUFFIX = "relationships"
_CARRY = 64  # bytes kept from one chunk to the next so that no pattern is cut in two
_LINK_CELLS = 10_000  # a hyperlink over a bigger range is kept on its first cell only


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
    xml = read_part(data, parts.get(rels_name))
    if not xml:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for el in parse_xml(xml, rels_name).iter():
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


@dataclass
class _SheetXml:
    """What we need from a worksheet part besides its cells."""

    merged: list[tuple[int, int, int, int]]
    links: list[tuple[int, int, int, int, str]]  # r1, c1, r2, c2 (rows 1-based), target


def read_xlsx(data: bytes, parts: dict[str, zipfile.ZipInfo], settings: Settings) -> list[RawSheet]:
    book = "xl/workbook.xml"
    book_rels = _rels(data, parts, book)
    sheet_parts: dict[str, str] = {}  # sheet name -> worksheet part
    others: set[str] = set()  # chart, dialog and macro sheets: no data cells, not read
    hidden: set[str] = set()
    for el in parse_xml(read_part(data, parts[book]), book).iter():
        if _local(el.tag) != "sheet":
            continue
        kind, target = book_rels.get(_rel_id(el) or "", ("", ""))
        name = el.get("name", "")
        if el.get("state", "visible") != "visible":  # hidden or veryHidden
            hidden.add(name)
        if kind != "worksheet":
            others.add(name)
        elif target in parts:
            sheet_parts[name] = target
        else:
            raise Refusal("corrupt_file", detail=f"sheet {name} has no data part")

    strings = {target for kind, target in book_rels.values() if kind == "sharedStrings"}
    for name, info in parts.items():  # first every other part: no bomb, no entity
        if name in strings or posixpath.basename(name).casefold() == "sharedstrings.xml":
            _check_strings(data, info)
        elif name not in sheet_parts.values():
            drain(data, info)
    # Those parts are all the library reads when it opens the book (the worksheets wait for
    # load_sheets), so it opens them on the other core while the worksheets are scanned here.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ita-open") as pool:
        opened = pool.submit(open_book, data)
        extras = {}
        for name, part in sheet_parts.items():  # the cells' positions, which the library trusts
            links = {rid: target for rid, (_, target) in _rels(data, parts, part).items()}
            extras[name] = _scan_worksheet(data, parts[part], name, links, settings)
        book = opened.result()
    sheets = load_sheets(book, settings, set(sheet_parts), others, hidden)
    return [_with_extras(sheet, extras[sheet.name]) for sheet in sheets]


_SST = re.compile(rb"<(?:[\w.-]+:)?sst\b([^>]*)>")
_UNIQUE_COUNT = re.compile(rb"\buniqueCount\s*=\s*[\"']\s*\+?(\d+)")
_SMALLEST_STRING = 5  # <si/>


def _check_strings(data: bytes, info: zipfile.ZipInfo) -> None:
    """The shared-string table, guarded like any part, and its announced size checked: the
    library reserves room for ``uniqueCount`` strings before reading one, so a 1 KB file
    announcing four billion would abort the process."""
    chunks = inflate(data, info)
    head = next(chunks, b"")
    check_prolog(head, info.filename)
    text = head.replace(b"\x00", b"")  # UTF-16 too
    root = _SST.search(text)
    if root is None and re.search(rb"<(?:[\w.-]+:)?sst\b", text):
        raise Refusal("corrupt_file", detail=f"{info.filename} is not valid XML")
    count = _UNIQUE_COUNT.search(root[1]) if root else None
    announced = int(count[1]) if count else 0
    if announced > info.file_size // _SMALLEST_STRING + 1:
        detail = f"{info.filename} announces {announced:,} strings in {info.file_size:,} bytes"
        raise Refusal("corrupt_file", detail=detail)
    for _ in chunks:
        pass


_ROOT = re.compile(rb"<(?:[\w.-]+:)?worksheet\b[^>]*>")
_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\s+ref\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})"
    rb"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?[\"']"
)
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")
_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>|<(?:[\w.-]+:)?sheetData\s*/>")
_PREFIXED_CELL = re.compile(rb":c[\s>]")
_SMALLEST_CELL = len(b'<c r="A1"><v>1</v></c>')  # the least a cell the library keeps can take


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
    return _scan_chunks(inflate(data, info), info, sheet, settings, exact=exact)


def _scan_chunks(
    chunks: Iterator[bytes],
    info: zipfile.ZipInfo,
    sheet: str,
    settings: Settings,
    *,
    exact: bool,
) -> tuple[bytes, bytes] | None:
    head = next(chunks, b"")
    check_prolog(head, info.filename)
    root = _ROOT.search(head)
    if root is None:
        raise Refusal("corrupt_file", detail=f"sheet {sheet} is not a worksheet")
    data_at = _SHEET_DATA.search(head)
    dim = _DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
    guard: re.Pattern[bytes] | None = None
    if dim:
        r1, r2 = int(dim[2]), int(dim[4] or dim[2])
        c1, c2 = _col_index(dim[1]), _col_index(dim[3] or dim[1])
        cells = (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
        if cells > settings.max_cells:
            raise Refusal("sheet_too_large", sheet=sheet, cells=cells, limit=settings.max_cells)
        if not exact:
            guard = _guard(max(r1, r2), max(c1, c2), settings)
    if not exact and guard is None:
        return None
    # Cells inside the box may still repeat (A1 a million times): the library keeps each one. A
    # part that could hold more cells than the limit and twice its box has them counted.
    counted = (
        0 if guard and info.file_size // _SMALLEST_CELL > max(settings.max_cells, 2 * cells) else -1
    )
    bounds = _CellBounds(sheet, settings.max_cells) if exact else None
    tail: bytearray | None = None
    pending = b""  # exact pass: the unfinished tag at the end of the last chunk
    seam = b""  # the last bytes seen, to catch what a chunk boundary cuts in two
    for chunk, last in _with_last(itertools.chain([head], chunks)):
        if guard is not None:
            if _outside(guard, chunk, seam, last) or _outside(_PREFIXED_CELL, chunk, seam, last):
                return None
            if counted >= 0:
                counted += chunk.count(b'<c r="')
                if counted > settings.max_cells:
                    raise Refusal(
                        "sheet_too_large", sheet=sheet, cells=counted, limit=settings.max_cells
                    )
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
    # the row: fewer digits than the bound, or as many with a first digit up to the bound's
    first, rest = digits[0], len(digits) - 1
    rows = f"(?:[1-{first}][0-9]{{{rest}}}|[0-9]{{1,{rest}}}+)" if rest else f"[1-{first}]"
    return re.compile(f'<c(?! r="{_letters_upto(col)}{rows}"{_CELL_END})[^a-z]'.encode())


# After the r, only attributes not named r (the reader takes the last r), as Excel writes them.
# The endings Excel and xlsxwriter write on nearly every cell come first, as literals: each is
# one case of the general form after them, so the same cells pass, a third sooner.
_CELL_END = (
    r'(?:>| s="[0-9]++" t="s">| t="s">| t="inlineStr">| s="[0-9]++">'
    r'|(?: [a-qs-z][\w:.-]*+="[^"]*+")*+/?>)'
)


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
                raise Refusal(
                    "sheet_too_large", sheet=self.sheet, cells=self.count, limit=self.limit
                )

    def check(self) -> None:
        if self.count:  # rows are read from row 1 (so that positions are exact): count them
            cells = (self.bottom + 1) * (self.right - self.left + 1)
            if cells > self.limit:
                raise Refusal("sheet_too_large", sheet=self.sheet, cells=cells, limit=self.limit)


def _parse_tail(root: bytes, tail: bytes, rels: dict[str, str], part: str) -> _SheetXml:
    """Merged ranges and hyperlinks, from the part's end only: never parse the cells twice."""
    out = _SheetXml(merged=[], links=[])
    if b"mergeCell" not in tail and b"hyperlink" not in tail:
        return out
    for el in parse_xml(root + tail, part).iter():
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
