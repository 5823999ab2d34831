"""Legacy Excel (.xls, an OLE2 compound file): just enough of the container to tell a workbook
from a Word file or an encrypted xlsx, and the BIFF records the library would size its memory
from (the string table's count, each sheet's DIMENSIONS and its cells' span) checked first."""

from __future__ import annotations

import io
import itertools
import struct
from collections.abc import Iterator
from dataclasses import replace

import python_calamine

from ita_model.reader.arrow import load_sheets
from ita_model.reader.raw import RawSheet, Refusal
from ita_model.reader.sniff import not_spreadsheet
from ita_model.settings import Settings


def read_xls(data: bytes, suffix: str, settings: Settings) -> list[RawSheet]:
    cfb = _Cfb(data)
    names = {n.casefold(): n for n in cfb.streams}
    if {"encryptedpackage", "encryptioninfo"} & names.keys():
        raise Refusal("encrypted_file")
    book = names.get("workbook") or names.get("book")
    if book:
        _check_xls(cfb.stream(book), settings)
        sheets = load_sheets(data, settings)
        merges = _xls_merges(data)
        return [replace(sheet, merged=merges.get(sheet.name, [])) for sheet in sheets]
    if "worddocument" in names:
        looks = "Word document (.doc)"
    elif "powerpoint document" in names:
        looks = "PowerPoint (.ppt)"
    else:
        looks = "an Office file of another kind"
    raise not_spreadsheet(suffix, looks)


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
    def _damaged() -> Refusal:
        return Refusal("corrupt_file", detail="the Office compound file is damaged")

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
            raise Refusal("corrupt_file", detail="the .xls has an unusual layout")
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
                raise Refusal("corrupt_file", detail="the .xls string table is damaged")
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
                        raise Refusal("sheet_too_large", sheet=name, cells=cells, limit=limit)
            elif kind in _XLS_CELLS and len(body) >= 4:
                row, col = struct.unpack_from("<HH", body)
                bottom, left, right = max(bottom, row), min(left, col), max(right, col)
            elif kind == 0x00BD and len(body) >= 6:  # MulRk: a run of cells
                row, first = struct.unpack_from("<HH", body)
                last = struct.unpack_from("<H", body, len(body) - 2)[0]
                bottom, left, right = max(bottom, row), min(left, first), max(right, last)
        if right > 255:  # BIFF8 holds columns A..IV; wider is made up, and slow to load
            raise Refusal("corrupt_file", detail=f"sheet {name} has cells beyond column IV")
        if bottom >= 0 and (bottom + 1) * (right - left + 1) > limit:
            cells = (bottom + 1) * (right - left + 1)
            raise Refusal("sheet_too_large", sheet=name, cells=cells, limit=limit)


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
