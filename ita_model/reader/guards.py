"""Guards on a zip container (xlsx, xlsm, ods) that run before any library sees it: a zip bomb
refused from its directory, each part inflated in chunks and never past the size it declares,
and no DTD or entity in any XML part (billion laughs), checked on the bytes themselves. Inflated
on the thread that scans: a helper thread never ran beside the scan (zlib takes the GIL back for
every block of output it grows, about ten times a call, each a wait for the scanner's regular
expression), and a 1 MB chunk is still in the cache when the scanner reads it."""

from __future__ import annotations

import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ita_model.reader.raw import MB, Refusal
from ita_model.settings import Settings

_MAX_PARTS = 10_000  # a real workbook has tens of parts; a million tiny ones is an attack
_BOMB_RATIO = 200  # a real 356,900-row sheet compresses about 15:1
_BOMB_MIN_SIZE = 10 * MB
_CHUNK = 1 << 20  # inflated bytes handed to the scanners at a time
_CHUNK_IN = 1 << 16  # compressed bytes fed to zlib at a time


def check_zip(infos: list[zipfile.ZipInfo], settings: Settings) -> None:
    """Refuse a zip bomb from its directory alone, before inflating a byte."""
    if len(infos) > _MAX_PARTS:
        raise Refusal("zip_bomb", detail=f"{len(infos):,} parts")
    if len({i.filename for i in infos}) != len(infos):
        raise Refusal("corrupt_file", detail="the zip container holds a part twice")
    total = sum(i.file_size for i in infos)
    if total > settings.max_unzipped_mb * MB:
        raise Refusal(
            "zip_bomb",
            detail=f"unpacks to {total / MB:,.0f} MB, limit {settings.max_unzipped_mb:g} MB",
        )
    for i in infos:
        if i.flag_bits & 0x1:
            raise Refusal("encrypted_file")
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > _BOMB_MIN_SIZE and ratio > _BOMB_RATIO:
            raise Refusal(
                "zip_bomb",
                detail=f"{i.filename} expands {ratio:,.0f}:1 to {i.file_size / MB:,.0f} MB",
            )


def inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes in chunks, never more than its declared size (a lying size is a bomb)."""
    chunk = _CHUNK  # read at each call: a test scans a sheet in small chunks
    view = memoryview(data)
    offset = info.header_offset
    if view[offset : offset + 4] != b"PK\x03\x04":
        raise Refusal("corrupt_file", detail=f"part {info.filename} is damaged")
    name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_len + extra_len
    end = start + info.compress_size
    if end > len(data):
        raise Refusal("corrupt_file", detail=f"part {info.filename} is cut short")
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise Refusal("corrupt_file", detail=f"part {info.filename} is damaged")
        for pos in range(start, end, chunk):
            yield bytes(view[pos : min(pos + chunk, end)])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise Refusal("corrupt_file", detail=f"part {info.filename} uses an unknown compression")
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
        out = inflater.decompress(piece, chunk)
        produced += len(out)
        if produced > info.file_size:
            raise Refusal(
                "zip_bomb", detail=f"{info.filename} unpacks to more than the size it declares"
            )
        if out:
            yield out
    if not inflater.eof or produced != info.file_size:
        raise Refusal("corrupt_file", detail=f"part {info.filename} is damaged")


_XML_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def check_prolog(head: bytes, part: str) -> None:
    """No DTD, no entities: refuse billion laughs before any parser sees the part."""
    if _XML_DECL.search(head.replace(b"\x00", b"")):  # NULs removed: UTF-16 XML too
        raise Refusal("xml_entity", part=part)


def read_part(data: bytes, info: zipfile.ZipInfo | None) -> bytes:
    """A whole (small) part, its prolog checked; b"" if the part is missing."""
    if info is None:
        return b""
    chunks = inflate(data, info)
    head = next(chunks, b"")
    check_prolog(head, info.filename)
    return b"".join(itertools.chain([head], chunks))


def drain(data: bytes, info: zipfile.ZipInfo) -> None:
    """Inflate a part we don't read ourselves: checks its prolog and that it isn't a bomb."""
    chunks = inflate(data, info)
    check_prolog(next(chunks, b""), info.filename)
    for _ in chunks:
        pass


def parse_xml(xml: bytes, part: str) -> Element:
    try:
        return SafeET.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise Refusal("xml_entity", part=part) from exc
    except ParseError as exc:
        raise Refusal("corrupt_file", detail=f"{part} is not valid XML") from exc
